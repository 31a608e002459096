"""Units and the Earth: every constant that converts distances and speeds, defined once.

Distances on the ellipsoid are pyproj ``Geod`` geodesics (:func:`geomap.zones.geodesic`);
where a sphere is accurate enough (implied vessel speeds, nearness of candidate places)
it is the mean-radius sphere below.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "EARTH_RADIUS_M",
    "EARTH_RADIUS_KM",
    "NM_M",
    "NM_KM",
    "KNOT_M_S",
    "haversine_m",
    "haversine_km",
]

#: mean radius of the WGS 84 ellipsoid, (2a + b) / 3, in metres
EARTH_RADIUS_M = 6_371_008.8
EARTH_RADIUS_KM = EARTH_RADIUS_M / 1000.0
#: the international nautical mile
NM_M = 1852.0
NM_KM = NM_M / 1000.0
#: one knot (a nautical mile per hour) in metres per second
KNOT_M_S = NM_M / 3600.0


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres on the mean-radius sphere (vectorised).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array-like
        Degrees; arrays broadcast.

    Returns
    -------
    numpy.ndarray
        Metres. Within 0.5 % of the WGS 84 geodesic: good for implied speeds and
        for ranking nearby candidates, not for reported distances.
    """
    la1, la2 = np.radians(lat1), np.radians(lat2)
    dlat = la2 - la1
    dlon = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dlat / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """:func:`haversine_m` in kilometres."""
    return haversine_m(lon1, lat1, lon2, lat2) / 1000.0
