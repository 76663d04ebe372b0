"""Arabic entity annotation for Newsroom (pure Python, no Django).

Public interface — keep it small and stable; the recogniser behind it will be replaced by a
trained model:

* ``annotate(text) -> list[Span]`` — entities, sorted by start, non-overlapping, none crossing
  a sentence. Offsets are code-point offsets into the original text and never include attached
  proclitics (و ف ب ل ك …).
* ``entity_key(name)`` — linking key shared by spellings of one name.
* ``normalize_letters(text)`` — spelling normalisation for search and linking.
* ``sentence_bounds(text)`` — contiguous (start, end) pieces covering the text.
* ``ANNOTATOR_VERSION`` — changes whenever annotate's output may change.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gazetteer import default_gazetteer
from .recognizer import find_matches
from .text import entity_key, normalize_letters, sentence_bounds

__all__ = [
    "ANNOTATOR_VERSION",
    "Span",
    "annotate",
    "entity_key",
    "normalize_letters",
    "sentence_bounds",
]

ANNOTATOR_VERSION = "gazetteer-1"


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # code-point offset into the ORIGINAL text
    end: int  # exclusive; text[start:end] == text
    kind: str  # "PERS" | "ORG" | "LOC" | "MISC"
    text: str
    norm: str  # entity_key of the name, links spellings of one entity


def annotate(text: str) -> list[Span]:
    """Named entities in text, sorted by start and non-overlapping."""
    return [
        Span(m.start, m.end, m.kind, text[m.start : m.end], m.key)
        for m in find_matches(text, default_gazetteer())
    ]
