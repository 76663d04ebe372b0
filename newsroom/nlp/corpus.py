"""CoNLL reading and scoring helpers shared by build_gazetteer and evaluate (build time only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .recognizer import Match

Sentence = list[tuple[str, str]]  # (token, tag) with BIO tags


def read_conll(path: str | Path) -> list[Sentence]:
    """Sentences of a ``TOKEN TAG`` per line file, blank line between sentences."""
    sents: list[Sentence] = []
    cur: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            tok, tag = (parts[0], parts[-1]) if len(parts) >= 2 else (parts[0], "O")
            cur.append((tok, tag))
    if cur:
        sents.append(cur)
    return sents


def split_holdout(sents: list[Sentence], fraction: float) -> tuple[list[Sentence], list[Sentence]]:
    """(train, held out): the held-out part is the last `fraction` of the sentences."""
    cut = len(sents) - round(len(sents) * fraction)
    return sents[:cut], sents[cut:]


def neutralise(sent: Sentence, kinds: frozenset[str]) -> Sentence:
    """Tags of the given kinds replaced by X: neither entity nor O evidence (WikiFANE's MISC
    mixes nationalities with products, and ANERcorp disagrees with it on both)."""
    return [(tok, "X" if tag != "O" and tag[2:] in kinds else tag) for tok, tag in sent]


def spans_of(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) token spans of a BIO sequence (an I- after O or another kind starts
    a span, as conlleval does)."""
    start, kind = None, None
    for i, tag in enumerate([*tags, "O"]):
        k = None if tag in ("O", "X") else tag[2:]
        if start is not None and (k != kind or tag.startswith("B-")):
            yield start, i, kind
            start, kind = None, None
        if k is not None and start is None:
            start, kind = i, k
    return


def sentence_text(sent: Sentence) -> tuple[str, list[tuple[int, int]]]:
    """The sentence's tokens joined by single spaces, and each token's character span."""
    offs = []
    pos = 0
    for tok, _ in sent:
        offs.append((pos, pos + len(tok)))
        pos += len(tok) + 1
    return " ".join(tok for tok, _ in sent), offs


def tokens_covered(m: Match, offs: list[tuple[int, int]]) -> list[int]:
    return [i for i, (s, e) in enumerate(offs) if s < m.end and m.start < e]


def predicted_tags(matches: list[Match], offs: list[tuple[int, int]]) -> list[str]:
    """BIO tags of the corpus tokens: a token overlapped by a match takes its kind."""
    tags = ["O"] * len(offs)
    for m in matches:
        idx = tokens_covered(m, offs)
        for n, i in enumerate(idx):
            if tags[i] == "O":
                tags[i] = ("B-" if n == 0 else "I-") + m.kind
    return tags
