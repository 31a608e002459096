"""Areas that vessel positions are tested against: a zone of the zone engine or a polygon file.

An :class:`Area` is a name plus a vectorised membership test ``area(lon, lat) ->
bool array``. :func:`zone_area` builds one from ``COUNTRY:zone`` (the same fast
path as ``geomap zone``); :func:`file_area` from a GeoJSON or GeoParquet file of
polygons, prepared once and tested with :func:`shapely.contains_xy`.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from geomap.errors import InputError, first_line

__all__ = ["Area", "file_area", "zone_area"]

_TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls")


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


def zone_area(spec: str) -> Area:
    """Return the :class:`Area` of a zone of the zone engine, e.g. ``CHN:territorial_sea``.

    Membership of a point is ``country == COUNTRY and zone in zones``, from
    :func:`geomap.zones.grid.zone_mask` (one zone) or :func:`geomap.zones.grid.classify_arrays`,
    the fast path of ``geomap zone``. The zone engine answers ``territorial_sea``
    for internal waters too (its source data does not separate them).
    """
    from geomap.zones import classify_arrays, parse_zone, zone_mask

    parsed = parse_zone(spec, need_country=True)
    country, zones = parsed.country, parsed.zones
    assert country is not None  # need_country=True
    wanted = np.array(zones, dtype=object)

    def contains(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        if len(lon) == 0:
            return np.zeros(0, bool)
        if len(zones) == 1:  # compares class ids, no strings
            return zone_mask(lon, lat, country=country, zone=zones[0])
        c, z = classify_arrays(lon, lat)
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
    import shapely

    from geomap.geojson import check_lonlat

    p = Path(path)
    if not p.is_file():
        raise InputError(f"area file {p}: no such file; give a GeoJSON or GeoParquet file of polygons")
    gdf = _read_area_file(p)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            gdf = gdf.to_crs(4326)
    check_lonlat(gdf.geometry.values, f"area file {p}")
    geoms = gdf.geometry[gdf.geometry.notna()]
    geoms = geoms[geoms.geom_type.isin(["Polygon", "MultiPolygon"])]
    if geoms.empty:
        raise InputError(f"area file {p}: the file has no Polygon or MultiPolygon feature")
    geom = shapely.union_all(shapely.make_valid(geoms.to_numpy()))
    shapely.prepare(geom)

    def contains(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return shapely.contains_xy(geom, lon, lat)

    return Area(name=p.stem, contains=contains, geometry=geom)


def _read_area_file(p: Path):
    """The features of a polygon file as a GeoDataFrame, or raise naming the file (and feature)."""
    import geopandas as gpd

    suffix = p.suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        raise InputError(
            f"area file {p}: a {suffix} table holds no polygons; give a GeoJSON or GeoParquet file of "
            "polygons (or a zone, COUNTRY:ZONE)"
        )
    if suffix in (".geojson", ".json"):
        from geomap.geojson import parse_geojson, to_shapes

        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise InputError(f"area file {p}: cannot read ({exc.strerror})") from None
        _, geoms, crs = parse_geojson(raw, f"area file {p}")
        shapes = to_shapes(geoms, f"area file {p}")
        try:
            return gpd.GeoDataFrame(geometry=gpd.GeoSeries(shapes, crs=crs or 4326))
        except Exception as exc:  # pyproj: an unknown CRS name
            raise InputError(f"area file {p}: unusable crs {crs!r} ({first_line(exc)}); give WGS 84 GeoJSON") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if suffix in (".parquet", ".geoparquet", ".pq"):
                gdf = gpd.read_parquet(p)
            else:
                gdf = gpd.read_file(p)
        except Exception as exc:  # the readers raise many types; all mean "not a polygon file"
            raise InputError(f"area file {p}: cannot be read as GeoJSON or GeoParquet ({first_line(exc)})") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf._geometry_column_name not in gdf.columns:
        raise InputError(
            f"area file {p}: the file has no geometry column; give a GeoJSON or GeoParquet file of polygons"
        )
    return gdf
