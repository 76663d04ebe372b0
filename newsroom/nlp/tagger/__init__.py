"""The trained recogniser: a BiLSTM-CRF tagger (model.py, numpy inference) and the core that
turns its tags into entity spans for ``nlp.annotate`` (core.py). Training code lives in
``newsroom.nlp.training`` and is imported only by ``manage.py train_ner``."""

from .model import DEFAULT_DIR, Tagger, default_tagger

__all__ = ["DEFAULT_DIR", "Tagger", "default_tagger"]
