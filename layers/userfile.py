"""A user's file as a layer: GeoJSON, GeoParquet, or CSV with latitude/longitude columns."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.errors import InputError, first_line
from geomap.geojson import check_lonlat, parse_geojson, to_shapes
from geomap.layers.base import Layer
from geomap.tables import cell_text, coordinate_columns, read_points

__all__ = ["read_layer", "SUFFIXES"]

SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
}
_LABEL = ("name", "label", "title", "vessel_name", "vessel", "shipname", "ship_name", "id", "mmsi")
_MAX_POPUP_ROWS = 12


def read_layer(path: str | os.PathLike, *, name: str | None = None, index: int = 0) -> Layer:
    """Read a GeoJSON, GeoParquet or CSV points file as a :class:`Layer`.

    Parameters
    ----------
    path : str or PathLike
        The file; its suffix picks the reader (``.geojson``/``.json``,
        ``.parquet``/``.geoparquet``, ``.csv``).
    name : str, optional
        Layer name; default is the file name without its suffix.
    index : int
        Position among the user's layers (unused here; the renderer picks colours by it).

    Returns
    -------
    Layer
        Tooltip from a name-like column (``name``, ``label``, ``vessel_name``…), popup
        with the other columns; the renderer gives it a colour.

    Raises
    ------
    InputError
        If the file is missing or unreadable, its format is unknown, or it has no geometry.
    """
    p = Path(path)
    kind = SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise InputError(f"layer {p}: unknown file type {p.suffix!r}; use one of {', '.join(sorted(SUFFIXES))}")
    if not p.is_file():
        raise InputError(f"layer {p}: file not found; check the path")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every fault becomes an InputError below, none a warning
        gdf = _read(p, kind)
    geom = gdf.geometry
    usable = ~(geom.isna() | geom.is_empty)
    if not usable.any():
        raise InputError(f"layer {p}: the file has no geometry (every feature's geometry is empty)")
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    if not gdf.crs.equals(4326):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            gdf = gdf.to_crs(4326)
    check_lonlat(gdf.geometry.values, f"layer {p}", unit="row" if kind == "parquet" else "feature")
    gdf = gdf[usable].reset_index(drop=True)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    lowered = {str(c).lower(): c for c in columns}
    label = next((lowered[c] for c in _LABEL if c in lowered), None)
    table = pd.DataFrame(index=gdf.index)
    if label is not None:
        table["_label"] = gdf[label].map(_cell)
    popup = []
    for i, c in enumerate(c for c in columns if c != label):
        if i >= _MAX_POPUP_ROWS:
            break
        table[f"_c{i}"] = gdf[c].map(_cell)
        popup.append((str(c), f"_c{i}"))
    out = gpd.GeoDataFrame(table, geometry=gdf.geometry.values, crs=4326)
    return Layer(
        name=name or p.stem,
        gdf=out,
        tooltip="_label" if label is not None else None,
        popup_title="_label" if label is not None else None,
        popup=tuple(popup),
        pane="user",
    )


def _cell(v: object) -> str:
    """A property value as popup text: nested values as JSON, missing ones empty."""
    return cell_text(v) or ""


def _read(p: Path, kind: str) -> gpd.GeoDataFrame:
    """The file as a GeoDataFrame (any CRS), or raise :class:`InputError` naming the file and feature."""
    if kind == "geojson":
        return _read_geojson(p)
    if kind == "parquet":
        try:
            return gpd.read_parquet(p)
        except ValueError:  # no geometry column: maybe latitude/longitude columns
            pass
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise InputError(f"layer {p}: cannot read it as parquet ({type(exc).__name__}: {first_line(exc)}); "
                             "check the file") from None
    return _read_point_columns(p)


def _read_geojson(p: Path) -> gpd.GeoDataFrame:
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"layer {p}: cannot read ({exc.strerror})") from None
    props, geoms, crs = parse_geojson(raw, f"layer {p}")
    frame = pd.DataFrame(props, index=pd.RangeIndex(len(props)))
    geom_col = "geometry"
    while geom_col in frame.columns:  # a property may be called "geometry"
        geom_col = "_" + geom_col
    shapes = to_shapes(geoms, f"layer {p}")
    try:
        shapes = gpd.GeoSeries(shapes, index=frame.index, crs=crs or 4326)
    except Exception as exc:  # pyproj: an unknown CRS name
        raise InputError(f"layer {p}: unusable crs {crs!r} ({first_line(exc)}); give WGS 84 GeoJSON") from None
    return gpd.GeoDataFrame(frame.assign(**{geom_col: shapes}), geometry=geom_col)


def _read_point_columns(p: Path) -> gpd.GeoDataFrame:
    """CSV (or plain Parquet) points with latitude/longitude columns; a bad row is an error naming it."""
    try:
        frame, lon, lat = read_points(str(p))
    except InputError as exc:
        raise InputError(f"layer {exc}") from None
    df = frame.drop(columns=list(coordinate_columns(frame.columns)))
    return gpd.GeoDataFrame(df, geometry=shapely.points(lon, lat), crs=4326)
