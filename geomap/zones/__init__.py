"""Which country's land or water a point is in, and how far it is from coast and border.

- :mod:`geomap.zones.grid` answers land, inland water and territorial sea from the cell index;
- :mod:`geomap.zones.outer` answers the (approximate) contiguous zone, EEZ and high seas;
- :mod:`geomap.zones.distance` measures geodesic distances to points, coasts and borders;
- :mod:`geomap.zones.table` adds zone columns to point tables and filters them by zone.
"""

from geomap.zones.distance import distance_to_layer, geodesic
from geomap.zones.grid import (
    APPROXIMATE_NOTE,
    ZONES,
    check_coordinates,
    classify,
    classify_arrays,
    parse_zone_type,
    zone_mask,
)
from geomap.zones.table import APPROXIMATE_ZONES, quick_table, zone_filter, zone_table

__all__ = [
    "APPROXIMATE_NOTE",
    "APPROXIMATE_ZONES",
    "ZONES",
    "check_coordinates",
    "classify",
    "classify_arrays",
    "distance_to_layer",
    "geodesic",
    "parse_zone_type",
    "quick_table",
    "zone_filter",
    "zone_mask",
    "zone_table",
]
