"""Turn Natural Earth country shapes (world-atlas TopoJSON) into the compact file the maps draw.

Run once when the shapes change: ``python -m newsroom.geo.build_shapes PACKAGE_DIR``, where the
folder is the unpacked npm package (``npm pack world-atlas``). Each of ``countries-50m.json``
(regional maps) and ``countries-110m.json`` (world maps) becomes ``data/countries-*.json``,
with per country its ISO 3166 code, an SVG path in an equirectangular projection (tenths of a
degree: x = (lon + 180) * 10, y = (90 - lat) * 10), its bounding box and a label point, so
neither the app nor its tests need npm.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pycountry

OUT_DIR = Path(__file__).resolve().parent / "data"
RESOLUTIONS = ("50m", "110m")
SCALE = 10  # units per degree


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points = []
        x = y = 0
        for dx, dy in arc:
            if transform:
                x, y = x + dx, y + dy
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((dx, dy))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(arc[1:] if ring else arc)
    return ring


def _project(lon: float, lat: float) -> tuple[int, int]:
    return round((lon + 180) * SCALE), round((90 - lat) * SCALE)


def _path(rings: list[list[tuple[float, float]]]) -> tuple[str, list[int], float, tuple]:
    """SVG path data (relative moves), bounding box, area of the largest ring and its centre."""
    parts = []
    xs: list[int] = []
    ys: list[int] = []
    best = (0.0, (0.0, 0.0))
    for ring in rings:
        points = []
        for lon, lat in ring:
            point = _project(lon, lat)
            if points:
                # A ring across the antimeridian is unwrapped (the map's frame clips the rest)
                # rather than drawn with a line across the world.
                shift = round((point[0] - points[-1][0]) / (360 * SCALE))
                point = (point[0] - shift * 360 * SCALE, point[1])
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 4:
            continue
        # An unwrapped ring goes back to the world's width by its middle.
        middle = sum(p[0] for p in points) / len(points)
        wrap = 360 * SCALE * math.floor(middle / (360 * SCALE))
        points = [(x - wrap, y) for x, y in points]
        xs.extend(p[0] for p in points)
        ys.extend(p[1] for p in points)
        x0, y0 = points[0]
        steps = [f"M{x0} {y0}"]
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            steps.append(f"l{bx - ax} {by - ay}")
        parts.append("".join(steps) + "z")
        area = 0.0
        cx = cy = 0.0
        for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=False):
            cross = ax * by - bx * ay
            area += cross
            cx += (ax + bx) * cross
            cy += (ay + by) * cross
        if area and abs(area) / 2 > best[0]:
            best = (abs(area) / 2, (cx / (3 * area), cy / (3 * area)))
    bbox = [min(xs), min(ys), max(xs), max(ys)] if xs else []
    return "".join(parts), bbox, best[0], best[1]


def build(source: Path) -> list[dict]:
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = [_ring(arcs, ring) for polygon in polygons for ring in polygon]
        path, bbox, _area, (cx, cy) = _path(rings)
        if not path:
            continue
        numeric = geometry.get("id")
        country = pycountry.countries.get(numeric=numeric) if numeric else None
        countries.append(
            {
                "iso": country.alpha_2 if country else "",
                "name": geometry.get("properties", {}).get("name", ""),
                "bbox": bbox,
                "label": [round(cx), round(cy)],
                "d": path,
            }
        )
    countries.sort(key=lambda c: (c["iso"] or "~", c["name"]))
    return countries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked world-atlas package folder")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    version = json.loads((args.package / "package.json").read_text())["version"]
    for resolution in RESOLUTIONS:
        source = args.package / f"countries-{resolution}.json"
        countries = build(source)
        payload = {
            "source": f"Natural Earth via world-atlas {version} ({source.name})",
            "scale": SCALE,
            "countries": countries,
        }
        out = args.out_dir / f"countries-{resolution}.json"
        out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
        print(f"{len(countries)} countries, {out.stat().st_size:,} bytes → {out}")


if __name__ == "__main__":
    main()
