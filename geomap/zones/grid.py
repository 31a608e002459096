"""Which country's land or water is each point in: the zone engine.

The shipped index (``zones.npz``, built by ``data/build.py``) is a grid of
1/16-degree cells over the world. A cell that one class (country, zone) covers
whole holds that class and is answered by an array lookup; a cell crossed by a
boundary holds a marker, and its points are tested exactly against the pieces of
its 1-degree tile (decoded and prepared on first use). There is no Python loop
per point: a loop runs per boundary tile touched.

Zones, from land outward: ``land``, ``inland_water`` (lakes, rivers), ``internal_waters``,
``territorial_sea``, ``contiguous_zone``, ``eez``, ``none``. Internal waters (historic
waters, waters behind published straight baselines, bays closed under UNCLOS art. 10) and
the territorial sea measured from those lines come from :mod:`geomap.zones.internal`; each
such answer names its legal basis (``classify(..., basis=True)``).
The source data stops at the web-Mercator limit (85.05 degrees S); points south of it
are Antarctic land (``ATA``, ``land``).

Points the first rungs leave at ``none`` are looked up in the outer grid
(:mod:`geomap.zones.outer`): ``contiguous_zone`` (24 nm) and ``eez`` (200 nm) are
**approximate**, derived from the coastline by geomap, with ``overlap_with`` naming
a second state whose 200 nm reach covers the water; beyond is ``none`` (high seas).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, cached_property
from typing import TYPE_CHECKING

import numpy as np

from geomap.codec import decode_geoms
from geomap.datafiles import data_path
from geomap.errors import DataError, InputError
from geomap.units import NM_KM
from geomap.zones import internal as inner
from geomap.zones import outer as seazones

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ZONES",
    "APPROXIMATE_NOTE",
    "BASIS",
    "zone_basis",
    "classify",
    "classify_arrays",
    "check_coordinates",
    "check_separated",
    "zone_mask",
]

ZONES = ("land", "inland_water", "internal_waters", "territorial_sea", "contiguous_zone", "eez", "none")
_BOUNDARY = 0xFFFF
_OUTER = ("contiguous_zone", "eez", "none")
# The source polygons (OpenStreetMap, cut for web-Mercator maps) stop at 85.0511 degrees S,
# the Mercator limit; south of their edge lies only the Antarctic ice sheet, so points
# there are Antarctic land (in OpenStreetMap, ice shelves are land too).
SOUTH_EDGE_LAT = -85.05
APPROXIMATE_NOTE = seazones.NOTE
# the legal or geographic basis of each answer, as the data draws it
BASIS = {
    "land": "land (OpenStreetMap land polygons)",
    "inland_water": "lake or river enclosed by land",
    "internal_waters": "landward of the baseline (straight baseline, bay closing line or historic waters)",
    "territorial_sea": (
        "within 12 nm of the baseline: the low-water line (normal baseline, OpenStreetMap maritime limits), "
        "or a straight baseline or closing line where geomap ships one"
    ),
    "contiguous_zone": "approximate: 12-24 nm from the coastline, overlaps split by equidistance",
    "eez": "approximate: within 200 nm of the coastline, overlaps split by equidistance",
    "none": "high seas: beyond 200 nm of every coast",
}
# states whose answers need a word more
_BASIS_NOTES = {
    "PRK": "North Korea has published no baseline coordinates; measured from the coastline",
}


def classify(
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    distances: bool = False,
    basis: bool = False,
) -> pd.DataFrame:
    """Classify points into country and zone.

    Parameters
    ----------
    lon, lat : array-like of float
        Longitudes and latitudes in degrees (WGS 84), the same length.
    distances : bool
        Also compute geodesic distances to the nearest coast and the nearest land
        border (columns ``coast_km``, ``coast_nm``, ``border_km``, ``border_nm``).
    basis : bool
        Also give each answer's basis (column ``basis``, see :func:`zone_basis`).

    Returns
    -------
    pandas.DataFrame
        One row per point: ``country`` (ISO 3166-1 alpha-3, ``""`` where none),
        ``zone`` (one of :data:`ZONES`; ``contiguous_zone`` and ``eez`` are approximate)
        and ``overlap_with`` (another state whose 200 nm reach also covers the point,
        ``""`` if none), plus the distance columns if asked.

    Raises
    ------
    InputError
        If a coordinate is not a finite number in range.

    Examples
    --------
    >>> classify([119.72], [26.68])  # doctest: +SKIP
      country             zone overlap_with
    0     CHN  internal_waters
    """
    import pandas as pd

    country, zone, overlap, lines = _answers(*check_coordinates(lon, lat), overlap=True)
    frame = pd.DataFrame({"country": country, "zone": zone, "overlap_with": overlap})
    if basis:
        frame["basis"] = [line or zone_basis(c, z) for c, z, line in zip(country, zone, lines)]
    if distances:
        from geomap.zones.distance import distance_to_layer

        x, y = check_coordinates(lon, lat)
        for name, prefix in (("coastline", "coast"), ("borders", "border")):
            km = distance_to_layer(x, y, layer=name)
            frame[f"{prefix}_km"] = km
            frame[f"{prefix}_nm"] = km / NM_KM
    return frame


def classify_arrays(
    lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray, *, overlap: bool = False, basis: bool = False
) -> tuple[np.ndarray, ...]:
    """Classify points, returning plain arrays (the fast path, no pandas).

    Parameters
    ----------
    lon, lat : array-like of float
        Longitudes and latitudes in degrees.
    overlap : bool
        Also return ``overlap_with`` (see :func:`classify`).
    basis : bool
        Also return each answer's basis (see :func:`zone_basis`; answers drawn from a
        straight baseline, closing line or historic waters name it).

    Returns
    -------
    country, zone[, overlap_with][, basis] : numpy.ndarray of str
        ISO alpha-3 code (``""`` where none) and zone name for each point.
    """
    country, zone, over, lines = _answers(*check_coordinates(lon, lat), overlap=overlap)
    out = [country, zone] + ([over] if over is not None else [])
    if basis:
        out.append(np.array([line or zone_basis(c, z) for c, z, line in zip(country, zone, lines)], dtype=object))
    return tuple(out)


def _answers(x: np.ndarray, y: np.ndarray, *, overlap: bool) -> tuple:
    """Country, zone, overlap_with (or None) and the basis of the answers drawn from baselines."""
    idx = _index()
    ids = idx.class_ids(x, y)
    country, zone = idx.class_country[ids], idx.class_zone[ids]
    over: np.ndarray | None = np.full(x.size, "", dtype=object) if overlap else None
    none = np.flatnonzero(ids == 0)
    if none.size and seazones.available():
        c, z, o = seazones.outer_zones(x[none], y[none])
        country[none], zone[none] = c, z
        if over is not None:
            over[none] = o
    lines = inner.apply_internal(x, y, country, zone, over) if inner.available() else np.full(x.size, "", dtype=object)
    return country, zone, over, lines


def zone_basis(country: str, zone: str) -> str:
    """The basis of an answer: how the data draws ``country``'s ``zone``.

    Parameters
    ----------
    country : str
        ISO alpha-3 code or ``""``.
    zone : str
        One of :data:`ZONES`.
    """
    if zone == "land" and not country:
        return "land that no state claims"
    text = BASIS.get(zone, "")
    note = _BASIS_NOTES.get(country)
    return f"{text}; {note}" if note and zone not in ("land", "inland_water", "none") else text


# zones that need a data file, and what to use when it is not installed
UNSEPARATED = {
    "internal_waters": (
        f"the internal-waters data ({inner.FILE}) is not installed, so bays and waters behind "
        "baselines answer territorial_sea; ask for territorial_sea, which includes them, or "
        "rebuild it with data/build_internal_waters.py"
    ),
}


def check_separated(zones: Sequence[str], *, spec: str) -> None:
    """Raise if every zone asked for is one the installed data cannot answer (so it would match nothing).

    Raises
    ------
    InputError
        Naming the zone, why it matches nothing and what to ask for instead.
    """
    if inner.available():
        return
    missing = [z for z in zones if z in UNSEPARATED]
    if missing and len(missing) == len(zones):
        raise InputError(f"{spec}: no point answers {missing[0]}: {UNSEPARATED[missing[0]]}")


def zone_mask(lon: np.ndarray, lat: np.ndarray, *, country: str, zone: str) -> np.ndarray:
    """Boolean mask of the points inside ``country``'s ``zone``.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Coordinates in degrees.
    country : str
        ISO alpha-3 code, e.g. ``"CHN"``.
    zone : str
        One of :data:`ZONES`.
    """
    if zone not in ZONES:
        raise InputError(f"unknown zone {zone!r}; valid zones: {', '.join(ZONES)}")
    check_separated([zone], spec=f"{country}:{zone}")
    if zone in _OUTER or zone in ("internal_waters", "territorial_sea"):
        got_country, got_zone = classify_arrays(lon, lat)
        return (got_country == country.upper()) & (got_zone == zone)
    idx = _index()
    wanted = np.flatnonzero((idx.class_country == country.upper()) & (idx.class_zone == zone))
    ids = idx.class_ids(*check_coordinates(lon, lat))
    return np.isin(ids, wanted)


def countries() -> tuple[str, ...]:
    """The ISO alpha-3 codes of the countries that have zones in the zone index, sorted."""
    return tuple(sorted({str(c) for c in _index().class_country if c}))


def check_coordinates(lon, lat, *, source: str = "input") -> tuple[np.ndarray, np.ndarray]:
    """Return ``lon``, ``lat`` as float arrays, or raise naming the first bad value.

    Parameters
    ----------
    lon, lat : array-like
        Longitudes in [-180, 180] and latitudes in [-90, 90].
    source : str
        What to call the input in messages (a file name).
    """
    try:
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(f"{source}: coordinates must be numbers ({exc})") from None
    if x.shape != y.shape:
        raise InputError(f"{source}: {x.size} longitudes but {y.size} latitudes")
    bad = ~np.isfinite(x) | ~np.isfinite(y) | (np.abs(x) > 180) | (np.abs(y) > 90)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: point {i + 1} has latitude {float(y[i])}, longitude {float(x[i])}; "
            "latitude must be within -90..90 and longitude within -180..180"
        )
    return x, y


class _ZoneIndex:
    """The loaded cell index; tiles of exact pieces are decoded on demand."""

    def __init__(self, path) -> None:
        try:
            with np.load(path) as z:
                self.grid = z["grid"]
                self.res = int(z["grid_res"][0])
                self.class_country = z["class_country"].astype(object)
                self.class_zone = z["class_zone"].astype(object)
                self.tile_ids = z["tile_ids"]
                self.tile_piece_start = z["tile_piece_start"]
                self.piece_cls = z["piece_cls"]
                self.blob = z["blob"]
                self.blob_offsets = z["blob_offsets"]
        except (OSError, KeyError, ValueError) as exc:
            raise DataError(f"{path}: zone index is damaged ({exc}); rebuild it with data/build.py") from None
        self._tiles: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def class_ids(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Class id of each point."""
        res = self.res
        rows = np.clip(np.floor((y + 90.0) * res).astype(np.int64), 0, 180 * res - 1)
        cols = np.floor((x + 180.0) * res).astype(np.int64) % (360 * res)
        ids = self.grid[rows, cols].astype(np.int64)
        edge = np.flatnonzero(ids == _BOUNDARY)
        if edge.size:
            ids[edge] = self._exact(x[edge], y[edge], rows[edge] // res, cols[edge] // res)
        # south of the source's edge only Natural Earth's land remains, which has no country: it is Antarctica
        south = y <= SOUTH_EDGE_LAT
        ids[south & ((ids == 0) | (self.class_country[ids] == ""))] = self.antarctic_land
        return ids

    @cached_property
    def antarctic_land(self) -> int:
        """Class id of Antarctic land (the answer south of the data's edge)."""
        hit = np.flatnonzero((self.class_country == "ATA") & (self.class_zone == "land"))
        if hit.size == 0:
            raise DataError("zone index has no Antarctic land class; rebuild it with data/build.py")
        return int(hit[0])

    def _exact(self, x: np.ndarray, y: np.ndarray, trow: np.ndarray, tcol: np.ndarray) -> np.ndarray:
        import shapely

        tile = trow * 360 + tcol
        order = np.argsort(tile, kind="stable")
        tile_sorted = tile[order]
        starts = np.flatnonzero(np.r_[True, tile_sorted[1:] != tile_sorted[:-1]])
        ends = np.r_[starts[1:], tile_sorted.size]
        out = np.zeros(x.size, dtype=np.int64)
        for s, e in zip(starts, ends):
            sel = order[s:e]
            geoms, cls = self._tile(int(tile_sorted[s]))
            result = np.zeros(sel.size, dtype=np.int64)
            todo = np.ones(sel.size, dtype=bool)
            for g, c in zip(geoms, cls):  # highest priority first
                idx = np.flatnonzero(todo)
                if idx.size == 0:
                    break
                hit = shapely.intersects_xy(g, x[sel[idx]], y[sel[idx]])
                result[idx[hit]] = c
                todo[idx[hit]] = False
            out[sel] = result
        return out

    def _tile(self, tile_id: int) -> tuple[np.ndarray, np.ndarray]:
        cached = self._tiles.get(tile_id)
        if cached is not None:
            return cached
        import shapely

        k = int(np.searchsorted(self.tile_ids, tile_id))
        if k >= self.tile_ids.size or self.tile_ids[k] != tile_id:
            raise DataError(f"zone index has a boundary cell but no pieces for tile {tile_id}; rebuild it")
        blob = self.blob[self.blob_offsets[k] : self.blob_offsets[k + 1]].tobytes()
        geoms = decode_geoms(blob)
        shapely.prepare(geoms)
        cls = self.piece_cls[self.tile_piece_start[k] : self.tile_piece_start[k + 1]].astype(np.int64)
        self._tiles[tile_id] = (geoms, cls)
        return geoms, cls


@cache
def _index() -> _ZoneIndex:
    return _ZoneIndex(data_path("zones.npz"))
