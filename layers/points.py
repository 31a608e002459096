"""Points given by coordinates (``--point LAT,LON[,LABEL]``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import shapely

from geomap.errors import InputError
from geomap.layers.base import Layer
from geomap.layers.places import format_coords
from geomap.zones import zone_labels

__all__ = ["parse_point", "points_layer"]

STYLE = {"radius": 6, "color": "#1b4f72", "weight": 2, "fillColor": "#f4d03f", "fillOpacity": 0.95}


def parse_point(spec: str | Sequence) -> tuple[float, float, str]:
    """Parse ``"LAT,LON[,LABEL]"`` (or a ``(lat, lon[, label])`` tuple).

    Raises
    ------
    InputError
        If the latitude or longitude is not a number or out of range.
    """
    if isinstance(spec, str):
        parts = spec.split(",", 2)
    else:
        parts = list(spec)
    if len(parts) < 2:
        raise InputError(f"point {spec!r}: expected LAT,LON[,LABEL], e.g. 26.68,119.72,Sansha Bay")
    try:
        lat, lon = float(str(parts[0]).strip()), float(str(parts[1]).strip())
    except ValueError:
        raise InputError(f"point {spec!r}: latitude and longitude must be numbers, e.g. 26.68,119.72") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"point {spec!r}: latitude must be within ±90 and longitude within ±180 (LAT comes first)")
    label = str(parts[2]).strip() if len(parts) > 2 else ""
    return lat, lon, label


def points_layer(points: Iterable[str | Sequence], *, name: str = "Points") -> Layer:
    """Build a layer of labelled points; popups give the coordinates and the zone.

    Parameters
    ----------
    points : iterable of str or tuple
        ``"LAT,LON[,LABEL]"`` strings or ``(lat, lon[, label])`` tuples.
    name : str
        Layer name.
    """
    parsed = [parse_point(p) for p in points]
    lat = [p[0] for p in parsed]
    lon = [p[1] for p in parsed]
    labels = [p[2] or format_coords(p[0], p[1]) for p in parsed]
    gdf = gpd.GeoDataFrame(
        {
            "_label": labels,
            "_map_label": [p[2] for p in parsed],
            "_coords": [format_coords(a, o) for a, o in zip(lat, lon)],
            "_zone": zone_labels(lon, lat, words=True) if parsed else [],
        },
        geometry=shapely.points(lon, lat) if parsed else [],
        crs=4326,
    )
    return Layer(
        name=name,
        gdf=gdf,
        style=dict(STYLE),
        tooltip="_label",
        popup_title="_label",
        popup=(("Coordinates", "_coords"), ("Zone", "_zone")),
        pane="places",
        label="_map_label",
    )
