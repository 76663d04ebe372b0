"""Recogniser backends behind ``nlp.annotate``, chosen once by the ``NER_BACKEND`` variable.

* ``builtin`` (default): the project's own recogniser, a *core* function wrapped by
  :class:`CoreBackend`. The core is the trained BiLSTM-CRF tagger (``tagger/``) with the
  hand-written names laid over it; replacing the core is the one line that defines
  :data:`BUILTIN`.
* ``gazetteer``: the previous built-in core, gazetteer and rules only (``recognizer.py``): a
  fallback and a baseline for ``evaluate_ner``.
* ``camel``: CAMeL Tools' BERT recogniser (``camel_backend.py``), when its model is installed.

Every backend returns the same :class:`Span` list: sorted, non-overlapping, none crossing a
sentence, code-point offsets into the original text, proclitics kept out where the backend can.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .cleanup import clean_spans
from .gazetteer import default_gazetteer
from .recognizer import find_matches
from .tagger.core import tagger_core, tagger_core_many
from .text import entity_key

BACKEND_VARIABLE = "NER_BACKEND"
BACKEND_NAMES = ("builtin", "camel", "gazetteer")
ENTITY_KINDS = frozenset({"PERS", "ORG", "LOC", "MISC"})


class BackendUnavailable(RuntimeError):
    """The configured backend cannot run here; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # code-point offset into the ORIGINAL text
    end: int  # exclusive; text[start:end] == text
    kind: str  # "PERS" | "ORG" | "LOC" | "MISC"
    text: str
    norm: str  # entity_key of the name, links spellings of one entity


class Backend(Protocol):
    name: str
    version: str  # changes whenever annotate's output may change

    def annotate(self, text: str) -> list[Span]: ...

    def annotate_many(self, texts: Sequence[str]) -> list[list[Span]]: ...


class Found(Protocol):
    """What a core reports per entity (recognizer.Match is one); ``key`` may be absent."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def kind(self) -> str: ...


Core = Callable[[str], Iterable[Found]]
CoreMany = Callable[[Sequence[str]], Sequence[Iterable[Found]]]


class CoreBackend:
    """A backend around a core: text in, entities with offsets, kind and optional key out."""

    def __init__(self, name: str, version: str, core: Core, core_many: CoreMany | None = None):
        self.name = name
        self.version = version
        self.core = core
        self.core_many = core_many  # the same for many texts at once, when that is faster

    def annotate(self, text: str) -> list[Span]:
        return self._spans(text, self.core(text))

    def annotate_many(self, texts: Sequence[str]) -> list[list[Span]]:
        if self.core_many is None:
            return [self.annotate(text) for text in texts]
        found = self.core_many(texts)
        return [self._spans(text, f) for text, f in zip(texts, found, strict=True)]

    @staticmethod
    def _spans(text: str, found: Iterable[Found]) -> list[Span]:
        spans = []
        for m in found:
            s, e = m.start, m.end
            key = getattr(m, "key", None) or entity_key(text[s:e])
            spans.append(Span(s, e, m.kind, text[s:e], key))
        return clean_spans(text, spans)

    def __repr__(self) -> str:
        return f"<{self.name} backend {self.version}>"


def gazetteer_core(text: str) -> Iterable[Found]:
    """The gazetteer + rules recogniser on the shipped gazetteer (loaded on first use)."""
    return find_matches(text, default_gazetteer())


# The built-in recogniser: the trained tagger (bump the version whenever its output may change).
BUILTIN: Backend = CoreBackend("builtin", "bilstm-crf-4.5", tagger_core, tagger_core_many)
GAZETTEER: Backend = CoreBackend("gazetteer", "gazetteer-2", gazetteer_core)


def configured_name() -> str:
    """The backend that NER_BACKEND names (builtin when unset or empty)."""
    return os.environ.get(BACKEND_VARIABLE, "").strip().lower() or "builtin"


def create(name: str) -> Backend:
    """A backend by name; raises BackendUnavailable for an unknown name or a missing model.

    Only cheap checks run here (the camel model is loaded on first use, never downloaded).
    """
    if name == "builtin":
        return BUILTIN
    if name == "gazetteer":
        return GAZETTEER
    if name == "camel":
        from .camel_backend import CamelBackend

        return CamelBackend.from_environment()
    raise BackendUnavailable(
        f"{BACKEND_VARIABLE}={name!r} is not a recogniser backend: use one of "
        + ", ".join(BACKEND_NAMES)
    )


_active: Backend | None = None
_lock = threading.Lock()


def active() -> Backend:
    """The backend that nlp.annotate uses, chosen from NER_BACKEND on the first call."""
    global _active
    backend = _active
    if backend is None:
        with _lock:
            if _active is None:
                _active = create(configured_name())
            backend = _active
    return backend


def reset() -> None:
    """Forget the chosen backend, so the next call reads NER_BACKEND again (tests)."""
    global _active
    with _lock:
        _active = None
