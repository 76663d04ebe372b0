"""Server-rendered SVG charts: geometry computed here, drawn by a template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    start: date
    count: int


@dataclass(frozen=True, slots=True)
class Tick:
    """A date on the axis, at the centre of its period's bar (``x``, in chart units;
    ``percent``, of the chart's width from its left edge)."""

    x: float
    percent: float
    day: date
    end: bool  # the first or the last period (labelled at every width)


@dataclass(frozen=True, slots=True)
class Timeline:
    bars: list[Bar]
    width: int
    height: int
    step: str  # "day" or "week"
    first: date
    last: date
    peak: int
    ticks: list[Tick]


def timeline(
    counts: dict[date, int],
    *,
    step: str,
    width: int = 640,
    height: int = 120,
    rtl: bool = True,
    ticks: int = 5,
) -> Timeline | None:
    """Bars for article counts per period, gaps filled with zeros, oldest on the start side
    (the right in a right-to-left page)."""
    if not counts:
        return None
    delta = timedelta(days=7 if step == "week" else 1)
    first, last = min(counts), max(counts)
    periods = []
    day = first
    while day <= last:
        periods.append(day)
        day += delta
    peak = max(counts.values())
    slot = width / len(periods)
    bar_width = max(slot * 0.8, 1.0)
    bars = []
    for i, period in enumerate(periods):
        n = counts.get(period, 0)
        h = (height - 4) * n / peak if n else 0
        x = width - (i + 1) * slot if rtl else i * slot
        x += (slot - bar_width) / 2
        bars.append(
            Bar(round(x, 2), round(height - h, 2), round(bar_width, 2), round(h, 2), period, n)
        )
    marks = _ticks(periods, slot, width, ticks, rtl)
    return Timeline(bars, width, height, step, first, last, peak, marks)


def _ticks(periods: list[date], slot: float, width: int, wanted: int, rtl: bool) -> list[Tick]:
    """The first and last periods and evenly spaced ones between (``wanted`` in all), oldest
    first."""
    last = len(periods) - 1
    picked = sorted({round(i * last / (wanted - 1)) for i in range(wanted)}) if last else [0]
    out = []
    for i in picked:
        centre = (i + 0.5) * slot
        x = width - centre if rtl else centre
        out.append(Tick(round(x, 2), round(100 * x / width, 2), periods[i], i in (0, last)))
    return out
