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
LABELS = 10  # the largest this many places are named on a wide map; the table names them all


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


@dataclass
class Map:
    view_box: str
    points: list[MapPoint] = field(default_factory=list)
    layers: list = field(default_factory=list)
    stroke: float = 0.0
    small: bool = False

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
    if width >= WORLD[2] * 0.66:
        # The whole world from 80° N to 65° S: no news is placed nearer the poles.
        return WORLD[0], 10 * SCALE, WORLD[2], 145 * SCALE
    height = width / ASPECT
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - width / 2, 0), WORLD[2] - width)
    top = min(max(cy - height / 2, 0), WORLD[3] - height)
    return left, top, width, height


@dataclass(frozen=True)
class Label:
    text: str
    x: float
    y: float
    anchor: str  # of right-to-left text: "start" is its right edge, "end" its left


@dataclass
class LabelLayer:
    css_class: str
    font_size: float
    labels: list[Label]


def _labels(points: Sequence[MapPoint], font_size: float, limit: int, frame: tuple) -> list[Label]:
    """Name each point to its left (the text runs right to left from it), else to its right,
    where the name overlaps no name placed before and stays inside the frame; else not at all.
    Larger places come first, so they keep their names."""
    placed: list[tuple[float, float, float, float]] = []
    labels = []
    for point in points:
        if len(labels) >= limit:
            break
        text_width = len(point.name) * font_size * 0.62
        gap = font_size * 0.2
        baseline = point.y + font_size * 0.35
        sides = (
            ("start", point.x - point.r - gap, point.x - point.r - gap - text_width),
            ("end", point.x + point.r + gap, point.x + point.r + gap),
        )
        for anchor, x, left in sides:
            box = (left, baseline - font_size, left + text_width, baseline + font_size * 0.3)
            inside = box[0] >= frame[0] and box[2] <= frame[2] and box[1] >= frame[1]
            clear = all(
                box[2] < o[0] or box[0] > o[2] or box[3] < o[1] or box[1] > o[3] for o in placed
            )
            if inside and clear:
                labels.append(Label(point.name, round(x, 1), round(baseline, 1), anchor))
                placed.append(box)
                break
    return labels


def draw(points: Sequence[MapPoint], *, small: bool = False) -> Map:
    """Lay out ``points`` (largest count first) on a map framed around them.

    Two layers of names: one for a wide map and one, with fewer and larger names, that the
    stylesheet shows instead on a narrow screen (or always, for a ``small`` map in a sidebar).
    """
    points = sorted(points, key=lambda p: (-p.count, p.name))
    if not points:
        return Map(view_box="0 0 0 0")
    for point in points:
        point.x, point.y = project(point.latitude, point.longitude)
    left, top, width, height = _view(points)
    top_count = points[0].count or 1
    for point in points:
        point.r = width * (0.004 + 0.014 * math.sqrt(point.count / top_count))
        for attr in ("x", "y", "r"):
            setattr(point, attr, round(getattr(point, attr), 1))
    frame = (left, top, left + width, top + height)
    wide, narrow = width * 0.022, width * 0.05
    layers = [LabelLayer("labels-narrow", round(narrow, 1), _labels(points, narrow, 5, frame))]
    if not small:
        layers.insert(
            0, LabelLayer("labels-wide", round(wide, 1), _labels(points, wide, LABELS, frame))
        )
    return Map(
        view_box=f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
        points=points,
        layers=layers,
        stroke=round(width * 0.0012, 2),
        small=small,
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
    css = "geo-map-svg geo-map-small" if drawn.small else "geo-map-svg"
    parts = [
        f'<svg class="{css}" viewBox="{drawn.view_box}" preserveAspectRatio="xMidYMid meet"'
        f' role="group" aria-labelledby="{_attr(labelled_by)}">',
        f'<g class="land" aria-hidden="true" stroke-width="{drawn.stroke}">',
        _land(resolution, (left, top, width, height), named),
        '</g><g class="points">',
    ]
    for p in drawn.points:
        name = _attr(p.name)
        parts.append(
            f'<a href="{_attr(p.url)}" aria-label="{_attr(describe(p))}">'
            f"<title>{name} ({_attr(p.latin)}) · {p.count}</title>"
            f'<circle cx="{p.x}" cy="{p.y}" r="{p.r}" stroke-width="{drawn.stroke}"/></a>'
        )
    parts.append("</g>")
    # Names above every circle; the links carry them for assistive technology already.
    for layer in drawn.layers:
        halo = round(layer.font_size * 0.15, 1)
        parts.append(
            f'<g class="{layer.css_class}" aria-hidden="true" font-size="{layer.font_size}"'
            f' stroke-width="{halo}">'
        )
        for label in layer.labels:
            parts.append(
                f'<text x="{label.x}" y="{label.y}" direction="rtl"'
                f' text-anchor="{label.anchor}">{_attr(label.text)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
