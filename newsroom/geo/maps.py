"""Maps drawn on the server as SVG: Natural Earth country shapes in an equirectangular
projection, with a circle per place sized by its articles. Pure Python (no Django)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
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


@dataclass
class Map:
    view_box: str
    countries: list[tuple[str, str, bool]] = field(default_factory=list)  # (iso, path, has point)
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


def draw(points: Sequence[MapPoint]) -> Map:
    """Lay out ``points`` (largest count first) on a map framed around them."""
    points = sorted(points, key=lambda p: (-p.count, p.name))
    if not points:
        return Map(view_box="0 0 0 0")
    for point in points:
        point.x, point.y = project(point.latitude, point.longitude)
    left, top, width, height = _view(points)
    top_count = points[0].count or 1
    for i, point in enumerate(points):
        point.r = width * (0.006 + 0.018 * math.sqrt(point.count / top_count))
        point.label = i < LABELS
        point.label_x = point.x - point.r - width * 0.004
        point.label_y = point.y + width * 0.007
        for attr in ("x", "y", "r", "label_x", "label_y"):
            setattr(point, attr, round(getattr(point, attr), 1))
    resolution = "50m" if width <= DETAILED_MAX_WIDTH else "110m"
    with_points = {p.country_code for p in points if p.kind == "country"}
    right, bottom = left + width, top + height
    countries = [
        (c["iso"], c["d"], c["iso"] in with_points)
        for c in _shapes(resolution)
        if c["bbox"]
        and c["bbox"][0] <= right
        and c["bbox"][2] >= left
        and c["bbox"][1] <= bottom
        and c["bbox"][3] >= top
    ]
    return Map(
        view_box=f"{left:.0f} {top:.0f} {width:.0f} {height:.0f}",
        countries=countries,
        points=points,
        font_size=round(width * 0.022, 1),
        stroke=round(width * 0.0012, 2),
    )
