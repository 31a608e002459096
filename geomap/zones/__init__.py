"""Which country's land or water a point is in, and how far it is from coast and border.

- :mod:`geomap.zones.grid` answers land, inland water and territorial sea from the cell index;
- :mod:`geomap.zones.outer` answers the (approximate) contiguous zone, EEZ and high seas;
- :mod:`geomap.zones.internal` answers internal waters (historic waters, straight baselines, bays)
  and the territorial sea measured from those lines, each with its legal basis;
- :mod:`geomap.zones.distance` measures geodesic distances to points, coasts and borders;
- :mod:`geomap.zones.spec` parses zone specifications (``CHN:eez``), for filters and areas alike;
- :mod:`geomap.zones.table` adds zone columns to point tables, filters them and labels answers;
- :mod:`geomap.zones.facts` checks spatial claims (``geomap check``, :func:`geomap.testing.assert_zone`).
"""

from geomap.zones.distance import distance_to_layer, geodesic
from geomap.zones.facts import check_facts, format_verdicts, read_facts
from geomap.zones.grid import (
    APPROXIMATE_NOTE,
    ZONES,
    check_coordinates,
    check_separated,
    classify,
    classify_arrays,
    countries,
    zone_basis,
    zone_mask,
)
from geomap.zones.spec import ZoneSpec, parse_zone
from geomap.zones.table import APPROXIMATE_ZONES, quick_table, zone_labels, zone_table

__all__ = [
    "APPROXIMATE_NOTE",
    "APPROXIMATE_ZONES",
    "ZONES",
    "ZoneSpec",
    "check_coordinates",
    "check_facts",
    "check_separated",
    "classify",
    "classify_arrays",
    "countries",
    "distance_to_layer",
    "format_verdicts",
    "geodesic",
    "parse_zone",
    "quick_table",
    "read_facts",
    "zone_basis",
    "zone_labels",
    "zone_mask",
    "zone_table",
]
