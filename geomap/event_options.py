"""The thresholds of the vessel event finders, each defined once (see :mod:`geomap.events` for their sources).

A module of its own, without numpy or pandas, so that the command line can show
the defaults without loading the analysis.
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
    """

    dark_hours: float = DARK_HOURS
    loiter_speed_kn: float = LOITER_SPEED_KN
    loiter_hours: float = LOITER_HOURS
    encounter_distance_m: float = ENCOUNTER_DISTANCE_M
    encounter_speed_kn: float = ENCOUNTER_SPEED_KN
    encounter_hours: float = ENCOUNTER_HOURS
    step_min: float = STEP_MIN

    def as_dict(self) -> dict[str, float]:
        """The options as a plain dict (for the summary)."""
        return dataclasses.asdict(self)
