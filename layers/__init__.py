"""Map layers: one module per kind, each building a :class:`~geomap.layers.base.Layer`.

- :mod:`geomap.layers.places` — geocoded places as markers with their evidence;
- :mod:`geomap.layers.points` — points given by coordinates;
- :mod:`geomap.layers.land` — the offline land-and-sea base map;
- :mod:`geomap.layers.borders` — land borders;
- :mod:`geomap.layers.maritime` — territorial sea, contiguous zone, EEZ (whatever is shipped);
- :mod:`geomap.layers.userfile` — a user's features (read by :func:`geomap.tables.read_features`).
- :mod:`geomap.layers.vessels` — tracks, visits and events from AIS analysis results.
"""

from geomap.layers.base import Layer, Style
from geomap.layers.vessels import vessel_layers

__all__ = ["Layer", "Style", "vessel_layers"]
