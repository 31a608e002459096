"""A user's file as a layer: GeoJSON, GeoParquet, or CSV with latitude/longitude columns."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geomap.errors import InputError
from geomap.layers.base import Layer

__all__ = ["read_layer", "SUFFIXES"]

SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
}
_LAT = ("lat", "latitude", "y")
_LON = ("lon", "lng", "long", "longitude", "x")
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
    try:
        if kind == "csv":
            gdf = _read_csv(p)
        elif kind == "parquet":
            gdf = gpd.read_parquet(p)
        else:
            gdf = gpd.read_file(p)
    except InputError:
        raise
    except Exception as exc:  # readers raise many types for a damaged file
        raise InputError(f"layer {p}: cannot read it as {kind} ({type(exc).__name__}: {exc}); check the file") from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise InputError(f"layer {p}: the file has no geometry column; give a {kind} file with geometries")
    geom = gdf.geometry
    usable = ~(geom.isna() | geom.is_empty)
    if not usable.any():
        raise InputError(f"layer {p}: the file has no geometry (every row's geometry is empty)")
    gdf = gdf[usable].reset_index(drop=True)
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    gdf = gdf.to_crs(4326)
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    lowered = {str(c).lower(): c for c in columns}
    label = next((lowered[c] for c in _LABEL if c in lowered), None)
    table = pd.DataFrame(index=gdf.index)
    if label is not None:
        table["_label"] = gdf[label].astype(str).where(gdf[label].notna(), "")
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
    if v is None:
        return ""
    try:
        if pd.isna(v):  # type: ignore[arg-type]
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def _read_csv(p: Path) -> gpd.GeoDataFrame:
    df = pd.read_csv(p)
    lowered = {str(c).lower().strip(): c for c in df.columns}
    lat = next((lowered[c] for c in _LAT if c in lowered), None)
    lon = next((lowered[c] for c in _LON if c in lowered), None)
    if lat is None or lon is None:
        raise InputError(
            f"layer {p}: a CSV layer needs latitude and longitude columns (named one of "
            f"{', '.join(_LAT)} and {', '.join(_LON)}); found {', '.join(map(str, df.columns)) or 'none'}"
        )
    y = pd.to_numeric(df[lat], errors="coerce")
    x = pd.to_numeric(df[lon], errors="coerce")
    ok = x.between(-180, 180) & y.between(-90, 90)
    if not ok.any():
        raise InputError(f"layer {p}: no row has a valid latitude ({lat}) and longitude ({lon})")
    df = df[ok].drop(columns=[lat, lon])
    return gpd.GeoDataFrame(df, geometry=shapely.points(x[ok].to_numpy(), y[ok].to_numpy()), crs=4326)
