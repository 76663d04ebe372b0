"""Cut stored text into plain and marked segments from character offsets.

Highlights come from stored offsets (entity mentions, search matches), never from searching the
text at render time; templates escape every segment, so the text itself cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Marked(Protocol):
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A stretch of text to mark that is not an entity mention (a search match)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    mention: Any = None  # a Mention (entity highlight) or None
    match: bool = False  # a search match


def segments(text: str, start: int, end: int, marks: Iterable[Marked]) -> list[Segment]:
    """Segments of ``text[start:end]``, marking the stretches that lie wholly inside it."""
    out: list[Segment] = []
    pos = start
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < pos or mark.end > end or mark.start < start:
            continue  # outside this stretch, or overlapping one already marked
        if mark.start > pos:
            out.append(Segment(text[pos : mark.start]))
        piece = text[mark.start : mark.end]
        out.append(Segment(piece, match=True) if isinstance(mark, Mark) else Segment(piece, mark))
        pos = mark.end
    if pos < end:
        out.append(Segment(text[pos:end]))
    return out


def paragraphs(text: str, marks: Sequence[Marked]) -> list[list[Segment]]:
    """One list of segments per line of ``text``."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        inside = [m for m in marks if pos <= m.start and m.end <= end]
        out.append(segments(text, pos, end, inside))
        pos = end + 1
    return out
