#!/usr/bin/env python3
"""The zone engine world-wide against an independent land layer.

Usage::

    python benchmarks/zones_world.py [--step 0.1] [--worst 25] [--src DIR]

Classifies the centre of every ``--step`` degree cell of the world between 85.05 S and
85.05 N with :func:`geomap.zones.classify_arrays` and tests the same centres against
Natural Earth 10 m land (``land-10m.json`` of the npm package ``world-atlas`` 2.0.2,
public domain; an independent source: Natural Earth, not OpenStreetMap). Natural
Earth's land includes lakes, so ``inland_water`` counts as land for the comparison.
Prints, for each kind of disagreement, the number of cells and their area (km2,
cell area on the sphere), then the 1-degree tiles with the most disagreeing area.

Kinds:

``sea answers land``
    Natural Earth has sea; the engine answers ``land`` or ``inland_water``.
``land answers sea``
    Natural Earth has land; the engine answers a sea zone.
``land answers no country``
    Natural Earth has land; the engine answers zone ``land`` with no country or ``none``.
``sea answers inland_water``
    Natural Earth has sea; the engine answers ``inland_water`` (also counted in the
    first kind): the failure of island seas taken for lakes.

Coastlines of the two sources differ by up to a few hundred metres, so a thin band
of disagreement along every coast is expected; a whole tile of it is a defect.
``world-atlas`` is unpacked with ``npm pack`` into ``--src`` (default: a temporary
folder) unless ``--src`` already holds ``atlas/package/land-10m.json``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ATLAS = "world-atlas@2.0.2"
MAX_LAT = 85.05
R_KM = 6371.0088
SEA = ("internal_waters", "territorial_sea", "contiguous_zone", "eez", "none")


def natural_earth_land(src: Path | None):
    """Natural Earth 10 m land as one prepared shapely geometry."""
    import shapely

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
    from build import topojson_geometries

    if src is None:
        src = Path(tempfile.mkdtemp(prefix="geomap-atlas-"))
    path = src / "atlas" / "package" / "land-10m.json"
    if not path.is_file():
        (src / "atlas").mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["npm", "pack", ATLAS], cwd=src, check=True, capture_output=True, text=True)
        subprocess.run(
            ["tar", "xzf", str(src / out.stdout.strip().splitlines()[-1]), "-C", str(src / "atlas")], check=True
        )
    land = shapely.union_all([g for _, g in topojson_geometries(path, "land")])
    shapely.prepare(land)
    return land


def compare(step: float, land) -> dict[str, np.ndarray]:
    """Classify the grid and return, per kind, a boolean mask over the cells (plus coordinates)."""
    import shapely

    from geomap.zones import classify_arrays

    lons = -180 + step / 2 + step * np.arange(int(round(360 / step)))
    lats = -MAX_LAT + step / 2 + step * np.arange(int(np.floor(2 * MAX_LAT / step)))
    x, y = (a.ravel() for a in np.meshgrid(lons, lats))
    t = time.perf_counter()
    country, zone = classify_arrays(x, y)
    print(f"classified {x.size:,} cells in {time.perf_counter() - t:.1f} s")
    ne = np.zeros(x.size, dtype=bool)
    for s in range(0, x.size, 1_000_000):
        ne[s : s + 1_000_000] = shapely.contains_xy(land, x[s : s + 1_000_000], y[s : s + 1_000_000])
    zone = np.asarray(zone, dtype=object)
    country = np.asarray(country, dtype=object)
    engine_land = np.isin(zone, ("land", "inland_water"))
    kinds = {
        "sea answers land": ~ne & engine_land,
        "land answers sea": ne & np.isin(zone, SEA) & (zone != "none"),
        "land answers no country": ne & (((zone == "land") & (country == "")) | (zone == "none")),
        "sea answers inland_water": ~ne & (zone == "inland_water"),
    }
    area = (np.radians(step) * R_KM) ** 2 * np.cos(np.radians(y))
    return {"x": x, "y": y, "area": area, "country": country, "zone": zone, **kinds}


def report(res: dict, *, worst: int) -> None:
    """Print the disagreement by kind and the worst 1-degree tiles."""
    print(f"{'kind':28} {'cells':>9} {'km2':>12}")
    for kind in ("sea answers land", "land answers sea", "land answers no country", "sea answers inland_water"):
        m = res[kind]
        print(f"{kind:28} {int(m.sum()):9,d} {res['area'][m].sum():12,.0f}")
    bad = res["sea answers land"] | res["land answers sea"] | res["land answers no country"]
    tile = (np.floor(res["y"][bad]) + 90).astype(int) * 360 + (np.floor(res["x"][bad]) + 180).astype(int)
    km2 = np.bincount(tile, weights=res["area"][bad], minlength=180 * 360)
    top = np.argsort(km2)[::-1][:worst]
    print(f"\nworst {worst} one-degree tiles (south-west corner, disagreeing km2, commonest answer there):")
    for t in top:
        if km2[t] <= 0:
            break
        lat0, lon0 = t // 360 - 90, t % 360 - 180
        here = bad & (np.floor(res["y"]) == lat0) & (np.floor(res["x"]) == lon0)
        labels, counts = np.unique(res["country"][here] + " " + res["zone"][here], return_counts=True)
        print(f"  {lat0:+4d} {lon0:+5d}  {km2[t]:9,.0f}  {labels[np.argmax(counts)].strip()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--step", type=float, default=0.1, help="grid step in degrees (default 0.1)")
    ap.add_argument("--worst", type=int, default=25, help="how many tiles to list")
    ap.add_argument("--src", type=Path, help="folder holding (or to receive) the unpacked world-atlas package")
    args = ap.parse_args(argv)
    report(compare(args.step, natural_earth_land(args.src)), worst=args.worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
