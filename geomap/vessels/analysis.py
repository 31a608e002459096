"""One call from an AIS file to visits, events and a summary (the ``geomap vessels`` verb).

The default engine streams the file (:mod:`geomap.vessels.read`) and works on numpy
arrays in one process; ``engine="dask"`` runs the same functions on the
partitions of a dask-geopandas frame (:mod:`geomap.vessels.dask_engine`).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Mapping

import pandas as pd

from geomap.vessels.read import MAX_SPEED_KN, Positions, read_positions
from geomap.vessels.areas import Area, file_area, zone_area
from geomap.errors import InputError
from geomap.vessels.visits import DEFAULT_MAX_GAP_H, find_visits

__all__ = ["VesselAnalysis", "analyse", "resolve_area", "ENGINES"]

ENGINES = ("default", "dask")


@dataclasses.dataclass
class VesselAnalysis:
    """The result of :func:`analyse`.

    Attributes
    ----------
    visits : pandas.DataFrame
    events : pandas.DataFrame or None
    summary : dict
        Cleaning counts by reason, naive-time note, visit and event counts.
    rejects : pandas.DataFrame
    positions : Positions or None
        The clean positions (default engine only).
    area : Area
    """

    visits: pd.DataFrame
    events: pd.DataFrame | None
    summary: dict
    rejects: pd.DataFrame
    positions: Positions | None
    area: Area


def resolve_area(*, zone: str | None = None, area: str | os.PathLike | None = None) -> Area:
    """Return the :class:`Area` for ``--zone COUNTRY:zone`` or ``--area FILE`` (exactly one)."""
    if bool(zone) == bool(area):
        raise InputError("give exactly one of --zone COUNTRY:zone (e.g. CHN:territorial_sea) or --area FILE")
    return zone_area(zone) if zone else file_area(area)


def analyse(
    path: str | os.PathLike,
    *,
    area: Area,
    columns: Mapping[str, str] | None = None,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    max_speed_kn: float = MAX_SPEED_KN,
    events: bool = False,
    event_options: Mapping[str, float] | None = None,
    engine: str = "default",
    scheduler: str | None = None,
) -> VesselAnalysis:
    """Read an AIS file and find visits to ``area`` (and events).

    Parameters
    ----------
    path : str or PathLike
        CSV or Parquet file, or folder of Parquet files.
    area : Area
        From :func:`resolve_area`.
    columns : mapping, optional
        Column overrides.
    max_gap_h : float
        Reporting gap (hours) that splits a visit.
    max_speed_kn : float
        Implied speed above which a jump is impossible.
    events : bool
        Also find loitering and encounters.
    event_options : mapping, optional
        Keyword options of :func:`geomap.vessels.events.find_events`.
    engine : {"default", "dask"}
    scheduler : str, optional
        Dask scheduler address; a local cluster when None.

    Returns
    -------
    VesselAnalysis
    """
    if engine not in ENGINES:
        raise InputError(f"--engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if max_gap_h <= 0:
        raise InputError(f"--max-gap {max_gap_h}: must be a positive number of hours")
    if engine == "dask":
        from geomap.vessels.dask_engine import analyse_dask

        visits, ev, summary, rejects = analyse_dask(
            path, area=area, columns=columns, max_gap_h=max_gap_h, max_speed_kn=max_speed_kn,
            events=events, event_options=event_options, scheduler=scheduler,
        )
        pos = None
    else:
        pos = read_positions(path, columns=columns, mask=area, max_speed_kn=max_speed_kn)
        visits = find_visits(pos, area, zone_name=area.name, max_gap_h=max_gap_h)
        ev = None
        if events:
            from geomap.vessels.events import find_events

            ev = find_events(pos, area=area, max_gap_h=max_gap_h, **dict(event_options or {}))
        summary = pos.summary()
        rejects = pos.rejects
    summary = dict(summary)
    summary.update(
        {
            "zone": area.name,
            "max_gap_h": max_gap_h,
            "max_speed_kn": max_speed_kn,
            "visits": int(len(visits)),
            "split_visits": int(visits["split"].sum()) if len(visits) else 0,
            "units": {"duration_h": "hours", "avg_speed_kn": "knots", "min_distance_m": "metres (WGS84)", "times": "UTC"},
        }
    )
    if ev is not None:
        summary.update(
            {
                "events": int(len(ev)),
                "loitering": int((ev["event"] == "loitering").sum()),
                "encounters": int((ev["event"] == "encounter").sum()),
                "event_options": dict(event_options or {}),
            }
        )
    return VesselAnalysis(visits=visits, events=ev, summary=summary, rejects=rejects, positions=pos, area=area)
