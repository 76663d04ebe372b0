"""Maps drawn on the server as SVG: Natural Earth country shapes in an equirectangular
projection, with a circle per place sized by its articles. Pure Python (no Django)."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SCALE = 10  # map units per degree, as in data/countries-*.json
WORLD = (0, 0, 360 * SCALE, 180 * SCALE)
ASPECT = 1.6  # width / height of every map
MIN_WIDTH = 26 * SCALE  # a map of one city still shows its region
DETAILED_MAX_WIDTH = 110 * SCALE  # wider maps use the coarser shapes
LABELS = 10  # the largest this many places are named on the map; the table names them all


@dataclass
class MapPoint:
    name: str
    latin: str
    latitude: float
    longitude: float
    count: int
    url: str
    country_code: str = ""
    kind: str = ""
    geonames_id: int = 0
    # Filled by draw():
    x: float = 0.0
    y: float = 0.0
    r: float = 0.0
    label: bool = False
    label_x: float = 0.0
    label_y: float = 0.0
    label_anchor: str = "start"  # of right-to-left text: "start" is its right edge


@dataclass
class Map:
    view_box: str
    points: list[MapPoint] = field(default_factory=list)
    font_size: float = 0.0
    stroke: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.points


@cache
def _shapes(resolution: str) -> list[dict]:
    payload = json.loads((DATA / f"countries-{resolution}.json").read_text(encoding="utf-8"))
    return payload["countries"]


def project(latitude: float, longitude: float) -> tuple[float, float]:
    return (longitude + 180) * SCALE, (90 - latitude) * SCALE


def _view(points: Sequence[MapPoint]) -> tuple[float, float, float, float]:
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    width = max((x1 - x0) * 1.3, MIN_WIDTH)
    height = max((y1 - y0) * 1.3, width / ASPECT)
    width = max(width, height * ASPECT)
    if width >= WORLD[2]:
        return WORLD[0], WORLD[1] + 10 * SCALE, WORLD[2], WORLD[2] / ASPECT
    height = width / ASPECT
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - width / 2, 0), WORLD[2] - width)
    top = min(max(cy - height / 2, 0), WORLD[3] - height)
    return left, top, width, height


def _place_label(point: MapPoint, font_size: float, placed: list, frame: tuple) -> None:
    """Name the point to its left (the text runs right to left from it), else to its right,
    where the label overlaps no label placed before and stays inside the frame; else not at all.
    Larger places come first, so they keep their names."""
    if len(placed) >= LABELS:
        return
    text_width = len(point.name) * font_size * 0.62
    gap = font_size * 0.2
    baseline = point.y + font_size * 0.35
    sides = (
        ("start", point.x - point.r - gap, point.x - point.r - gap - text_width),
        ("end", point.x + point.r + gap, point.x + point.r + gap),
    )
    for anchor, x, box_left in sides:
        box = (box_left, baseline - font_size, box_left + text_width, baseline + font_size * 0.3)
        inside = box[0] >= frame[0] and box[2] <= frame[2] and box[1] >= frame[1]
        clear = all(
            box[2] < other[0] or box[0] > other[2] or box[3] < other[1] or box[1] > other[3]
            for other in placed
        )
        if inside and clear:
            point.label, point.label_x, point.label_y = True, x, baseline
            point.label_anchor = anchor
            placed.append(box)
            return


def draw(points: Sequence[MapPoint]) -> Map:
    """Lay out ``points`` (largest count first) on a map framed around them."""
    points = sorted(points, key=lambda p: (-p.count, p.name))
    if not points:
        return Map(view_box="0 0 0 0")
    for point in points:
        point.x, point.y = project(point.latitude, point.longitude)
    left, top, width, height = _view(points)
    top_count = points[0].count or 1
    font_size = width * 0.022
    placed: list[tuple[float, float, float, float]] = []
    for point in points:
        point.r = width * (0.004 + 0.014 * math.sqrt(point.count / top_count))
        _place_label(point, font_size, placed, (left, top, left + width, top + height))
        for attr in ("x", "y", "r", "label_x", "label_y"):
            setattr(point, attr, round(getattr(point, attr), 1))
    return Map(
        view_box=f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
        points=points,
        font_size=round(font_size, 1),
        stroke=round(width * 0.0012, 2),
    )


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


@lru_cache(maxsize=256)
def _land(resolution: str, view: tuple[float, float, float, float], named: frozenset[str]) -> str:
    left, top, width, height = view
    right, bottom = left + width, top + height
    paths = []
    for c in _shapes(resolution):
        box = c["bbox"]
        # Antarctica is left out: no news is placed there, and its ring spans the whole width.
        if c["iso"] == "AQ":
            continue
        if box and box[0] <= right and box[2] >= left and box[1] <= bottom and box[3] >= top:
            css = ' class="named"' if c["iso"] in named else ""
            paths.append(f'<path d="{c["d"]}"{css}/>')
    return "".join(paths)


def svg(drawn: Map, *, labelled_by: str, describe: Callable[[MapPoint], str]) -> str:
    """The map as an inline SVG element: land, then one link per place (largest drawn first so
    smaller ones stay on top), each with an accessible name from ``describe``."""
    left, top, width, height = (float(v) for v in drawn.view_box.split())
    named = frozenset(p.country_code for p in drawn.points if p.kind == "country")
    resolution = "50m" if width <= DETAILED_MAX_WIDTH else "110m"
    parts = [
        f'<svg class="geo-map-svg" viewBox="{drawn.view_box}" preserveAspectRatio="xMidYMid meet"'
        f' role="group" aria-labelledby="{_attr(labelled_by)}">',
        f'<g class="land" aria-hidden="true" stroke-width="{drawn.stroke}">',
        _land(resolution, (left, top, width, height), named),
        f'</g><g class="points" font-size="{drawn.font_size}">',
    ]
    labels = []
    halo = round(drawn.stroke * 3, 2)
    for p in drawn.points:
        name = _attr(p.name)
        parts.append(
            f'<a href="{_attr(p.url)}" aria-label="{_attr(describe(p))}">'
            f"<title>{name} ({_attr(p.latin)}) · {p.count}</title>"
            f'<circle cx="{p.x}" cy="{p.y}" r="{p.r}" stroke-width="{drawn.stroke}"/></a>'
        )
        if p.label:
            labels.append(
                f'<text x="{p.label_x}" y="{p.label_y}" direction="rtl"'
                f' text-anchor="{p.label_anchor}" stroke-width="{halo}">{name}</text>'
            )
    # Names above every circle; the links carry them for assistive technology already.
    parts.append('</g><g class="labels" aria-hidden="true" font-size="')
    parts.append(f'{drawn.font_size}">' + "".join(labels))
    parts.append("</g></svg>")
    return "".join(parts)
