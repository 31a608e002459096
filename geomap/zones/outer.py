"""Contiguous zone, EEZ and high seas: the outer rungs of the zone engine (approximate).

Marine Regions' authoritative EEZ and 24 nm layers cannot be shipped, so geomap
derives the outer zones from its own coastline and says so. A point's distance to a
state is the distance to the nearest vertex of that state's baseline on the local
sphere (radius: the Gaussian mean radius of curvature of WGS 84 at the point's
latitude; within 0.34% of the WGS 84 geodesic up to 400 km, measured against pyproj) (``baseline.npz``: the coastline simplified at 0.005 degree,
densified to at most 0.02 degree between vertices, plus one point per islet). The
state with the nearest baseline owns the water, which splits overlapping claims by
equidistance (median lines between opposite coasts). Water beyond the territorial
sea and within 24 nm of its owner's baseline is ``contiguous_zone``, within 200 nm
``eez``, beyond that ``none`` (high seas). ``overlap_with`` names the nearest other
state whose 200 nm reach also covers the point.

Not modelled: straight and archipelagic baselines, low-tide elevations, agreed or
adjudicated boundaries, and the rule that rocks have no EEZ. Antarctica generates
no zones.

``outer.npz`` (built by ``data/build_eez.py``) is a 1/16-degree grid of classes
(country, zone, overlap_with); a cell that a 24 nm, 200 nm or median line may cross
holds a marker and the states that can be nearest there; over water such a cell is
split into 4 x 4 sub-cells with their own classes, and the points of a sub-cell
that a line may still cross are computed exactly here, with k-d trees over the
baseline of the 5-degree blocks around them, built on first use.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

from geomap.codec import decode_geoms
from geomap.datafiles import data_dir, data_path
from geomap.errors import DataError
from geomap.units import EARTH_RADIUS_KM, NM_KM

__all__ = ["NOTE", "available", "outer_zones", "nearest_states"]

T24_KM = 24 * NM_KM
T200_KM = 200 * NM_KM
REACH_KM = T200_KM + 15.0  # farthest distance that can matter (200 nm + cell + margin)
BLOCK = 5  # degrees per baseline block
DENSIFY_DEG = 0.02
R_KM = EARTH_RADIUS_KM
_BOUNDARY = 0xFFFF
_NB = 360 // BLOCK
_WORKERS = 2  # threads per k-d tree query
_ALL = -2  # candidate marker: every state within reach

NOTE = (
    "contiguous zone and EEZ are approximate: derived by geomap from OpenStreetMap coastlines "
    "(24 nm and 200 nm from the coast, within 0.34% of WGS 84 geodesic distance; overlaps split "
    "by equidistance), not the official limits"
)


def available() -> bool:
    """True if the outer-zone data (``outer.npz`` and ``baseline.npz``) is installed."""
    folder = data_dir()
    return (folder / "outer.npz").is_file() and (folder / "baseline.npz").is_file()


def outer_zones(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Country, zone and overlap_with of points that are outside every territorial sea.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees; points the first rungs answered ``none`` (open water or unclaimed land).

    Returns
    -------
    country, zone, overlap_with : numpy.ndarray of str (object)
        ``zone`` is ``contiguous_zone``, ``eez`` or ``none``; ``country`` and
        ``overlap_with`` are ISO alpha-3 codes or ``""``.
    """
    return _outer().lookup(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))


def nearest_states(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Geodesic distance (km) to the nearest and second-nearest state's baseline.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees.

    Returns
    -------
    d1, c1, d2, c2 : numpy.ndarray
        Kilometres (``inf`` beyond :data:`REACH_KM`) and ISO alpha-3 codes (``""``).
    """
    base = _baseline()
    d, c = base.nearest(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    codes = np.append(base.codes, "").astype(object)
    return d[:, 0], codes[c[:, 0]], d[:, 1], codes[c[:, 1]]


# --------------------------------------------------------------------------- geometry helpers
def unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Unit vectors (ECEF on the unit sphere) of points in degrees."""
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def local_radius_km(lat: np.ndarray) -> np.ndarray:
    """Gaussian mean radius of curvature of WGS 84 at ``lat`` (km): the local sphere.

    Distances on this sphere differ from WGS 84 geodesics by at most about 0.35% up
    to 400 km (measured in ``tests/test_eez.py``), under the 0.5% allowed.
    """
    a, e2 = 6378.137, 0.00669437999014
    s2 = np.sin(np.radians(lat)) ** 2
    w = 1.0 - e2 * s2
    return a * np.sqrt(1.0 - e2) / w


def chord_to_km(ch: np.ndarray) -> np.ndarray:
    """Great-circle km on the mean-radius sphere from chord lengths of unit vectors."""
    return 2.0 * np.arcsin(np.minimum(ch, 2.0) / 2.0) * R_KM


def km_to_chord(km: float) -> float:
    """Chord of unit vectors for a great-circle distance in km."""
    return float(2.0 * np.sin(km / R_KM / 2.0))


def block_of(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """5-degree block id of each point (row-major from -90 latitude, -180 longitude)."""
    r = np.clip(np.floor((np.asarray(lat) + 90) / BLOCK).astype(np.int64), 0, 180 // BLOCK - 1)
    c = np.clip(np.floor((np.asarray(lon) + 180) / BLOCK).astype(np.int64), 0, _NB - 1)
    return r * _NB + c


def block_window(block: int) -> tuple[float, float, float, float]:
    """(lat0, lat1, lon0, lon1) enclosing everything within :data:`REACH_KM` of a block.

    Longitudes may run past +-180 (wrap them); ``lon0 = -inf`` means all longitudes.
    """
    la0 = -90 + (block // _NB) * BLOCK
    lo0 = -180 + (block % _NB) * BLOCK
    e_lat = REACH_KM / 110.5
    arc = REACH_KM / R_KM * 1.01
    lat0, lat1 = max(-90.0, la0 - e_lat), min(90.0, la0 + BLOCK + e_lat)
    far = np.radians(max(abs(lat0), abs(lat1)))
    s = np.sin(arc) / max(np.cos(far), 1e-12)
    if s >= 1:
        return lat0, lat1, -np.inf, np.inf
    ex = float(np.degrees(np.arcsin(s)))
    return lat0, lat1, lo0 - ex, lo0 + BLOCK + ex


def window_blocks(block: int) -> np.ndarray:
    """Ids of the blocks that intersect :func:`block_window` of ``block``."""
    lat0, lat1, lon0, lon1 = block_window(block)
    rows = np.arange(int(np.floor((lat0 + 90) / BLOCK)), min(180 // BLOCK, int(np.ceil((lat1 + 90) / BLOCK))))
    if np.isinf(lon0):
        cols = np.arange(_NB)
    else:
        cols = np.unique(np.arange(int(np.floor((lon0 + 180) / BLOCK)), int(np.ceil((lon1 + 180) / BLOCK))) % _NB)
    return (rows[:, None] * _NB + cols[None, :]).ravel()


def densify(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of ``lines`` plus points so no step exceeds :data:`DENSIFY_DEG`; with line index."""
    import shapely

    xy, index = shapely.get_coordinates(lines, return_index=True)
    if len(xy) < 2:
        return xy, index
    a, b = xy[:-1], xy[1:]
    same = index[:-1] == index[1:]
    n = np.where(same, np.ceil(np.hypot(b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]) / DENSIFY_DEG).astype(np.int64), 0)
    out, out_i = [xy], [index]
    for k in np.unique(n[n > 1]):
        sel = np.flatnonzero(n == k)
        t = (np.arange(1, k) / k)[None, :, None]
        out.append((a[sel][:, None, :] + t * (b[sel] - a[sel])[:, None, :]).reshape(-1, 2))
        out_i.append(np.repeat(index[sel], k - 1))
    return np.concatenate(out), np.concatenate(out_i)


# --------------------------------------------------------------------------- baseline
class Baseline:
    """The baseline vertices by 5-degree block, with per-country k-d trees built on demand."""

    def __init__(self, path) -> None:
        try:
            with np.load(path) as z:
                self.codes = z["codes"]
                self.block_start = z["block_start"]
                self.run_country = z["run_country"].astype(np.int32)
                self.blob = z["blob"]
                self.blob_offsets = z["blob_offsets"]
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"{path}: baseline is damaged ({exc}); rebuild it with data/build_eez.py") from None
        self._blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._near: dict[int, list] = {}

    def block_ids(self) -> np.ndarray:
        """Blocks that hold baseline vertices."""
        return np.flatnonzero(np.diff(self.block_start))

    def block_vertices(self, block: int) -> tuple[np.ndarray, np.ndarray]:
        """Densified vertices (lon, lat) of one block and the state id of each."""
        hit = self._blocks.get(block)
        if hit is not None:
            return hit
        s, e = self.block_start[block], self.block_start[block + 1]
        if s == e:
            out = (np.zeros((0, 2)), np.zeros(0, dtype=np.int32))
        else:
            lines = decode_geoms(self.blob[self.blob_offsets[block] : self.blob_offsets[block + 1]].tobytes())
            xy, idx = densify(lines)
            out = (xy, self.run_country[s + idx])
        self._blocks[block] = out
        return out

    def near(self, block: int) -> list[tuple[int, cKDTree, np.ndarray]]:
        """(state id, cKDTree of unit vectors, vertices) for each state within reach of ``block``."""
        hit = self._near.get(block)
        if hit is not None:
            return hit
        from scipy.spatial import cKDTree

        parts = [self.block_vertices(int(b)) for b in window_blocks(block)]
        xy = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 2))
        cid = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        out = []
        for c in np.unique(cid):
            v = xy[cid == c]
            out.append((int(c), cKDTree(unit(v[:, 0], v[:, 1])), v))
        self._near[block] = out
        return out

    def nearest(
        self, lon: np.ndarray, lat: np.ndarray, *, candidates: np.ndarray | None = None, keep: int = 2
    ) -> tuple[np.ndarray, np.ndarray]:
        """Distance (km) to the ``keep`` nearest states (sorted) and their ids (-1: none in reach).

        ``candidates`` (n, k) limits each point to those state ids (-1 pads; a row
        holding -2 means every state); by default every state within reach of the
        point's block is considered.
        """
        n = lon.size
        D = np.full((n, keep), np.inf)
        C = np.full((n, keep), -1, dtype=np.int64)
        blocks = block_of(lon, lat)
        bound = km_to_chord(REACH_KM * 1.01)
        radius = local_radius_km(lat)
        for b in np.unique(blocks):
            sel = np.flatnonzero(blocks == b)
            trees = self.near(int(b))
            if not trees:
                continue
            P = unit(lon[sel], lat[sel])
            S = np.full((sel.size, len(trees)), np.inf)
            if candidates is None:
                for j, (_, tree, _) in enumerate(trees):
                    S[:, j], _ = tree.query(P, k=1, distance_upper_bound=bound, workers=_WORKERS)
            else:
                slot = {c: j for j, (c, _, _) in enumerate(trees)}
                cand = candidates[sel]
                for c in np.unique(cand[cand >= 0]):
                    col = slot.get(int(c))
                    if col is None:
                        continue
                    pts = np.flatnonzero((cand == c).any(axis=1))
                    S[pts, col], _ = trees[col][1].query(P[pts], k=1, distance_upper_bound=bound, workers=_WORKERS)
                every = np.flatnonzero((cand == _ALL).any(axis=1))  # too many states to list
                if every.size:
                    for j, (_, tree, _) in enumerate(trees):
                        S[every, j], _ = tree.query(P[every], k=1, distance_upper_bound=bound, workers=_WORKERS)
            km = 2.0 * np.arcsin(np.minimum(S, 2.0) / 2.0) * radius[sel][:, None]
            km[km > REACH_KM] = np.inf
            if km.shape[1] < keep:  # fewer states in reach
                km = np.column_stack([km, np.full((sel.size, keep - km.shape[1]), np.inf)])
            ids = np.append([t[0] for t in trees], -1)
            order = np.argsort(km, axis=1, kind="stable")[:, :keep]
            D[sel] = np.take_along_axis(km, order, axis=1)
            C[sel] = np.where(np.isfinite(D[sel]), ids[np.minimum(order, len(trees))], -1)
        return D, C


class _Outer:
    """The loaded outer grid."""

    def __init__(self, path) -> None:
        try:
            with np.load(path) as z:
                self.grid = z["grid"]
                self.res = int(z["grid_res"][0])
                self.class_country = z["class_country"].astype(object)
                self.class_zone = z["class_zone"].astype(object)
                self.class_overlap = z["class_overlap"].astype(object)
                self.cand_grid = z["cand_grid"]
                self.cand_states = z["cand_states"].astype(np.int64)
                self.sub_cells = z["sub_cells"]
                self.sub_grid = z["sub_grid"]
                self.sub_res = int(z["sub_res"][0])
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"{path}: outer-zone index is damaged ({exc}); rebuild it with data/build_eez.py") from None

    def lookup(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        res = self.res
        rows = np.clip(np.floor((y + 90.0) * res).astype(np.int64), 0, 180 * res - 1)
        cols = np.floor((x + 180.0) * res).astype(np.int64) % (360 * res)
        ids = self.grid[rows, cols]
        edge = ids == _BOUNDARY
        ids = np.where(edge, 0, ids)
        country, zone, overlap = self.class_country[ids], self.class_zone[ids], self.class_overlap[ids]
        if edge.any():
            k = np.flatnonzero(edge)
            sub = self._sub(x[k], y[k], rows[k], cols[k])
            hit = sub != _BOUNDARY
            if hit.any():
                h = k[hit]
                country[h], zone[h], overlap[h] = (
                    self.class_country[sub[hit]],
                    self.class_zone[sub[hit]],
                    self.class_overlap[sub[hit]],
                )
            k = k[~hit]
            if k.size:
                cand = self.cand_states[self.cand_grid[rows[k], cols[k]]]
                c, z, o = exact_zones(x[k], y[k], candidates=cand)
                country[k], zone[k], overlap[k] = c, z, o
        return country, zone, overlap

    def _sub(self, x: np.ndarray, y: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Class of the sub-cell of each point in an exact cell (0xFFFF: compute exactly)."""
        res = self.res
        flat = rows * (360 * res) + cols
        k = np.minimum(np.searchsorted(self.sub_cells, flat), max(self.sub_cells.size - 1, 0))
        out = np.full(flat.size, _BOUNDARY, dtype=np.int64)
        if self.sub_cells.size == 0:
            return out
        has = self.sub_cells[k] == flat
        n = self.sub_res
        sy = np.clip(np.floor(((y + 90.0) * res - rows) * n).astype(np.int64), 0, n - 1)
        sx = np.clip(np.floor(((x + 180.0) * res - np.floor((x + 180.0) * res)) * n).astype(np.int64), 0, n - 1)
        out[has] = self.sub_grid[k[has], (n * sy + sx)[has]]
        return out


def exact_zones(
    lon: np.ndarray, lat: np.ndarray, *, candidates: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outer zone of points from the baseline itself (no grid).

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees.
    candidates : numpy.ndarray, optional
        (n, k) state ids that can be nearest or second nearest at each point (from
        the grid cell); by default all states within reach.
    """
    base = _baseline()
    D, C = base.nearest(lon, lat, candidates=candidates)
    codes = np.append(base.codes, "").astype(object)
    d1, d2 = D[:, 0], D[:, 1]
    zone = np.where(d1 <= T24_KM, "contiguous_zone", np.where(d1 <= T200_KM, "eez", "none")).astype(object)
    inside = zone != "none"
    country = np.where(inside, codes[C[:, 0]], "").astype(object)
    overlap = np.where(inside & (d2 <= T200_KM), codes[C[:, 1]], "").astype(object)
    return country, zone, overlap


@cache
def _outer() -> _Outer:
    return _Outer(data_path("outer.npz"))


@cache
def _baseline() -> Baseline:
    return Baseline(data_path("baseline.npz"))
