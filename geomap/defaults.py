"""Default values, each defined once: the thresholds of the vessel event finders.

Their sources are given in :mod:`geomap.vessels.events`. A module of the shared
base, without numpy or pandas, so that the command line can show the defaults
without loading the analysis.
"""

from __future__ import annotations

import dataclasses

__all__ = ["EventOptions"]

#: going dark: Global Fishing Watch's published AIS gap events are 12 h or longer
DARK_HOURS = 12.0
#: loitering and encounters: Global Fishing Watch's published defaults
LOITER_SPEED_KN = 2.0
LOITER_HOURS = 2.0
ENCOUNTER_DISTANCE_M = 500.0
ENCOUNTER_SPEED_KN = 2.0
ENCOUNTER_HOURS = 2.0
#: encounter time grid (minutes)
STEP_MIN = 10.0
#: stops (port calls and anchorage stops): Global Fishing Watch's port visits begin when a
#: vessel near an anchorage slows under 0.2 kn, end when it passes 0.5 kn, and last 3 h or more;
#: geomap's stop is a run of segments under 0.5 kn lasting 3 h or more
STOP_SPEED_KN = 0.5
STOP_HOURS = 3.0
#: a stop within this distance of a port's centre point is a port call (GFW: 3 km of one of
#: its many anchorage points; the shipped ports have one point each, so the radius is wider)
PORT_RADIUS_KM = 5.0
#: an encounter outside every port and at least this far from the coast (the breadth of the
#: territorial sea) is a ship-to-ship transfer candidate
STS_SHORE_NM = 12.0


@dataclasses.dataclass(frozen=True)
class EventOptions:
    """Thresholds of the event finders.

    Attributes
    ----------
    dark_hours : float
        Going dark: silent for at least (hours).
    loiter_speed_kn, loiter_hours : float
        Loitering: under (knots) for at least (hours).
    encounter_distance_m, encounter_speed_kn, encounter_hours : float
        Encounter: within (metres), both under (knots), for at least (hours).
    step_min : float
        Encounter time grid (minutes).
    stop_speed_kn, stop_hours : float
        Stop (port call or anchorage): under (knots) for at least (hours).
    port_radius_km : float
        A stop this close to a port is a port call.
    sts_shore_nm : float
        An encounter outside ports and this far from the coast is a
        ship-to-ship transfer candidate.
    """

    dark_hours: float = DARK_HOURS
    loiter_speed_kn: float = LOITER_SPEED_KN
    loiter_hours: float = LOITER_HOURS
    encounter_distance_m: float = ENCOUNTER_DISTANCE_M
    encounter_speed_kn: float = ENCOUNTER_SPEED_KN
    encounter_hours: float = ENCOUNTER_HOURS
    step_min: float = STEP_MIN
    stop_speed_kn: float = STOP_SPEED_KN
    stop_hours: float = STOP_HOURS
    port_radius_km: float = PORT_RADIUS_KM
    sts_shore_nm: float = STS_SHORE_NM

    def as_dict(self) -> dict[str, float]:
        """The options as a plain dict (for the summary)."""
        return dataclasses.asdict(self)
