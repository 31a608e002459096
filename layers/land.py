"""The offline base map: land drawn over a sea-coloured background."""

from __future__ import annotations

from geomap.layers.base import Layer

__all__ = ["land_layer", "world_land_layer", "SEA_COLOUR"]

SEA_COLOUR = "#d5e6f3"
STYLE = {"color": "#b9b09f", "weight": 0.6, "fillColor": "#f3efe6", "fillOpacity": 1.0}
#: the world's land has no outline: its pieces meet the detailed land at straight cuts
WORLD_STYLE = {"stroke": False, "fillColor": STYLE["fillColor"], "fillOpacity": 1.0}
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
    return Layer(
        name="Land", gdf=gdf, style=dict(STYLE), pane="base", attribution=attribution, legend="", control=False
    )


def world_land_layer(*, exclude: tuple[float, float, float, float] | None = None) -> Layer:
    """The world's land at a small scale (Natural Earth 1:50m countries), for every zoom
    a reader can reach outside the detailed area.

    Parameters
    ----------
    exclude : tuple of float, optional
        ``(minlon, minlat, maxlon, maxlat)`` cut out of it: the area the detailed land
        covers, where the coarser coastline would show through.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    from geomap.geodata import ATTRIBUTION, load_layer

    geoms = load_layer("ne_countries").geometry.values
    if exclude is not None:  # bands round the detailed area (clipping is fast, differences are not)
        geoms = np.concatenate([shapely.clip_by_rect(geoms, *b) for b in _bands(exclude)])
    out = gpd.GeoDataFrame(geometry=geoms, crs=4326)
    out = out[~out.geometry.is_empty]
    return Layer(
        name="Land (world)",
        gdf=out,
        style=dict(WORLD_STYLE),
        pane="base",
        attribution=(ATTRIBUTION["naturalearth"],),
        legend="",
        control=False,
    )


def _bands(box: tuple[float, float, float, float]) -> list[tuple[float, float, float, float]]:
    """Rectangles covering the world (-180..180) outside ``box``; a box reaching past ±180°
    (a view across the meridian) is cut on both sides of it."""
    x0, y0, x1, y1 = box
    if x1 > 180.0 or x0 < -180.0:
        turn = 360.0 if x1 > 180.0 else -360.0
        east, west = (max(x0, -180.0), min(x1, 180.0)), (max(x0 - turn, -180.0), min(x1 - turn, 180.0))
        spans = sorted([east, west])
        gap = [(spans[0][1], -90.0, spans[1][0], 90.0)]
        around = [(a, -90.0, b, y0) for a, b in spans] + [(a, y1, b, 90.0) for a, b in spans]
        bands = gap + around + [(-180.0, -90.0, spans[0][0], 90.0), (spans[1][1], -90.0, 180.0, 90.0)]
    else:
        bands = [(-180.0, -90.0, x0, 90.0), (x1, -90.0, 180.0, 90.0), (x0, -90.0, x1, y0), (x0, y1, x1, 90.0)]
    return [b for b in bands if b[0] < b[2] and b[1] < b[3]]
