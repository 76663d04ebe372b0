"""Server-drawn maps, without a database."""

from __future__ import annotations

import json
import re

from newsroom.geo import maps


def _point(name: str, lat: float, lon: float, count: int, kind: str = "city") -> maps.MapPoint:
    return maps.MapPoint(
        name=name,
        latin=name,
        latitude=lat,
        longitude=lon,
        count=count,
        url=f"/entities/{count}/",
        kind=kind,
        country_code="IQ" if kind == "country" else "",
    )


def _box(view_box: str) -> tuple[float, float, float, float]:
    left, top, width, height = (float(v) for v in view_box.split())
    return left, top, left + width, top + height


def test_the_map_is_framed_around_its_points_and_sizes_them_by_articles():
    points = [
        _point("بغداد", 33.34, 44.4, 12),
        _point("البصرة", 30.5, 47.8, 3),
        _point("العراق", 33.0, 43.7, 20, "country"),
    ]
    drawn = maps.draw(points)
    left, top, right, bottom = _box(drawn.view_box)
    for p in drawn.points:
        assert left < p.x < right and top < p.y < bottom
    assert right - left < 60 * maps.SCALE  # a regional map, not the world
    radii = {p.name: p.r for p in drawn.points}
    assert radii["العراق"] > radii["بغداد"] > radii["البصرة"]


def test_names_do_not_overlap_and_stay_inside():
    points = [_point(f"مكان رقم {i}", 30 + i * 0.3, 40 + i * 0.3, 50 - i) for i in range(30)]
    drawn = maps.draw(points)
    left, top, right, _bottom = _box(drawn.view_box)
    for layer in drawn.layers:
        assert layer.labels
        boxes = []
        for label in layer.labels:
            width = len(label.text) * layer.font_size * 0.62
            x0 = label.x - width if label.anchor == "start" else label.x
            boxes.append((x0, label.y - layer.font_size, x0 + width, label.y))
            assert left <= x0 and x0 + width <= right
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3]


def test_the_svg_has_a_named_link_per_point_and_right_to_left_labels():
    drawn = maps.draw([_point("بغداد", 33.34, 44.4, 12), _point("<b>", 30.5, 47.8, 3)])
    svg = maps.svg(drawn, labelled_by="h", describe=lambda p: f"{p.name}: {p.count}")
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)
    assert [label for _, label in links] == ["بغداد: 12", "&lt;b&gt;: 3"]
    assert "<b>" not in svg  # names are escaped
    assert 'direction="rtl"' in svg and 'aria-labelledby="h"' in svg
    assert svg.count("<path") > 5  # the land around


def test_country_shapes_stay_within_the_world():
    for resolution in ("50m", "110m"):
        data = json.loads((maps.DATA / f"countries-{resolution}.json").read_text())
        for country in data["countries"]:
            x0, _y0, x1, _y1 = country["bbox"]
            assert x0 > -360 * maps.SCALE and x1 < 2 * 360 * maps.SCALE, country["name"]
            assert 0 <= country["label"][0] <= 360 * maps.SCALE, country["name"]
