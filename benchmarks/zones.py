#!/usr/bin/env python3
"""Zone engine speed: geomap's cell index against a plain geopandas sjoin.

Usage::

    python benchmarks/zones.py [--n 1000000] [--seed 0] [--cli]

Classifies N random points in lon 117-132, lat 24-44 (China, the Koreas, Japan)
with :func:`geomap.zones.grid.classify_arrays` (the full ladder: land, inland water,
territorial sea, then the outer grid for contiguous zone, EEZ and high seas, then internal
waters and the territorial sea measured from baselines) and with
``geopandas.sjoin(points, polygons, predicate="within")`` twice: against the shipped
per-country layers of the area, whole (land, inland water, territorial sea, contiguous
zone, EEZ: what a user would join against), and against the engine's own pieces (land, inland water, territorial sea)
plus the ``contiguous_zone`` and ``eez`` layers (lowest priority) and the polygons of
``internal_waters.npz`` (internal waters over the sea, the territorial sea from baselines
over the outer zones), checks that both
agree, and prints both times and the ratio. The outer layers are the grid's classes
polygonised and simplified for display, so agreement there is reported apart and is
lower near 24 nm, 200 nm and median lines. With ``--cli`` it also
times ``geomap zone --points FILE.csv --format csv -o OUT.csv`` end to end on the
same points, and ``geomap zone 26.7,119.75`` for a single point.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def engine_polygons():
    """Every piece of the zone index in the benchmark area, with its class id and priority."""
    import geopandas as gpd
    import shapely

    from geomap.zones.grid import _index

    idx = _index()
    prio = {"land": 3, "inland_water": 2, "internal_waters": 1, "territorial_sea": 1}
    geoms, cls = [], []
    for ty in range(24, 44):
        for tx in range(117, 132):
            tile_id = (ty + 90) * 360 + (tx + 180)
            k = np.searchsorted(idx.tile_ids, tile_id)
            if k < idx.tile_ids.size and idx.tile_ids[k] == tile_id:
                g, c = idx._tile(tile_id)
                geoms.extend(g)
                cls.extend(c)
            else:  # a tile with no boundary: whole cells; rebuild its uniform classes as boxes
                res = idx.res
                block = idx.grid[(ty + 90) * res : (ty + 91) * res, (tx + 180) * res : (tx + 181) * res]
                for r, c in zip(*np.nonzero(block)):
                    geoms.append(shapely.box(tx + c / res, ty + r / res, tx + (c + 1) / res, ty + (r + 1) / res))
                    cls.append(int(block[r, c]))
    zones = idx.class_zone[np.array(cls)]
    inner = gpd.GeoDataFrame(
        {
            "cls": cls,
            "prio": [prio.get(z, 0) for z in zones],
            "country": idx.class_country[np.array(cls)],
            "zone": zones,
        },
        geometry=list(geoms),
        crs="EPSG:4326",
    )
    return _with_internal(_with_outer(inner))


def _with_internal(frame):
    """Add the internal waters (over the sea pieces) and the territorial sea from baselines (over the outer zones)."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geomap.codec import decode_geoms
    from geomap.datafiles import data_path
    from geomap.zones import internal

    if not internal.available():
        return frame
    frames = [frame]
    with np.load(data_path(internal.FILE)) as z:
        for prio, key, zone in ((1.5, "iw", "internal_waters"), (0.75, "ts", "territorial_sea")):
            geoms = shapely.clip_by_rect(decode_geoms(z[f"{key}_blob"].tobytes()), 117, 24, 132, 44)
            keep = ~shapely.is_empty(geoms)
            frames.append(
                gpd.GeoDataFrame(
                    {"cls": -1, "prio": prio, "country": z[f"{key}_country"][keep].astype(object), "zone": zone},
                    geometry=geoms[keep],
                    crs="EPSG:4326",
                )
            )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def _with_outer(inner):
    """Add the contiguous_zone and eez layers of the area (clipped to it) below the inner pieces."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geomap.geodata import available_layers, load_layer

    frames = [inner]
    for prio, layer in ((0.5, "contiguous_zone"), (0.25, "eez")):
        if layer not in available_layers():
            continue
        gdf = load_layer(layer, bbox=(117, 24, 132, 44))
        geoms = shapely.clip_by_rect(gdf.geometry.values, 117, 24, 132, 44)
        frames.append(
            gpd.GeoDataFrame(
                {"cls": -1, "prio": prio, "country": gdf["country"].values, "zone": layer},
                geometry=geoms,
                crs="EPSG:4326",
            )
        )
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def country_layers():
    """The shipped per-country layers of the area, whole (what a user would sjoin against)."""
    import geopandas as gpd
    import pandas as pd

    from geomap.geodata import available_layers, load_layer

    frames = []
    for layer in ("land", "inland_water", "territorial_sea", "contiguous_zone", "eez"):
        if layer in available_layers():
            gdf = load_layer(layer, bbox=(117, 24, 132, 44))
            frames.append(gdf[["country", "geometry"]].assign(zone=layer))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli", action="store_true", help="also time the command line, CSV in and CSV out")
    args = ap.parse_args()

    import geopandas as gpd

    from geomap.zones.grid import _index, classify_arrays

    rng = np.random.default_rng(args.seed)
    lon = rng.uniform(117, 132, args.n)
    lat = rng.uniform(24, 44, args.n)

    t0 = time.perf_counter()
    _index()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    country, zone = classify_arrays(lon, lat)
    t_cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    country, zone = classify_arrays(lon, lat)
    t_geomap = time.perf_counter() - t0

    polys = engine_polygons()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    t0 = time.perf_counter()
    joined = gpd.sjoin(points, polys, predicate="within", how="left")
    t_sjoin = time.perf_counter() - t0

    plain = country_layers()
    t0 = time.perf_counter()
    gpd.sjoin(points, plain, predicate="within", how="left")
    t_plain = time.perf_counter() - t0

    # sjoin's answer: the highest-priority polygon each point is within
    joined = joined.sort_values("prio", ascending=False, kind="stable")
    best = joined[~joined.index.duplicated(keep="first")].sort_index()
    got_zone = best["zone"].fillna("none").to_numpy()
    got_country = best["country"].fillna("").to_numpy()
    on_edge = best["zone"].isna().to_numpy() & (zone != "none")  # on a polygon edge: within is False
    agree = (got_zone == zone) & (got_country == country)
    outer = np.isin(zone, ("contiguous_zone", "eez", "none"))
    print(f"points: {args.n:,} in lon 117-132, lat 24-44 ({len(polys):,} polygons)")
    print(f"geomap index load: {t_load:.3f} s; first call (decodes tiles): {t_cold:.3f} s")
    print(f"geomap classify:   {t_geomap:.3f} s")
    print(
        f"geopandas sjoin, shipped country layers ({len(plain)} polygons): {t_plain:.3f} s  ratio {t_plain / t_geomap:.1f}x"
    )
    print(f"geopandas sjoin, the engine's own tiled pieces: {t_sjoin:.3f} s  ratio {t_sjoin / t_geomap:.1f}x")
    ok = agree | on_edge
    print(f"agreement, first rungs: {ok[~outer].mean() * 100:.4f}% ({(~ok[~outer]).sum()} points differ)")
    print(
        f"agreement, contiguous zone / EEZ / high seas vs display polygons: {ok[outer].mean() * 100:.3f}% ({(~ok[outer]).sum()} points differ)"
    )

    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "points.csv")
            out = os.path.join(tmp, "out.csv")
            with open(src, "w") as fh:
                fh.write("id,lat,lon\n")
                np.savetxt(
                    fh, np.column_stack([np.arange(args.n), lat, lon]), fmt=["%d", "%.6f", "%.6f"], delimiter=","
                )
            cmd = ["geomap", "zone", "--points", src, "--format", "csv", "-o", out]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True)
            t_cli = time.perf_counter() - t0
            with open(out) as fh:
                rows = sum(1 for _ in fh) - 1
            print(
                f"CLI CSV in/out, {rows:,} rows: {t_cli:.2f} s end to end ({' '.join(cmd[:2])} --points FILE --format csv -o OUT)"
            )
            times = []
            for _ in range(5):
                t0 = time.perf_counter()
                subprocess.run(["geomap", "zone", "26.7,119.75"], check=True, capture_output=True)
                times.append(time.perf_counter() - t0)
            print(
                f"CLI single point (geomap zone 26.7,119.75): best {min(times):.3f} s, median {sorted(times)[2]:.3f} s of 5"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
