"""Arabic entity annotation for Newsroom (pure Python, no Django).

Public interface — keep it small and stable; the recogniser behind it is a backend (see
backends.py) chosen once, on first use, by the ``NER_BACKEND`` environment variable:

* ``annotate(text) -> list[Span]`` — entities, sorted by start, non-overlapping, none crossing
  a sentence. Offsets are code-point offsets into the original text and never include attached
  proclitics (و ف ب ل ك …; the camel backend strips them only before the article ال).
* ``annotate_many(texts) -> list[list[Span]]`` — the same for many texts, faster where the
  backend can batch them (the built-in tagger does).
* ``entity_key(name)`` — linking key shared by spellings of one name.
* ``normalize_letters(text)`` — spelling normalisation for search and linking.
* ``sentence_bounds(text)`` — contiguous (start, end) pieces covering the text.
* ``ANNOTATOR_VERSION`` — the backend's version; changes whenever annotate's output may change.
* ``check_backend()`` — choose the backend now and fail early (``BackendUnavailable``) when it
  cannot run: the start-up check.
"""

from __future__ import annotations

from collections.abc import Sequence

from .backends import Backend, BackendUnavailable, Span, active
from .text import entity_key, normalize_letters, sentence_bounds

__all__ = [
    "ANNOTATOR_VERSION",
    "Backend",
    "BackendUnavailable",
    "Span",
    "annotate",
    "annotate_many",
    "check_backend",
    "entity_key",
    "normalize_letters",
    "sentence_bounds",
]


def annotate(text: str) -> list[Span]:
    """Named entities in text, sorted by start and non-overlapping."""
    return active().annotate(text)


def annotate_many(texts: Sequence[str]) -> list[list[Span]]:
    """annotate() of each text, in one call (the built-in tagger batches their sentences)."""
    backend = active()
    many = getattr(backend, "annotate_many", None)
    if many is None:
        return [backend.annotate(text) for text in texts]
    return many(texts)


def check_backend() -> Backend:
    """The configured backend, chosen now; raises BackendUnavailable if it cannot run."""
    return active()


def __getattr__(name: str) -> str:
    # ANNOTATOR_VERSION is computed, not a constant: it is the chosen backend's version.
    if name == "ANNOTATOR_VERSION":
        return active().version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
