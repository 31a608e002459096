"""Maritime zones: territorial sea, contiguous zone and EEZ, whichever are shipped."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from geomap.layers.base import Layer

__all__ = ["maritime_layers", "highlight_layer", "ZONES", "HIGHLIGHT_STYLE"]

#: attribution of the derived outer zones (see geomap.zones.outer)
DERIVED = "contiguous zone and EEZ: approximate, derived by geomap"

#: data layer name -> (display name, style), bottom to top.
ZONES: dict[str, tuple[str, dict]] = {
    "eez": (
        "Exclusive economic zone (200 nm, approximate)",
        {
            "color": "#7f70b8",
            "weight": 1,
            "opacity": 0.8,
            "dashArray": "7 5",
            "fillColor": "#b9add6",
            "fillOpacity": 0.12,
        },
    ),
    "contiguous_zone": (
        "Contiguous zone (24 nm, approximate)",
        {
            "color": "#2e8b74",
            "weight": 1,
            "opacity": 0.9,
            "dashArray": "3 3",
            "fillColor": "#6cc3a8",
            "fillOpacity": 0.45,
        },
    ),
    "territorial_sea": (
        "Internal waters and territorial sea (12 nm)",
        {"color": "#1c4f8c", "weight": 1.2, "opacity": 0.95, "fillColor": "#2f6db5", "fillOpacity": 0.42},
    ),
}
#: The zone put forward with ``--highlight``.
HIGHLIGHT_STYLE = {"color": "#c0392b", "weight": 2.5, "opacity": 1.0, "fillColor": "#f39c12", "fillOpacity": 0.5}
#: Zone names accepted by :func:`highlight_layer` → the shipped layer that draws them.
_HIGHLIGHT_ZONES = {
    "internal_waters": "territorial_sea",
    "territorial_sea": "territorial_sea",
    "contiguous_zone": "contiguous_zone",
    "eez": "eez",
}


def maritime_layers(bbox: tuple[float, float, float, float], *, smooth: float | None = None) -> list[Layer]:
    """One layer per maritime zone present in the shipped data, intersecting ``bbox``.

    The list follows :data:`ZONES` (widest zone at the bottom); a zone whose data is not
    shipped is skipped, so new zones appear on maps as soon as the data has them.

    Parameters
    ----------
    bbox : tuple of float
        ``(minlon, minlat, maxlon, maxlat)`` of the map's data area.
    smooth : float, optional
        Simplification tolerance (degrees): derive the contiguous zone and EEZ of a
        regional view from the baseline with exact 24 nm, 200 nm and median lines
        (:func:`geomap.render.zonelines.outer_zone_areas`) instead of the shipped
        grid-cell outlines. Slower (5-20 s on a regional view); for print.
    """
    from geomap.geodata import ATTRIBUTION, available_layers, load_layer

    present = set(available_layers())
    derived = None
    if smooth is not None:
        from geomap.render.zonelines import outer_zone_areas

        derived = outer_zone_areas(bbox, tolerance=smooth)
    out = []
    for key, (title, style) in ZONES.items():
        if key not in present:
            continue
        gdf = derived[key] if derived is not None and key in derived else load_layer(key, bbox=bbox)
        country = gdf["country"].astype(str) if "country" in gdf.columns else ""
        tip: Any = (title + " of " + country) if len(gdf) else []  # a Series, a str or an empty list
        if len(gdf) and "overlap_with" in gdf.columns:  # contested water: both claims stay visible
            other = gdf["overlap_with"].astype(str)
            tip = tip.where(other == "", tip + "; also within 200 nm of " + other)
        table = gpd.GeoDataFrame({"_tip": tip}, geometry=gdf.geometry.values, crs=4326)
        out.append(
            Layer(
                name=title,
                gdf=table,
                style=dict(style),
                tooltip="_tip",
                pane="zones",
                attribution=(ATTRIBUTION["osm"], DERIVED)
                if key in ("eez", "contiguous_zone")
                else (ATTRIBUTION["osm"],),
            )
        )
    return out


def highlight_layer(spec: str) -> Layer:
    """One country's zone drawn forward, from ``COUNTRY:ZONE`` (e.g. ``CHN:territorial_sea``).

    Raises
    ------
    InputError
        If ``spec`` is not ``COUNTRY:ZONE`` with a zone the map draws, or the country has
        no such zone in the shipped data.
    """
    from geomap.errors import InputError
    from geomap.geodata import ATTRIBUTION, available_layers, load_layer

    country, sep, zone = (spec or "").partition(":")
    country, zone = country.strip().upper(), zone.strip().lower()
    if not sep or zone not in _HIGHLIGHT_ZONES or not (len(country) == 3 and country.isalpha()):
        raise InputError(
            f"highlight {spec!r}: expected COUNTRY:ZONE with a three-letter ISO code and a zone of "
            f"{', '.join(_HIGHLIGHT_ZONES)}, e.g. CHN:territorial_sea"
        )
    key = _HIGHLIGHT_ZONES[zone]
    gdf = load_layer(key) if key in available_layers() else None
    rows = gdf[gdf["country"].astype(str) == country] if gdf is not None else None
    if rows is None or rows.empty:
        raise InputError(
            f"highlight {spec!r}: geomap's data has no {zone.replace('_', ' ')} of {country}; "
            "check the ISO alpha-3 code (e.g. CHN, PRK, KOR)"
        )
    title = f"{ZONES[key][0]} of {country}"
    table = gpd.GeoDataFrame({"_tip": [title] * len(rows)}, geometry=rows.geometry.values, crs=4326)
    return Layer(
        name=title,
        gdf=table,
        style=dict(HIGHLIGHT_STYLE),
        tooltip="_tip",
        pane="lines",
        attribution=(ATTRIBUTION["osm"],),
    )
