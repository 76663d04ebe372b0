"""Names kept for build_gazetteer: the CoNLL helpers now live in conll.py."""

from __future__ import annotations

from .conll import (
    Sentence,
    neutralise,
    read_conll,
    sentence_text,
    split_holdout,
    tokens_covered,
)
from .conll import chunks as spans_of
from .conll import tags_from_spans as predicted_tags

__all__ = [
    "Sentence",
    "neutralise",
    "predicted_tags",
    "read_conll",
    "sentence_text",
    "spans_of",
    "split_holdout",
    "tokens_covered",
]
