"""Maritime zones: territorial sea, contiguous zone and EEZ, whichever are shipped."""

from __future__ import annotations

import geopandas as gpd

from geomap.layers.base import Layer

__all__ = ["maritime_layers", "ZONES"]

#: attribution of the derived outer zones (see geomap.zones.outer)
DERIVED = "contiguous zone and EEZ: approximate, derived by geomap"

#: data layer name -> (display name, style), bottom to top.
ZONES: dict[str, tuple[str, dict]] = {
    "eez": (
        "Exclusive economic zone (200 nm, approximate)",
        {"color": "#5d8fc2", "weight": 1, "opacity": 0.8, "dashArray": "2 4", "fillColor": "#9cc3e6", "fillOpacity": 0.12},
    ),
    "contiguous_zone": (
        "Contiguous zone (24 nm, approximate)",
        {"color": "#3f7fbf", "weight": 1, "opacity": 0.8, "dashArray": "5 4", "fillColor": "#6fa8dc", "fillOpacity": 0.15},
    ),
    "territorial_sea": (
        "Internal waters and territorial sea (12 nm)",
        {"color": "#1f5f9f", "weight": 1.2, "opacity": 0.9, "fillColor": "#3d85c6", "fillOpacity": 0.25},
    ),
}


def maritime_layers(bbox: tuple[float, float, float, float]) -> list[Layer]:
    """One layer per maritime zone present in the shipped data, intersecting ``bbox``.

    The list follows :data:`ZONES` (widest zone at the bottom); a zone whose data is not
    shipped is skipped, so new zones appear on maps as soon as the data has them.
    """
    from geomap.geodata import ATTRIBUTION, available_layers, load_layer

    present = set(available_layers())
    out = []
    for key, (title, style) in ZONES.items():
        if key not in present:
            continue
        gdf = load_layer(key, bbox=bbox)
        country = gdf["country"].astype(str) if "country" in gdf.columns else ""
        tip = (title + " of " + country) if len(gdf) else []
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
                attribution=(ATTRIBUTION["osm"], DERIVED) if key in ("eez", "contiguous_zone") else (ATTRIBUTION["osm"],),
            )
        )
    return out
