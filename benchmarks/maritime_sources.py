#!/usr/bin/env python3
"""Compare the two OpenStreetMap maritime sources feature by feature.

Usage::

    python benchmarks/maritime_sources.py --src DIR

``DIR`` holds the unpacked npm packages ``@geo-maps/countries-maritime-10m`` 0.6.0
(``maritime/package/map.geo.json``, as ``data/build.py --src DIR`` leaves it) and
``@osm_borders/maritime_10m`` 1.1.0 (``osm/package/borders.geo.json``: unpack it
there with ``npm pack @osm_borders/maritime_10m@1.1.0``). For each ISO code in both,
prints the symmetric difference of the outer rings (simplified at 0.005 degree) as a
share of the larger area, the largest differences first, then the median and 90th
percentile, and the pairs of features of each source that overlap by 5% or more of the
smaller one (territories drawn inside their sovereign).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely


def read(path: Path, key: str) -> dict[str, shapely.Geometry]:
    """{code: outer rings of the feature's polygons, simplified and repaired}."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for feat in doc["features"]:
        geom = shapely.from_geojson(json.dumps(feat["geometry"]))
        rings = [
            shapely.Polygon(p.exterior) for p in shapely.get_parts(shapely.get_parts(geom)) if p.geom_type == "Polygon"
        ]
        out[feat["properties"][key]] = shapely.make_valid(shapely.simplify(shapely.MultiPolygon(rings), 0.005))
    return out


def overlaps(features: dict[str, shapely.Geometry]) -> list[tuple[str, str, float]]:
    """Pairs overlapping by at least 5% of the smaller feature."""
    codes = sorted(features)
    arr = np.array([features[c] for c in codes], dtype=object)
    left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
    out = []
    for i, j in zip(left, right):
        if i < j:
            small = min(arr[i].area, arr[j].area)
            share = shapely.intersection(arr[i], arr[j]).area / small if small > 0 else 0.0
            if share >= 0.05:
                out.append((codes[i], codes[j], share))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, required=True)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args(argv)
    old = read(args.src / "maritime" / "package" / "map.geo.json", "A3")
    new = read(args.src / "osm" / "package" / "borders.geo.json", "isoA3")
    rows = []
    for code in sorted(set(old) & set(new)):
        a, b = old[code], new[code]
        big = max(a.area, b.area)
        rows.append((code, a.area, b.area, shapely.symmetric_difference(a, b).area / big if big > 0 else 0.0))
    rows.sort(key=lambda r: -r[3])
    print(f"{'code':5} {'2017 deg2':>10} {'2024 deg2':>10} {'differs':>8}")
    for code, a, b, d in rows[: args.top]:
        print(f"{code:5} {a:10.3f} {b:10.3f} {d:8.1%}")
    share = np.array([r[3] for r in rows])
    print(
        f"{len(rows)} codes in both; median difference {np.median(share):.2%}, 90th percentile {np.percentile(share, 90):.1%}"
    )
    print(f"only in 2017: {sorted(set(old) - set(new))}; only in 2024: {sorted(set(new) - set(old))}")
    for name, feats in (("2017 @geo-maps", old), ("2024 @osm_borders", new)):
        pairs = overlaps(feats)
        print(f"{name}: {len(pairs)} overlapping pairs: " + ", ".join(f"{a}/{b} {s:.0%}" for a, b, s in pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
