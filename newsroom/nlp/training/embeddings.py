"""Word embeddings for the tagger: gensim fastText skip-gram (one worker, fixed seed) on the news
corpora, the training part of ANERcorp (its held-out tail is left out) and WikiFANE's text, all
spelled with ``norm_word``. The news articles annotated for development (their line numbers in
``skip_lines``) are left out too, so that nothing scored was read in training.

Output directory: ``vectors.npy`` (float32, vocabulary order), ``vocab.tsv`` (word<TAB>count,
most frequent first) and ``fasttext.model`` (gensim; gives sub-word vectors to the training
words the corpus lacks). None of it ships: the tagger keeps the vectors of its vocabulary only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..tagger.features import norm_word
from .data import anercorp_split, news_sentences, wikifane_sentences

DEFAULTS = {"dim": 100, "epochs": 5, "min_count": 3, "seed": 1}


def train_embeddings(
    out: Path,
    news: str | Path,
    anercorp: str | Path,
    wikifane: str | Path | None = None,
    *,
    extra_news: tuple[str | Path, ...] = (),
    skip_lines: frozenset[int] = frozenset(),
    news_limit: int | None = None,
    dim: int = 100,
    epochs: int = 5,
    min_count: int = 3,
    seed: int = 1,
    log: Callable[[str], None] = print,
) -> None:
    from gensim.models import FastText  # the optional extra "train"

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    sents = [[norm_word(t) for t in toks] for toks in news_sentences(news, news_limit, skip_lines)]
    for path in extra_news:
        sents += [[norm_word(t) for t in toks] for toks in news_sentences(path, news_limit)]
    n_news = len(sents)
    train, _held = anercorp_split(anercorp)
    sents += [[norm_word(t) for t in toks] for toks, _ in train]
    if wikifane:
        sents += [[norm_word(t) for t in toks] for toks in wikifane_sentences(wikifane)]
    n_tok = sum(len(s) for s in sents)
    log(
        f"embeddings: {len(sents):,} sentences ({n_news:,} from the news corpora, "
        f"{len(skip_lines)} articles left out), "
        f"{n_tok:,} tokens, read in {time.perf_counter() - t0:.0f} s"
    )
    model = FastText(
        sentences=sents,
        vector_size=dim,
        window=5,
        min_count=min_count,
        sg=1,
        negative=10,
        workers=1,
        seed=seed,
        epochs=epochs,
        sample=1e-4,
        min_n=2,
        max_n=5,
        bucket=500_000,
    )
    words = model.wv.index_to_key
    log(f"embeddings: trained in {time.perf_counter() - t0:.0f} s, vocabulary {len(words):,}")
    np.save(out / "vectors.npy", model.wv.vectors[: len(words)].astype(np.float32))
    with open(out / "vocab.tsv", "w", encoding="utf-8") as fh:
        for w in words:
            fh.write(f"{w}\t{model.wv.get_vecattr(w, 'count')}\n")
    model.save(str(out / "fasttext.model"))
