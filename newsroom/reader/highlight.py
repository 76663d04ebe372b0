"""Cut stored text into plain and highlighted segments from mention offsets.

Highlights come from stored character offsets, never from searching the text at render time;
templates escape every segment, so the text itself can never inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsroom.entities.models import Mention


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    mention: Mention | None = None


def segments(text: str, start: int, end: int, mentions: Iterable[Mention]) -> list[Segment]:
    """Segments of ``text[start:end]``, highlighting the mentions that lie wholly inside it."""
    out: list[Segment] = []
    pos = start
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < pos or mention.end > end or mention.start < start:
            continue  # outside this stretch, or overlapping one already highlighted
        if mention.start > pos:
            out.append(Segment(text[pos : mention.start]))
        out.append(Segment(text[mention.start : mention.end], mention))
        pos = mention.end
    if pos < end:
        out.append(Segment(text[pos:end]))
    return out


def paragraphs(text: str, mentions: Sequence[Mention]) -> list[list[Segment]]:
    """One list of segments per line of ``text``."""
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        inside = [m for m in mentions if pos <= m.start and m.end <= end]
        out.append(segments(text, pos, end, inside))
        pos = end + 1
    return out
