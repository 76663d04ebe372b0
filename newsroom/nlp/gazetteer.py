"""The name lists behind the recogniser: a token trie of names plus a few word lists.

Run time needs only two files, both in data/:

* ``gazetteer.tsv.gz`` — built by ``python -m newsroom.nlp.build_gazetteer`` from the NER
  corpora and name lists; one ``KIND<TAB>normalised name`` per line, tokens separated by one
  space.
* ``core_names.tsv`` — the hand-written list, read last so that it wins.

KIND is one of the entity kinds PERS / ORG / LOC / MISC, or

* ``O``      — a phrase that must not be tagged (it blocks shorter names inside it),
* ``FIRST``  — a given name that may start a person's name of two or three words,
* ``NAMETOK``— a word seen inside person names (may extend such a name to a third word),
* ``COMMON`` — an ordinary word, seen mostly outside names in the corpora.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .text import clitic_analyses, tokenize_norm

DATA_DIR = Path(__file__).resolve().parent / "data"
GAZETTEER_PATH = DATA_DIR / "gazetteer.tsv.gz"
CORE_PATH = DATA_DIR / "core_names.tsv"

ENTITY_KINDS = frozenset({"PERS", "ORG", "LOC", "MISC"})
NAME_KINDS = ENTITY_KINDS | {"O"}
LIST_KINDS = frozenset({"FIRST", "NAMETOK", "COMMON"})
END = ""  # trie key marking "a name ends here"; never a token


class Gazetteer:
    """Names in a trie keyed by normalised token, plus the word lists used by the rules.

    The root level of the trie is split in two for fast loading: ``single`` maps one-word names
    to their kind, and ``trie`` holds names of two words or more as nested dicts (token → node;
    the key END holds the kind of a name ending at that node).
    """

    __slots__ = ("single", "trie", "first", "nametok", "common", "_starts")

    def __init__(self) -> None:
        self.single: dict[str, str] = {}
        self.trie: dict = {}
        self.first: set[str] = set()
        self.nametok: set[str] = set()
        self.common: set[str] = set()
        self._starts: dict[str, bool] = {}

    def may_start(self, norm: str) -> bool:
        """Whether a name can begin with this normalised token, with or without a proclitic
        (most tokens: no; the answer is remembered, tokens repeat a lot)."""
        known = self._starts.get(norm)
        if known is None:
            if len(self._starts) >= 200_000:
                self._starts.clear()
            known = self._starts[norm] = any(
                form in self.single or form in self.trie for form, _ in clitic_analyses(norm)
            )
        return known

    @property
    def size(self) -> int:
        return len(self.single) + _count(self.trie)

    def add(self, kind: str, tokens: Iterable[str]) -> None:
        tokens = tuple(tokens)
        if not tokens:
            return
        self._starts.clear()
        if kind in NAME_KINDS:
            if len(tokens) == 1:
                self.single[tokens[0]] = kind
                return
            node = self.trie
            for tok in tokens:
                node = node.setdefault(tok, {})
            node[END] = kind
        elif kind == "FIRST":
            self.first.add(tokens[0])
        elif kind == "NAMETOK":
            self.nametok.add(tokens[0])
        elif kind == "COMMON":
            self.common.add(tokens[0])
        else:
            raise ValueError(f"unknown gazetteer kind {kind!r}")

    def lookup(self, tokens: Iterable[str]) -> str | None:
        """Kind of exactly this name (normalised tokens), or None."""
        tokens = tuple(tokens)
        if len(tokens) == 1:
            return self.single.get(tokens[0])
        node = self.trie
        for tok in tokens:
            node = node.get(tok)
            if node is None:
                return None
        return node.get(END)


def read_core(path: Path = CORE_PATH) -> list[tuple[str, tuple[str, ...]]]:
    """(kind, normalised tokens) for each line of the hand-written list."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            kind, _, name = line.partition("\t")
            tokens = tokenize_norm(name)
            if tokens:
                out.append((kind.strip(), tokens))
    return out


def load_gazetteer(path: Path | None = GAZETTEER_PATH, core: Path | None = CORE_PATH) -> Gazetteer:
    """A built artefact (if given and present) overlaid with a core list."""
    gaz = Gazetteer()
    if path is not None and Path(path).exists():
        _load_artefact(gaz, gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
    if core is not None:
        for kind, tokens in read_core(Path(core)):
            gaz.add(kind, tokens)
    return gaz


def _load_artefact(gaz: Gazetteer, data: str) -> None:
    """Add the lines of the built artefact (already normalised, tokens separated by spaces)."""
    single = gaz.single
    lists: dict[str, list[str]] = {k: [] for k in LIST_KINDS}
    for line in data.split("\n"):
        if not line or line[0] == "#":
            continue
        kind, _, name = line.partition("\t")
        if kind in lists:
            lists[kind].append(name)
        elif " " in name:
            gaz.add(kind, name.split(" "))
        elif kind in NAME_KINDS:
            single[name] = kind
        else:
            raise ValueError(f"unknown gazetteer kind {kind!r}")
    gaz.first.update(lists["FIRST"])
    gaz.nametok.update(lists["NAMETOK"])
    gaz.common.update(lists["COMMON"])


def _count(node: dict) -> int:
    return sum(_count(child) if tok != END else 1 for tok, child in node.items())


@cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once: data/gazetteer.tsv.gz + data/core_names.tsv."""
    return load_gazetteer()
