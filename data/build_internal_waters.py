#!/usr/bin/env python3
"""Derive internal waters: behind declared straight baselines, historic closing lines and bay closing lines.

Usage::

    python data/build_internal_waters.py                 # read and write this folder
    python data/build_internal_waters.py --data DIR --out DIR --workers 2

Reads ``baselines.csv`` (published basepoints), ``historic_waters.csv`` (closing lines of
historic waters), the land layer ``land.npz`` and the zone index ``zones.npz`` (both
written by ``data/build.py``), and writes ``internal_waters.npz``:

``iw_blob``, ``iw_kind``, ``iw_country``, ``iw_basis``
    Internal-waters polygons (geomap geometry blob, quantised to 1e-4 degree), their
    kind (0 historic waters, 1 straight baseline, 2 bay closing line), state and legal basis.
``ts_blob``, ``ts_country``, ``ts_basis``
    The water within 12 nm seaward of each straight baseline, historic closing line and
    bay closing line (the territorial sea measured from those lines).
``cells``
    Bit-packed 1/16-degree grid of the cells any of those polygons meets (the query
    looks only at points in those cells).
``iw_inside``, ``iw_inside_polygon``, ``ts_inside``, ``ts_inside_polygon``
    Cells wholly inside one polygon that meet no polygon stored before it, and that
    polygon: their points answer without an exact test.

How the lines become water:

- **Straight baselines and historic closing lines** (UNCLOS art. 7; historic waters):
  the published points are joined by straight lines in a local azimuthal equidistant
  projection; the sea within 300 km of the line is cut along it, and the pieces that
  touch the line on its landward side (the side with more land within 20 km) are
  internal waters. A list that ends on an offshore island is joined to the nearest
  point of the largest land within 200 km (so water cannot flow round the end); that
  joining line is no baseline and makes no territorial sea. A list that returns to its
  first point is a closed baseline: the water inside it is internal. Segments published
  as following the low-water line are drawn straight between their points.
- **Bay closing lines** (UNCLOS art. 10), world-wide from the coastline: in windows of
  7 x 7 degrees (4-degree cores), the land (on a 1.5 km raster) is closed
  morphologically (buffered by 12 nm, then by -12 nm), holes are filled, and each piece
  of added water is a candidate bay. Its mouths are the parts of its outline that are
  not coast. A bay has one mouth, or several in line across the entrance (islands in
  the mouth, art. 10(3)); the sum of their chords is at most 24 nm, and the water
  landward of the chords is at least the area of the semicircle on that sum (art. 10(2)).
  A piece with mouths at opposite ends (a strait) is no bay. Where a bay's mouth is wider
  than 24 nm the closing finds the 24 nm line within it (art. 10(5)). A bay must be one
  state's: its water must answer one state's territorial sea in the zone index.
  Bays under 9 km^2 of water, and bays larger than a window, are not found.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon, box

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from geomap.codec import encode_geoms  # noqa: E402
from geomap.units import NM_KM  # noqa: E402

NM_M = NM_KM * 1000.0
TS_M = 12 * NM_M  # territorial sea breadth
MOUTH_M = 24 * NM_M  # longest bay closing line
CORE_DEG = 4.0  # bay windows: core size ...
MARGIN_DEG = 1.5  # ... and margin on every side
PIXEL_M = 1500.0  # raster of the bay search
RADII_NM = (4.5, 12.0)  # closings tried, smallest first; found bays then count as land
MIN_BAY_M2 = 9e6
SPLIT_MIN_M2 = 200e6  # smaller candidates that fail are not split
NECK_PX = 2  # channels up to about 2 x 2 pixels wide split a failed candidate
SPLIT_WINDOW_M = 300e3
MIN_PIECE_M2 = 0.05e6  # pieces of internal waters smaller than this are dropped
SIDE_STRIP_M = 20e3
GRID = 16  # cells per degree of the prefilter
SIMPLIFY_DEG = 1.5e-3  # stored polygons behind published lines (about 150 m)
BAY_SIMPLIFY_DEG = 4e-3  # stored bays and territorial-sea strips (about 400 m; the bay raster is 1.5 km)
KINDS = {"historic": 0, "straight": 1, "bay": 2}
PRODUCT = "internal_waters.npz"


def log(msg: str) -> None:
    """Print a timestamped progress line."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --------------------------------------------------------------------------- projection
def projector(lon0: float, lat0: float):
    """(forward, inverse) functions for shapely.transform: WGS 84 <-> azimuthal equidistant at (lon0, lat0)."""
    from pyproj import Transformer

    aeqd = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)

    def forward(g):
        return shapely.transform(g, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))

    def inverse(g):
        return shapely.transform(g, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1])))

    return forward, inverse


# --------------------------------------------------------------------------- land
class Land:
    """Land parts (lon/lat) with an STR tree, clipped to windows on demand."""

    def __init__(self, data: Path) -> None:
        import os

        os.environ["GEOMAP_DATA_DIR"] = str(data)
        from geomap.geodata import load_layer

        geoms = load_layer("land").geometry.values
        parts = shapely.get_parts(np.asarray(geoms, dtype=object))
        self.parts = parts[shapely.area(parts) > 0]
        self.tree = shapely.STRtree(self.parts)

    def window(self, bounds: tuple[float, float, float, float]):
        """Union of the land inside ``bounds`` (lon/lat), or None."""
        hit = self.tree.query(box(*bounds))
        if hit.size == 0:
            return None
        clipped = shapely.make_valid(shapely.clip_by_rect(self.parts[hit], *bounds))
        return polygonal(shapely.union_all(clipped[~shapely.is_empty(clipped)]))


def polygonal(g):
    """The polygonal part of a geometry (drops points and lines from overlay results)."""
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    return shapely.union_all(parts) if parts else Polygon()


# --------------------------------------------------------------------------- reading
def read_systems(path: Path, *, key: str) -> dict[tuple[str, str], list[dict[str, str]]]:
    """Rows of a points table grouped by ``(country, key column)``, in file order."""
    out: dict[tuple[str, str], list[dict[str, str]]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault((row["country"], row[key]), []).append(row)
    return out


# --------------------------------------------------------------------------- straight lines
def line_waters(land: Land, rows: list[dict[str, str]], *, label: str) -> tuple[list, list]:
    """Internal-water pieces and territorial-sea extension behind one list of points.

    Returns ``(pieces, extension)``: ``pieces`` are ``(polygon, first point, last point)``
    in lon/lat; ``extension`` is the water within 12 nm seaward of the straight segments.
    """
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    names = [r["point"] for r in rows]
    straight = [r.get("line_to_next", "straight") == "straight" for r in rows[:-1]]
    closed = len(rows) > 3 and lon[0] == lon[-1] and lat[0] == lat[-1]
    fwd, inv = projector(float(lon.mean()), float(lat.mean()))
    pad = 3.5
    wb = (lon.min() - pad, max(lat.min() - pad, -85.0), lon.max() + pad, min(lat.max() + pad, 85.0))
    land_ll = land.window(wb)
    L = shapely.make_valid(fwd(land_ll)) if land_ll is not None else Polygon()
    xy = shapely.get_coordinates(fwd(LineString(np.column_stack([lon, lat]))))
    segs = [LineString(xy[i : i + 2]) for i in range(len(xy) - 1)]
    if closed:
        inside = polygonal(Polygon(xy).buffer(0).difference(L))
        pieces = [p for p in shapely.get_parts(inside) if p.area > 0]
    else:
        pieces = _landward_pieces(L, xy, segs)
    out, kept = [], []
    for p in pieces:
        if p.area < MIN_PIECE_M2 or p.distance(LineString(xy)) > 5.0:
            continue
        kept.append(p)
        for i, part in _by_segment(p, segs):
            out.append((inv(part), names[i], names[i + 1]))
    inner = shapely.union_all(kept) if kept else Polygon()
    strips = [s.buffer(TS_M, quad_segs=8) for s, ok in zip(segs, straight) if ok]
    ext = beyond_coast(shapely.union_all(strips), L, inner) if strips else Polygon()
    log(f"{label}: {len(out)} pieces of internal waters, {inner.area / 1e6:,.0f} km2")
    return out, inv(ext)


def _by_segment(piece, segs: list) -> Iterator[tuple[int, object]]:
    """Split a piece of internal waters into the parts nearest each segment of its baseline."""
    pts, owner = [], []
    for i, seg in enumerate(segs):
        n = max(int(seg.length // 2000.0), 1)
        t = (np.arange(n) + 0.5) / n
        pts.append(shapely.get_coordinates(shapely.line_interpolate_point(seg, t, normalized=True)))
        owner.append(np.full(n, i))
    xy, who = np.concatenate(pts), np.concatenate(owner)
    env = box(*piece.buffer(10e3).union(shapely.MultiPoint(xy).envelope).bounds)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(xy), extend_to=env, ordered=True))
    for i in np.unique(who):
        part = polygonal(piece.intersection(shapely.union_all(cells[who == i])))
        if part.area >= MIN_PIECE_M2:
            yield int(i), part


def _landward_pieces(L, xy: np.ndarray, segs: list) -> list:
    """Pieces of sea on the landward side of an open chain (ends joined to the mainland)."""
    chain = LineString(xy)
    cut = [chain] + [c for c in (_to_mainland(L, xy[0]), _to_mainland(L, xy[-1])) if c is not None]
    sea = chain.buffer(SPLIT_WINDOW_M).difference(L)
    parts = [p for p in shapely.get_parts(sea.difference(shapely.union_all(cut).buffer(1.0))) if p.area > 0]
    left = chain.buffer(SIDE_STRIP_M, single_sided=True)
    right = chain.buffer(-SIDE_STRIP_M, single_sided=True)
    land_left = left.intersection(L).area >= right.intersection(L).area
    near_land = (left if land_left else right).difference(L)
    near_sea = (right if land_left else left).difference(L)
    out = []
    for p in parts:
        if p.distance(chain) > 5.0:
            continue
        a, b = p.intersection(near_land).area, p.intersection(near_sea).area
        if a > b and b < 0.2 * a:
            out.append(p)
    return out


def _to_mainland(L, end: np.ndarray):
    """A line from a chain's end to the nearest point of the largest land within 200 km, or None if on it."""
    here = Point(end)
    near = [p for p in shapely.get_parts(L) if p.distance(here) < 200e3]
    if not near:
        return None
    main = max(near, key=lambda p: p.area)
    if main.distance(here) < 100.0:
        return None
    a, b = shapely.ops.nearest_points(here, main.exterior)
    return LineString([a, b])


def beyond_coast(strip, land, inner):
    """The part of ``strip`` (water within 12 nm of a line) farther than 12 nm from ``land``, outside ``inner``.

    Nearer the coast the zone index already answers the territorial sea; only the rest
    needs storing.
    """
    if land.is_empty:
        return polygonal(strip.difference(inner))
    coast = shapely.simplify(shapely.clip_by_rect(land, *strip.buffer(TS_M, quad_segs=2).bounds), 1000.0)
    near = coast.buffer(TS_M * 0.98, quad_segs=2)
    return polygonal(strip.difference(near).difference(inner))


# --------------------------------------------------------------------------- bays
_LAND: Land | None = None


def bay_cores() -> list[tuple[float, float]]:
    """South-west corners of the bay windows' cores that hold coast."""
    assert _LAND is not None
    out = []
    for y0 in np.arange(-60.0, 84.0, CORE_DEG):
        for x0 in np.arange(-180.0, 180.0, CORE_DEG):
            core = box(x0, y0, x0 + CORE_DEG, y0 + CORE_DEG)
            hit = _LAND.tree.query(core, predicate="intersects")
            if hit.size and not any(_LAND.parts[i].contains(core) for i in hit):
                out.append((float(x0), float(y0)))
    return out


def bays_in_core(corner: tuple[float, float]) -> list[dict]:
    """The bays whose mouth lies in one core (4 x 4 degrees), found in its 7 x 7 degree window.

    A window whose geometry GEOS cannot process is reported and yields no bays.
    """
    try:
        return _bays_in_core(corner)
    except shapely.errors.GEOSException as exc:
        log(f"bays: window at {corner} skipped: {exc}")
        return []


def _bays_in_core(corner: tuple[float, float]) -> list[dict]:
    assert _LAND is not None
    x0, y0 = corner
    bounds = (
        x0 - MARGIN_DEG,
        max(y0 - MARGIN_DEG, -85.0),
        x0 + CORE_DEG + MARGIN_DEG,
        min(y0 + CORE_DEG + MARGIN_DEG, 85.0),
    )
    land_ll = _LAND.window(bounds)
    if land_ll is None:
        return []
    fwd, inv = projector(x0 + CORE_DEG / 2, y0 + CORE_DEG / 2)
    L = shapely.make_valid(fwd(land_ll))
    W = fwd(shapely.segmentize(box(*bounds), 0.05))
    raster = Raster(W.bounds)
    inside = raster.fill(W)
    land = raster.fill(L) & inside
    from scipy import ndimage

    edge = ~ndimage.binary_erosion(inside, iterations=2)  # pieces touching the window's edge are cut: dropped
    far = ndimage.distance_transform_edt(~land) * raster.px > TS_M  # beyond 12 nm of the coast
    taken = np.zeros(land.shape, dtype=np.int32)  # bay number + 1 of the pixels of bays found
    out: list[dict] = []
    sizes: list[int] = []  # pixels of each bay found
    for radius in RADII_NM:  # smallest first: a bay's closing line is baseline for the bays around it
        for sl, comp, _, bay in raster.bays(land | (taken > 0), radius * NM_M, taken=taken, sizes=sizes):
            if edge[sl][comp].any():
                continue  # cut by the window
            chords, total = bay
            mid = inv(chords[int(np.argmax([c.length for c in chords]))].interpolate(0.5, normalized=True))
            if not (x0 <= mid.x < x0 + CORE_DEG and y0 <= mid.y < y0 + CORE_DEG):
                continue
            taken[sl][comp] = len(out) + 1
            sizes.append(int(comp.sum()))
            poly = raster.outline(sl, comp, land[sl], chords)
            ext = raster.beyond(chords, far, land | (taken > 0))
            out.append(
                dict(
                    polygon=inv(poly),
                    chords=[inv(c) for c in chords],
                    mouth_nm=total / NM_M,
                    islands=len(chords) > 1,
                    ext=inv(ext),
                )
            )
    return out


class Raster:
    """A grid of square pixels over a projected window, with the morphology of the bay search."""

    def __init__(self, bounds: tuple[float, float, float, float], px: float = PIXEL_M) -> None:
        self.x0, self.y0, x1, y1 = bounds
        self.px = px
        self.shape = (int(np.ceil((y1 - self.y0) / px)), int(np.ceil((x1 - self.x0) / px)))

    def fill(self, geom) -> np.ndarray:
        """Boolean mask of the pixels whose centre is inside ``geom`` (even-odd scanlines over its rings)."""
        rows, cols = self.shape
        rings = [r for p in shapely.get_parts(geom) if p.geom_type == "Polygon" for r in (p.exterior, *p.interiors)]
        diff = np.zeros((rows, cols + 1), dtype=np.int32)
        if not rings:
            return diff[:, :cols] > 0
        xy, ring = shapely.get_coordinates(np.array(rings, dtype=object), return_index=True)
        a, b, same = xy[:-1], xy[1:], ring[:-1] == ring[1:]
        a, b = (a[same] - (self.x0, self.y0)) / self.px - 0.5, (b[same] - (self.x0, self.y0)) / self.px - 0.5
        lo, hi = np.minimum(a[:, 1], b[:, 1]), np.maximum(a[:, 1], b[:, 1])
        r0, r1 = np.ceil(lo).astype(np.int64), np.ceil(hi).astype(np.int64)  # rows r with lo <= r < hi
        n = np.maximum(r1 - r0, 0)
        seg = np.repeat(np.arange(n.size), n)
        r = r0[seg] + (np.arange(seg.size) - np.repeat(np.cumsum(n) - n, n))
        t = (r - a[seg, 1]) / (b[seg, 1] - a[seg, 1])
        x = a[seg, 0] + t * (b[seg, 0] - a[seg, 0])
        ok = (r >= 0) & (r < rows)
        r, x = r[ok], x[ok]
        order = np.lexsort((x, r))
        r, x = r[order], x[order]
        c = np.clip(np.ceil(x).astype(np.int64), 0, cols)
        np.add.at(diff, (r[0::2], c[0::2]), 1)
        np.add.at(diff, (r[1::2], c[1::2]), -1)
        return np.cumsum(diff, axis=1)[:, :cols] > 0

    def candidates(self, land: np.ndarray, radius: float) -> Iterator[tuple[np.ndarray, list[np.ndarray]]]:
        """Pieces of water the closing of ``land`` by ``radius`` adds (holes filled), with their mouths.

        Yields ``(slice, mask, mouths)``: the piece's bounding slice and pixels within it
        and, per mouth, the ``(row, col)`` of its pixels that touch open water.
        """
        from scipy import ndimage

        grown = ndimage.distance_transform_edt(~land) * self.px <= radius
        closed = ndimage.binary_fill_holes(ndimage.distance_transform_edt(grown) * self.px > radius) | land
        added = closed & ~land
        open_water = ~closed
        near_open = ndimage.binary_dilation(open_water, structure=ndimage.generate_binary_structure(2, 1))
        mouth_px = added & near_open
        pieces, count = ndimage.label(added)
        mouth_lab, _ = ndimage.label(mouth_px, structure=np.ones((3, 3)))
        sizes = np.bincount(pieces.ravel(), minlength=count + 1)
        for k, sl in enumerate(ndimage.find_objects(pieces), start=1):
            if sl is None or sizes[k] * self.px**2 < MIN_BAY_M2:
                continue
            comp = pieces[sl] == k
            local = np.where(comp, mouth_lab[sl], 0)
            mouths = []
            for m in np.unique(local[local > 0]):
                rr, cc = np.nonzero(local == m)
                mouths.append(np.column_stack([rr + sl[0].start, cc + sl[1].start]))
            yield sl, comp, mouths

    def bays(self, land: np.ndarray, radius: float, *, taken: np.ndarray, sizes: list[int]) -> Iterator[tuple]:
        """``(slice, mask, mouths, (chords, total))`` of the candidate pieces that pass art. 10.

        A piece that fails is split at its channels narrower than :data:`NECK_PX` pixels
        (a bay joined to the lagoons beside it by a narrow pass) and its parts are tried.
        Pixels of bays already found (``taken``) next to a piece count as its water.
        """
        from scipy import ndimage

        for sl, comp, mouths in self.candidates(land, radius):
            bay = self.bay(comp, mouths, extra=self._inner(sl, comp, taken, sizes))
            if bay is not None:
                yield sl, comp, mouths, bay
                continue
            if comp.sum() * self.px**2 < SPLIT_MIN_M2:
                continue
            opened = ndimage.binary_opening(comp, structure=np.ones((3, 3)), iterations=NECK_PX)
            labels, count = ndimage.label(opened)
            if count < 2:
                continue
            _, (ri, ci) = ndimage.distance_transform_edt(labels == 0, return_indices=True)
            owner = np.where(comp, labels[ri, ci], 0)
            for k in range(1, count + 1):
                part = owner == k
                if part.sum() * self.px**2 < MIN_BAY_M2:
                    continue
                rel = [m[part[m[:, 0] - sl[0].start, m[:, 1] - sl[1].start]] for m in mouths]
                rel = [m for m in rel if len(m)]
                bay = self.bay(part, rel, extra=self._inner(sl, part, taken, sizes))
                if bay is not None:
                    yield sl, part, rel, bay

    @staticmethod
    def _inner(sl: tuple[slice, slice], comp: np.ndarray, taken: np.ndarray, sizes: list[int]) -> int:
        """Pixels of the bays already found (``sizes``, by number) that touch ``comp``: they count as its water."""
        from scipy import ndimage

        local = taken[sl]
        ids = np.unique(local[ndimage.binary_dilation(comp) & (local > 0)])
        return sum(sizes[k - 1] for k in ids)

    def grown(self, sl: tuple[slice, slice], comp: np.ndarray) -> tuple[tuple[slice, slice], np.ndarray]:
        """``comp`` (within ``sl``) grown by one pixel, with its new slice."""
        from scipy import ndimage

        r0, c0 = max(sl[0].start - 1, 0), max(sl[1].start - 1, 0)
        r1, c1 = min(sl[0].stop + 1, self.shape[0]), min(sl[1].stop + 1, self.shape[1])
        big = np.zeros((r1 - r0, c1 - c0), dtype=bool)
        big[sl[0].start - r0 : sl[0].stop - r0, sl[1].start - c0 : sl[1].stop - c0] = comp
        return (slice(r0, r1), slice(c0, c1)), ndimage.binary_dilation(big, structure=np.ones((3, 3)))

    def xy(self, rc: np.ndarray) -> np.ndarray:
        """Projected coordinates of pixel centres ``(row, col)``."""
        return np.column_stack([self.x0 + (rc[:, 1] + 0.5) * self.px, self.y0 + (rc[:, 0] + 0.5) * self.px])

    def bay(self, comp: np.ndarray, mouths: list[np.ndarray], *, extra: int = 0) -> tuple[list, float] | None:
        """``(closing chords, sum of chords in m)`` if the piece passes UNCLOS art. 10, else None.

        ``extra`` pixels (of smaller bays inside the piece) count as its water in the semicircle test.
        """
        if not mouths:
            return None  # enclosed water: a lake or lagoon, not a bay
        chords = []
        for m in mouths:
            p = self.xy(m)
            if len(p) == 1:
                p = np.vstack([p, p])
            centred = p - p.mean(axis=0)
            axis = np.linalg.svd(centred, full_matrices=False)[2][0]
            proj = centred @ axis
            chords.append(LineString([p[int(np.argmin(proj))], p[int(np.argmax(proj))]]))
        total = float(sum(c.length + self.px for c in chords))
        if total > MOUTH_M * 1.02:
            return None
        ends = np.array([c for ch in chords for c in ch.coords])
        if len(chords) > 1 and not _in_line(ends):
            return None  # mouths at both ends: a strait, not a bay
        if (int(comp.sum()) + extra) * self.px**2 < np.pi * (total / 2) ** 2 / 2:
            return None  # fails the semicircle test (art. 10(2))
        return chords, total

    def beyond(self, chords: list, far: np.ndarray, taken: np.ndarray):
        """Water within 12 nm of the ``chords`` and beyond 12 nm of the coast (``far``), outside ``taken``."""
        ends = np.array([xy for c in chords for xy in c.coords])
        (x0, y0), (x1, y1) = ends.min(axis=0) - TS_M, ends.max(axis=0) + TS_M
        r0, r1 = max(int((y0 - self.y0) // self.px), 0), min(int((y1 - self.y0) // self.px) + 1, self.shape[0])
        c0, c1 = max(int((x0 - self.x0) // self.px), 0), min(int((x1 - self.x0) // self.px) + 1, self.shape[1])
        if r0 >= r1 or c0 >= c1:
            return Polygon()
        sl = (slice(r0, r1), slice(c0, c1))
        rr, cc = np.mgrid[r0:r1, c0:c1]
        xy = self.xy(np.column_stack([rr.ravel(), cc.ravel()]))
        near = np.zeros(xy.shape[0], dtype=bool)
        for c in chords:
            near |= shapely.dwithin(c, shapely.points(xy), TS_M)
        mask = near.reshape(rr.shape) & far[sl] & ~taken[sl]
        return self.polygon(sl, mask) if mask.any() else Polygon()

    def outline(self, sl: tuple[slice, slice], comp: np.ndarray, land: np.ndarray, chords: list):
        """A bay's polygon: its pixels and the land pixels beside them, cut at its closing lines.

        Land is not cut out (the zone index answers land first), so the outline can be coarse.
        """
        from scipy import ndimage

        grown = ndimage.binary_dilation(comp, structure=np.ones((3, 3))) & (comp | land)
        poly = self.polygon(sl, grown)
        water = self.polygon(sl, comp)
        caps = []
        for c in chords:
            left, right = (c.buffer(d * 3 * self.px, single_sided=True) for d in (1, -1))
            caps.append(left if left.intersection(water).area < right.intersection(water).area else right)
        return polygonal(poly.difference(shapely.union_all(caps)))

    def polygon(self, sl: tuple[slice, slice], comp: np.ndarray):
        """The pixels of a mask (within slice ``sl``) as one (multi)polygon, from its row runs."""
        d = np.diff(np.pad(comp.astype(np.int8), ((0, 0), (1, 1))), axis=1)
        r0, c0 = np.nonzero(d == 1)
        _, c1 = np.nonzero(d == -1)
        x = self.x0 + (sl[1].start + np.column_stack([c0, c1])) * self.px
        y = self.y0 + (sl[0].start + r0) * self.px
        boxes = shapely.box(x[:, 0], y, x[:, 1], y + self.px)
        return shapely.simplify(shapely.coverage_union_all(boxes), self.px / 2)


def _in_line(ends: np.ndarray) -> bool:
    """Whether mouth end points lie along one line (islands across one entrance, art. 10(3))."""
    d = np.hypot(*(ends[:, None, :] - ends[None, :, :]).transpose(2, 0, 1))
    i, j = np.unravel_index(int(np.argmax(d)), d.shape)
    span = d[i, j]
    if span == 0:
        return True
    u = (ends[j] - ends[i]) / span
    off = np.abs((ends[:, 0] - ends[i, 0]) * u[1] - (ends[:, 1] - ends[i, 1]) * u[0])
    return bool(off.max() <= max(2 * NM_M, 0.15 * span))


def find_bays(land: Land, *, workers: int) -> list[dict]:
    """Bays world-wide, in parallel over the windows."""
    global _LAND
    _LAND = land
    cores = bay_cores()
    log(f"bays: {len(cores)} windows hold coast")
    if workers > 1:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            found = []
            for i, f in enumerate(pool.imap(bays_in_core, cores, chunksize=4), start=1):
                found.append(f)
                if i % 200 == 0:
                    log(f"bays: {i} of {len(cores)} windows searched")
    else:
        found = [bays_in_core(c) for c in cores]
    bays = [b for f in found for b in f]
    log(f"bays: {len(bays)} pass UNCLOS art. 10")
    return bays


def cached_bays(land: Land, args: argparse.Namespace) -> list[dict]:
    """:func:`find_bays`, cached in ``--cache`` (keyed by the land, the search's code and its parameters)."""
    if args.cache is None:
        return find_bays(land, workers=args.workers)
    import hashlib
    import inspect

    from provenance import Cache, sha256_of

    code = "".join(inspect.getsource(f) for f in (bay_cores, _bays_in_core, Raster, _in_line, projector, Land))
    key = {
        "land": sha256_of(args.data / "land.npz"),
        "code": hashlib.sha256(code.encode()).hexdigest(),
        "parameters": [CORE_DEG, MARGIN_DEG, PIXEL_M, RADII_NM, MIN_BAY_M2, SPLIT_MIN_M2, NECK_PX, TS_M],
    }
    return Cache(args.cache, key=key)("bays", lambda: find_bays(land, workers=args.workers))


def bay_countries(bays: list[dict]) -> list[str]:
    """The one state whose territorial sea each bay's water is, or "" when shared or none."""
    from geomap.zones.grid import _index

    idx = _index()
    out = []
    for b in bays:
        poly = b["polygon"]
        if poly.is_empty:
            out.append("")
            continue
        x0, y0, x1, y1 = poly.bounds
        gx, gy = np.meshgrid(np.linspace(x0, x1, 15), np.linspace(y0, y1, 15))
        gx, gy = gx.ravel(), gy.ravel()
        inside = shapely.contains_xy(poly, gx, gy)
        pts = (
            (gx[inside], gy[inside])
            if inside.any()
            else tuple(np.array([c]) for c in poly.representative_point().coords[0])
        )
        ids = idx.class_ids(np.asarray(pts[0], dtype=float), np.asarray(pts[1], dtype=float))
        sea = idx.class_zone[ids] == "territorial_sea"
        codes, counts = np.unique(idx.class_country[ids][sea].astype(str), return_counts=True)
        if codes.size == 0 or (codes.size > 1 and np.sort(counts)[-2] >= 0.1 * counts.sum()):
            out.append("")
        else:
            out.append(str(codes[int(np.argmax(counts))]))
    return out


# --------------------------------------------------------------------------- writing
def _bbox_cells(geoms) -> np.ndarray:
    """Ids (row * 360 * GRID + column) of the 1/16-degree cells the geometries' bounding boxes cover."""
    mask = np.zeros((180 * GRID, 360 * GRID), dtype=bool)
    for g in geoms:
        if g.is_empty:
            continue
        x0, y0, x1, y1 = g.bounds
        r0, r1 = int(np.floor((y0 + 90) * GRID)), int(np.floor((y1 + 90) * GRID))
        c0, c1 = int(np.floor((x0 + 180) * GRID)), int(np.floor((x1 + 180) * GRID))
        mask[max(r0, 0) : min(r1, 180 * GRID - 1) + 1, max(c0, 0) : min(c1, 360 * GRID - 1) + 1] = True
    return np.flatnonzero(mask)


def _cell_boxes(ids: np.ndarray) -> np.ndarray:
    rows, cols = np.divmod(ids, 360 * GRID)
    x0, y0 = cols / GRID - 180.0, rows / GRID - 90.0
    return shapely.box(x0, y0, x0 + 1.0 / GRID, y0 + 1.0 / GRID)


def cell_mask(geoms: list) -> np.ndarray:
    """Bit-packed 1/16-degree grid of the cells some geometry meets (the query tests only points there)."""
    arr = np.array([g for g in geoms if not g.is_empty], dtype=object)
    ids = _bbox_cells(arr)
    hit = np.unique(shapely.STRtree(arr).query(_cell_boxes(ids), predicate="intersects")[0])
    mask = np.zeros(180 * GRID * 360 * GRID, dtype=bool)
    mask[ids[hit]] = True
    return np.packbits(mask, axis=None)


def inside_cells(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 1/16-degree cells that answer without an exact test: ``(cell ids, polygon index)``.

    A cell lies wholly inside polygon ``p`` and meets no polygon stored before ``p`` (the
    first hit wins), so every point in it answers ``p``. Cell id = row * 360 * GRID + column.
    """
    ids = np.flatnonzero(np.unpackbits(cell_mask(list(geoms)))[: 180 * GRID * 360 * GRID])
    boxes = _cell_boxes(ids)
    tree = shapely.STRtree(geoms)
    shapely.prepare(geoms)
    b, g = tree.query(boxes, predicate="intersects")
    first = np.full(ids.size, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, b, g)
    met = first < np.iinfo(np.int64).max
    whole = np.zeros(ids.size, dtype=bool)
    k = np.flatnonzero(met)
    whole[k] = shapely.contains_properly(geoms[first[k]], boxes[k])
    return ids[whole].astype(np.int64), first[whole].astype(np.int32)


def stored(geoms: list, tolerance: list[float]) -> list:
    """Polygons simplified (by ``tolerance`` degrees each) and snapped validly to the stored 1e-4 degree grid."""
    from geomap.codec import SCALE

    out = []
    for g, tol in zip(geoms, tolerance):
        g = shapely.make_valid(shapely.simplify(g, tol))
        try:
            g = shapely.set_precision(g, 1.0 / SCALE)
        except shapely.errors.GEOSException:  # a snapping GEOS cannot do validly: snap the points, then repair
            g = shapely.make_valid(shapely.set_precision(g, 1.0 / SCALE, mode="pointwise"))
        out.append(polygonal(g))
    return out


def systems(data: Path) -> Iterator[tuple[str, str, str, list[dict[str, str]]]]:
    """``(kind, country, name, rows)`` of every straight-baseline list and historic closing line."""
    for (country, name), rows in read_systems(data / "historic_waters.csv", key="name").items():
        yield "historic", country, name, rows
    for (country, name), rows in read_systems(data / "baselines.csv", key="system").items():
        yield "straight", country, name, rows


def build(args: argparse.Namespace) -> Path:
    """Compute every layer and write ``internal_waters.npz`` into ``args.out``."""
    from build import save_npz

    land = Land(args.data)
    iw: list[tuple] = []  # (polygon, kind, country, basis)
    ts: list[tuple] = []  # (polygon, country, basis)
    for kind, country, name, rows in systems(args.data):
        pieces, ext = line_waters(land, rows, label=f"{country} {name}")
        if kind == "historic":
            basis = f"historic waters ({name}; {rows[0]['claim']})"
            iw += [(p, 0, country, basis) for p, _, _ in pieces]
            ts.append((ext, country, f"territorial sea measured from the closing line of historic waters ({name})"))
        else:
            iw += [(p, 1, country, f"straight baseline, {name}, points {a}–{b}") for p, a, b in pieces]
            ts.append((ext, country, f"territorial sea measured from the straight baseline, {name}"))
    bays = cached_bays(land, args)
    for b, country in zip(bays, bay_countries(bays)):
        if not country:
            continue
        islands = ", islands in the mouth (art. 10(3))" if b["islands"] else ""
        iw.append(
            (b["polygon"], 2, country, f"bay closing line (UNCLOS art. 10), mouth {b['mouth_nm']:.1f} nm{islands}")
        )
        ts.append((b["ext"], country, "territorial sea measured from a bay closing line (UNCLOS art. 10)"))
    iw.sort(key=lambda r: r[1])  # historic, then straight baselines, then bays: the first hit wins
    iw_geoms = stored([r[0] for r in iw], [BAY_SIMPLIFY_DEG if r[1] == 2 else SIMPLIFY_DEG for r in iw])
    ts_geoms = stored([r[0] for r in ts], [BAY_SIMPLIFY_DEG] * len(ts))
    keep_iw = [i for i, g in enumerate(iw_geoms) if not g.is_empty]
    keep_ts = [i for i, g in enumerate(ts_geoms) if not g.is_empty]
    iw_g = np.array([iw_geoms[i] for i in keep_iw], dtype=object)
    ts_g = np.array([ts_geoms[i] for i in keep_ts], dtype=object)
    iw_inside, ts_inside = inside_cells(iw_g), inside_cells(ts_g)
    out = args.out / PRODUCT
    save_npz(
        out,
        dict(
            iw_blob=np.frombuffer(encode_geoms(iw_g), dtype=np.uint8),
            iw_kind=np.array([iw[i][1] for i in keep_iw], dtype=np.uint8),
            iw_country=np.array([iw[i][2] for i in keep_iw]),
            iw_basis=np.array([iw[i][3] for i in keep_iw]),
            ts_blob=np.frombuffer(encode_geoms(ts_g), dtype=np.uint8),
            ts_country=np.array([ts[i][1] for i in keep_ts]),
            ts_basis=np.array([ts[i][2] for i in keep_ts]),
            cells=cell_mask(list(iw_g) + list(ts_g)),
            iw_inside=iw_inside[0],
            iw_inside_polygon=iw_inside[1],
            ts_inside=ts_inside[0],
            ts_inside_polygon=ts_inside[1],
            grid_res=np.array([GRID], dtype=np.int32),
        ),
        compress=True,
    )
    counts = np.bincount([iw[i][1] for i in keep_iw], minlength=3)
    log(
        f"wrote {out.name}: {out.stat().st_size / 1e6:.2f} MB; {counts[0]} historic, {counts[1]} straight-baseline, {counts[2]} bay polygons"
    )
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=HERE, help="folder with land.npz, zones.npz and the two CSV tables")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--workers", type=int, default=2, help="processes for the bay search")
    ap.add_argument(
        "--cache", type=Path, default=None, help="folder to keep the bay search in, reused when nothing changed"
    )
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    t0 = time.time()
    out = build(args)
    if args.out.resolve() == HERE:
        from provenance import record_outputs

        record_outputs([out])
    log(f"done in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
