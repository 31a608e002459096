"""Internal waters, and the territorial sea measured from the lines that close them.

``internal_waters.npz`` (built by ``data/build_internal_waters.py``) holds three kinds of
internal waters, each polygon with its state and legal basis:

- **historic waters** claimed as internal, behind a published closing line (the Bohai,
  Peter the Great Gulf; ``data/historic_waters.csv``);
- waters behind **straight baselines** from published basepoint lists
  (``data/baselines.csv``), split by the nearest baseline segment, so an answer names
  its points (``straight baseline, PRC declaration 1996, mainland, points 19–20``);
- **bays** found world-wide from the coastline by the tests of UNCLOS art. 10 (closing
  line of at most 24 nm, semicircle test; islands in the mouth).

It also holds the water within 12 nm seaward of each of those lines: a point there that
the grid and the outer zones answer ``contiguous_zone``, ``eez`` or ``none`` is in the
territorial sea measured from the line.

A claim does not displace another state's territorial sea in the data: where the zone
index answers a different state's ``territorial_sea``, that answer stands.

Points are tested exactly (shapely, vectorised with an STR tree) only in the 1/16-degree
cells the polygons touch; elsewhere a table lookup answers.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from geomap.codec import decode_geoms
from geomap.datafiles import data_dir, data_path
from geomap.errors import DataError

__all__ = ["FILE", "KINDS", "available", "apply_internal"]

FILE = "internal_waters.npz"
#: kinds of internal waters, by the number stored for each polygon
KINDS = ("historic waters", "straight baseline", "bay closing line")
_SEA = ("territorial_sea", "contiguous_zone", "eez", "none")
_OUTER = ("contiguous_zone", "eez", "none")


def available() -> bool:
    """True if the internal-waters data (``internal_waters.npz``) is installed."""
    return (data_dir() / FILE).is_file()


def apply_internal(
    lon: np.ndarray, lat: np.ndarray, country: np.ndarray, zone: np.ndarray, overlap: np.ndarray | None
) -> np.ndarray:
    """Answer internal waters and the territorial sea from baselines, in place.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Degrees.
    country, zone, overlap : numpy.ndarray of str (object)
        The answers of the zone index and the outer zones; changed in place where a point
        lies in internal waters (``zone`` becomes ``internal_waters``) or within 12 nm
        seaward of a baseline or closing line (``contiguous_zone``, ``eez`` or ``none``
        become ``territorial_sea``). ``overlap`` may be None.

    Returns
    -------
    numpy.ndarray of str (object)
        The legal basis of each changed answer, ``""`` for the others.
    """
    basis = np.full(lon.size, "", dtype=object)
    store = _store()
    sea = np.isin(zone, _SEA) & store.near(lon, lat)
    todo = np.flatnonzero(sea)
    if todo.size == 0:
        return basis
    hit = store.hits("iw", lon[todo], lat[todo])
    own = store.iw_country[np.maximum(hit, 0)]
    other_sea = (zone[todo] == "territorial_sea") & (country[todo] != own) & (country[todo] != "")
    take = (hit >= 0) & ~other_sea
    k = todo[take]
    country[k], zone[k], basis[k] = own[take], "internal_waters", store.iw_basis[hit[take]]
    if overlap is not None:
        overlap[k] = ""
    rest = todo[~take & np.isin(zone[todo], _OUTER)]
    if rest.size:
        ts = store.hits("ts", lon[rest], lat[rest])
        got = ts >= 0
        k = rest[got]
        country[k], zone[k], basis[k] = store.ts_country[ts[got]], "territorial_sea", store.ts_basis[ts[got]]
        if overlap is not None:
            overlap[k] = ""
    return basis


class _Store:
    """The loaded polygons, STR trees built on first use."""

    def __init__(self, path) -> None:
        try:
            with np.load(path) as z:
                self.iw_geoms = decode_geoms(z["iw_blob"].tobytes())
                self.iw_country = z["iw_country"].astype(object)
                self.iw_basis = z["iw_basis"].astype(object)
                self.ts_geoms = decode_geoms(z["ts_blob"].tobytes())
                self.ts_country = z["ts_country"].astype(object)
                self.ts_basis = z["ts_basis"].astype(object)
                self.res = int(z["grid_res"][0])
                cells = np.unpackbits(z["cells"])[: 180 * self.res * 360 * self.res]
                # cells wholly inside one polygon (and no earlier one): answered without a test
                self.wholly = {
                    layer: (z[f"{layer}_inside"].astype(np.int64), z[f"{layer}_inside_polygon"].astype(np.int64))
                    for layer in ("iw", "ts")
                    if f"{layer}_inside" in z
                }
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(
                f"{path}: internal waters are damaged ({exc}); rebuild with data/build_internal_waters.py"
            ) from None
        self.cells = cells.reshape(180 * self.res, 360 * self.res).astype(bool)
        self._trees: dict[str, Any] = {}

    def cell_ids(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of each point's cell."""
        res = self.res
        rows = np.clip(np.floor((y + 90.0) * res).astype(np.int64), 0, 180 * res - 1)
        cols = np.floor((x + 180.0) * res).astype(np.int64) % (360 * res)
        return rows, cols

    def near(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Whether each point lies in a cell that some polygon touches."""
        rows, cols = self.cell_ids(x, y)
        return self.cells[rows, cols]

    def inside(self, layer: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the polygon of ``layer`` whose interior holds each point's whole cell, -1 if none."""
        out = np.full(x.size, -1, dtype=np.int64)
        ids, poly = self.wholly.get(layer, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        if ids.size == 0:
            return out
        rows, cols = self.cell_ids(x, y)
        cell = rows * (360 * self.res) + cols
        pos = np.minimum(np.searchsorted(ids, cell), ids.size - 1)
        found = ids[pos] == cell
        out[found] = poly[pos[found]]
        return out

    def hits(self, layer: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """:meth:`first_hit`, answered from the table of whole cells where it can be."""
        hit = self.inside(layer, x, y)
        exact = np.flatnonzero(hit < 0)
        if exact.size:
            hit[exact] = self.first_hit(layer, x[exact], y[exact])
        return hit

    def first_hit(self, layer: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the first polygon of ``layer`` ("iw" or "ts") holding each point, -1 if none."""
        import shapely

        tree = self._trees.get(layer)
        if tree is None:
            geoms = self.iw_geoms if layer == "iw" else self.ts_geoms
            shapely.prepare(geoms)
            tree = self._trees[layer] = shapely.STRtree(geoms)
        pts, polys = tree.query(shapely.points(x, y), predicate="intersects")
        out = np.full(x.size, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(out, pts, polys)  # polygons are stored by priority: the first wins
        out[out == np.iinfo(np.int64).max] = -1
        return out


@cache
def _store() -> _Store:
    return _Store(data_path(FILE))
