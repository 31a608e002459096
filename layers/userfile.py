"""A user's features as a layer (read from GeoJSON, GeoParquet or CSV by :func:`geomap.tables.read_features`)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geomap.layers.base import Layer
from geomap.tables import cell_text

__all__ = ["user_layer"]

_LABEL = ("name", "label", "title", "vessel_name", "vessel", "shipname", "ship_name", "id", "mmsi")
_MAX_POPUP_ROWS = 12


def user_layer(gdf: gpd.GeoDataFrame, *, name: str) -> Layer:
    """Build the :class:`Layer` of a user's features (as read by :func:`geomap.tables.read_features`).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Features in EPSG:4326, every geometry usable.
    name : str
        Layer name (the file name without its suffix, for a file).

    Returns
    -------
    Layer
        Tooltip from a name-like column (``name``, ``label``, ``vessel_name``…), popup
        with the other columns; the renderer gives it a colour.
    """
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
        name=name,
        gdf=out,
        tooltip="_label" if label is not None else None,
        popup_title="_label" if label is not None else None,
        popup=tuple(popup),
        pane="user",
    )


def _cell(v: object) -> str:
    """A property value as popup text: nested values as JSON, missing ones empty."""
    return cell_text(v) or ""
