"""Training of the built-in recogniser (``manage.py train_ner``): word embeddings (gensim
fastText, ``embeddings.py``), the BiLSTM-CRF tagger (torch, ``tagger.py``) and the data they read
(``data.py``). Imported only by the command: the app itself needs neither gensim nor torch for
tagging. Install the extra with ``pip install -e '.[train]'``."""
