"""The offline base map: land drawn over a sea-coloured background."""

from __future__ import annotations

from geomap.layers.base import Layer

__all__ = ["land_layer", "SEA_COLOUR"]

SEA_COLOUR = "#d5e6f3"
STYLE = {"color": "#b9b09f", "weight": 0.6, "fillColor": "#f3efe6", "fillOpacity": 1.0}
SMALL_SCALE_ZOOM = 4.0


def land_layer(bbox: tuple[float, float, float, float], *, zoom: float) -> Layer:
    """Land polygons intersecting ``bbox``.

    Parameters
    ----------
    bbox : tuple of float
        ``(minlon, minlat, maxlon, maxlat)``.
    zoom : float
        The map's zoom. Below :data:`SMALL_SCALE_ZOOM` (continents in view) the
        Natural Earth 1:50m countries are drawn instead of the detailed land.
    """
    from geomap.geodata import ATTRIBUTION, load_layer

    if zoom < SMALL_SCALE_ZOOM:
        gdf = load_layer("ne_countries", bbox=bbox)
        attribution = (ATTRIBUTION["naturalearth"],)
    else:
        gdf = load_layer("land", bbox=bbox)
        attribution = (ATTRIBUTION["osm"],)
    return Layer(name="Land", gdf=gdf, style=dict(STYLE), pane="base", attribution=attribution)
