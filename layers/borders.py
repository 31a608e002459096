"""Land borders between countries."""

from __future__ import annotations

import geopandas as gpd

from geomap.layers.base import Layer

__all__ = ["borders_layer"]

# dark grey dash-dot, the usual sign of an international boundary (the EEZ edge is light purple dashes)
STYLE = {"color": "#4a4540", "weight": 1.5, "opacity": 0.9, "dashArray": "8 3 2 3"}


def borders_layer(bbox: tuple[float, float, float, float]) -> Layer:
    """Land borders intersecting ``bbox``; the tooltip names the two countries."""
    from geomap.geodata import ATTRIBUTION, load_layer

    gdf = load_layer("borders", bbox=bbox)
    a = gdf["country_a"].astype(str) if "country_a" in gdf.columns else ""
    b = gdf["country_b"].astype(str) if "country_b" in gdf.columns else ""
    tip = ("Border " + a + " – " + b) if len(gdf) else []
    out = gpd.GeoDataFrame({"_tip": tip}, geometry=gdf.geometry.values, crs=4326)
    return Layer(
        name="Land borders",
        gdf=out,
        style=dict(STYLE),
        tooltip="_tip",
        pane="lines",
        attribution=(ATTRIBUTION["osm"],),
    )
