"""Areas that vessel positions are tested against: a zone of the zone engine or a polygon file.

An :class:`Area` is a name plus a vectorised membership test ``area(lon, lat) ->
bool array``. :func:`zone_area` builds one from ``COUNTRY:zone`` (the same fast
path as ``geomap zone``); :func:`file_area` from a GeoJSON or GeoParquet file of
polygons, prepared once and tested with :func:`shapely.contains_xy`.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Callable

import numpy as np

from .errors import DataError, InputError

__all__ = ["Area", "zone_area", "file_area", "parse_zone_spec", "zone_labels"]

_FALLBACK_ZONES = ("land", "inland_water", "internal_waters", "territorial_sea", "contiguous_zone", "eez", "none")


@dataclasses.dataclass(frozen=True)
class Area:
    """A named area with a vectorised point-in-area test.

    Attributes
    ----------
    name : str
        ``"CHN:territorial_sea"`` or the polygon file's name.
    contains : callable
        ``contains(lon, lat) -> ndarray of bool``; points on the boundary are outside.
    geometry : shapely geometry or None
        The polygon(s) for a file area (None for zone-engine areas).
    """

    name: str
    contains: Callable[[np.ndarray, np.ndarray], np.ndarray]
    geometry: object = None

    def __call__(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return np.asarray(self.contains(np.asarray(lon, np.float64), np.asarray(lat, np.float64)), dtype=bool)


def parse_zone_spec(spec: str) -> tuple[str, tuple[str, ...]]:
    """Parse ``COUNTRY:zone`` (zone may be ``a+b`` for a union) against the known zones.

    Parameters
    ----------
    spec : str
        E.g. ``"CHN:territorial_sea"`` or ``"CHN:internal_waters+territorial_sea"``.

    Returns
    -------
    (str, tuple of str)
        ISO 3166 alpha-3 country code (upper case) and the zone names.

    Raises
    ------
    InputError
        If the text is not ``COUNTRY:zone`` or names an unknown country or zone.
    """
    zones = _zone_names()
    country, sep, zone = (spec or "").partition(":")
    country, zone = country.strip().upper(), zone.strip().lower()
    if not sep or not country or not zone:
        raise InputError(f"--zone {spec!r}: expected COUNTRY:zone, e.g. CHN:territorial_sea; zones are {', '.join(zones)}")
    if not (len(country) == 3 and country.isalpha()):
        raise InputError(f"--zone {spec!r}: {country!r} is not a three-letter ISO country code such as CHN")
    parts = tuple(z.strip() for z in zone.split("+"))
    for z in parts:
        if z not in zones:
            raise InputError(f"--zone {spec!r}: unknown zone {z!r}; valid zones are {', '.join(zones)}")
    from .zones import countries

    known = countries()
    if country not in known:
        raise InputError(f"--zone {spec!r}: no zones for country code {country!r}; valid codes are {', '.join(known)}")
    return country, parts


def zone_area(spec: str) -> Area:
    """Return the :class:`Area` of a zone of the zone engine, e.g. ``CHN:territorial_sea``.

    Membership of a point is ``country == COUNTRY and zone in zones``, from
    :func:`geomap.zones.zone_mask` (one zone) or :func:`geomap.zones.classify_arrays`,
    the fast path of ``geomap zone``. The zone engine answers ``territorial_sea``
    for internal waters too (its source data does not separate them).
    """
    country, zones = parse_zone_spec(spec)
    try:
        from . import zones as zmod
    except ImportError as exc:
        raise DataError(f"--zone {spec}: the zone engine is not available ({exc}); use --area FILE with a polygon file") from None

    zone_mask = getattr(zmod, "zone_mask", None)
    wanted = np.array(zones, dtype=object)

    def contains(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        if len(lon) == 0:
            return np.zeros(0, bool)
        if zone_mask is not None and len(zones) == 1:  # compares class ids, no strings
            return zone_mask(lon, lat, country=country, zone=zones[0])
        c, z = zmod.classify_arrays(lon, lat)
        return (np.asarray(c, dtype=object) == country) & np.isin(np.asarray(z, dtype=object), wanted)

    return Area(name=f"{country}:{'+'.join(zones)}", contains=contains)


def file_area(path: str | os.PathLike) -> Area:
    """Return the :class:`Area` of the polygons in a GeoJSON or GeoParquet file.

    Parameters
    ----------
    path : str or PathLike
        Polygons or multipolygons in EPSG:4326 (other CRSs are reprojected).

    Raises
    ------
    InputError
        If the file is missing, unreadable or has no polygon.
    """
    import geopandas as gpd
    import shapely

    p = Path(path)
    if not p.is_file():
        raise InputError(f"--area {p}: no such file; give a GeoJSON or GeoParquet file of polygons")
    try:
        if p.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
            gdf = gpd.read_parquet(p)
        else:
            gdf = gpd.read_file(p)
    except Exception as exc:  # the readers raise many types; all mean "not a polygon file"
        raise InputError(f"--area {p}: cannot be read as GeoJSON or GeoParquet ({exc})") from None
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    geoms = gdf.geometry[gdf.geometry.notna()]
    geoms = geoms[geoms.geom_type.isin(["Polygon", "MultiPolygon"])]
    if geoms.empty:
        raise InputError(f"--area {p}: the file has no Polygon or MultiPolygon feature")
    geom = shapely.union_all(shapely.make_valid(geoms.to_numpy()))
    shapely.prepare(geom)

    def contains(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return shapely.contains_xy(geom, lon, lat)

    return Area(name=p.stem, contains=contains, geometry=geom)


def zone_labels(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return ``COUNTRY:zone`` (or ``"none"``) for each point, from the zone engine.

    Returns an array of empty strings if the zone engine is not available.
    """
    lon = np.asarray(lon, np.float64)
    lat = np.asarray(lat, np.float64)
    if lon.size == 0:
        return np.array([], dtype=object)
    try:
        from .zones import classify_arrays
    except ImportError:
        return np.full(lon.shape, "", dtype=object)
    c, z = classify_arrays(lon, lat)
    c = np.asarray(c, dtype=object)
    z = np.asarray(z, dtype=object)
    out = np.empty(lon.shape, dtype=object)
    for i in range(len(out)):  # one per event, not per position
        out[i] = "none" if (z[i] in (None, "none") or not c[i]) else f"{c[i]}:{z[i]}"
    return out


def _zone_names() -> tuple[str, ...]:
    try:
        from .zones import ZONES
    except ImportError:
        return _FALLBACK_ZONES
    return tuple(ZONES)
