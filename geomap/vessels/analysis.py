"""One call from an AIS file to visits, events and a summary (the ``geomap vessels`` verb).

The default engine streams the file (:mod:`geomap.vessels.read`) and works on numpy
arrays in one process; ``engine="dask"`` runs the same functions in dask
workers, each reading its own part of the file (:mod:`geomap.vessels.dask_engine`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geomap.defaults import EventOptions
from geomap.errors import InputError
from geomap.vessels.areas import Area, file_area, zone_area
from geomap.vessels.events import EVENT_KINDS, find_events
from geomap.vessels.identity import vessel_table
from geomap.vessels.read import MAX_SPEED_KN, Positions, read_positions
from geomap.vessels.visits import DEFAULT_MAX_GAP_H, empty_visits, find_visits, track_pieces

__all__ = ["ENGINES", "VesselAnalysis", "analyse", "resolve_area"]

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
    vessels : pandas.DataFrame or None
        One row per vessel with its names, flag and MMSI validity
        (:func:`geomap.vessels.identity.vessel_table`), with ``events``.
    pieces : ndarray or None
        :func:`geomap.vessels.visits.track_pieces` of ``positions``, computed
        once per analysis (default engine only).
    area : Area or None
    """

    visits: pd.DataFrame
    events: pd.DataFrame | None
    summary: dict
    rejects: pd.DataFrame
    positions: Positions | None
    area: Area | None
    vessels: pd.DataFrame | None = None
    pieces: np.ndarray | None = None


def resolve_area(*, zone: str | None = None, area: str | os.PathLike | None = None) -> Area | None:
    """Return the :class:`Area` for ``--zone COUNTRY:zone`` or ``--area FILE``, or None for neither."""
    if zone and area:
        raise InputError(
            "give a zone (COUNTRY:zone, e.g. CHN:territorial_sea) or an area file, not both", option="zone"
        )
    if not zone and not area:
        return None
    if zone:
        return zone_area(zone)
    assert area is not None
    return file_area(area)


def analyse(
    path: str | os.PathLike,
    *,
    area: Area | None,
    columns: Mapping[str, str] | None = None,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    max_speed_kn: float = MAX_SPEED_KN,
    events: bool = False,
    event_options: EventOptions | None = None,
    engine: str = "default",
    scheduler: str | None = None,
    workers: int | None = None,
    progress=None,
) -> VesselAnalysis:
    """Read an AIS file and find visits to ``area`` (and events).

    Parameters
    ----------
    path : str or PathLike
        CSV or Parquet file, or folder of Parquet files.
    area : Area or None
        From :func:`resolve_area`; without one there are no visits (events only).
    columns : mapping, optional
        Column overrides.
    max_gap_h : float
        Reporting gap (hours) that splits a visit.
    max_speed_kn : float
        Implied speed above which a jump is impossible.
    events : bool
        Also find going-dark, loitering and encounter events.
    event_options : EventOptions, optional
        Thresholds of :func:`geomap.vessels.events.find_events`.
    engine : {"default", "dask"}
    scheduler : str, optional
        Address of a dask.distributed scheduler; threads of this process when None.
    workers : int, optional
        Worker threads without ``scheduler`` (one per core when None).
    progress : callable, optional
        ``progress(rows_read)`` while the default engine reads the file.

    Returns
    -------
    VesselAnalysis
    """
    if engine not in ENGINES:
        raise InputError(f"engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if max_gap_h <= 0:
        raise InputError(f"max_gap_h {max_gap_h}: must be a positive number of hours")
    if area is None and not events:
        raise InputError(
            "give a zone (COUNTRY:zone, e.g. CHN:territorial_sea), an area file, or ask for events", option="zone"
        )
    options = event_options or EventOptions()
    if engine == "dask":
        from geomap.vessels.dask_engine import analyse_dask

        visits, ev, summary, rejects, vessels = analyse_dask(
            path,
            area=area,
            columns=columns,
            max_gap_h=max_gap_h,
            max_speed_kn=max_speed_kn,
            events=events,
            event_options=options,
            scheduler=scheduler,
            workers=workers,
        )
        pos = pieces = None
    else:
        pos = read_positions(path, columns=columns, mask=area, max_speed_kn=max_speed_kn, progress=progress)
        pieces = track_pieces(pos, max_gap_h=max_gap_h)
        visits = find_visits(pos, area, zone_name=area.name, pieces=pieces) if area is not None else empty_visits()
        ev = find_events(pos, area=area, options=options, pieces=pieces, max_speed_kn=max_speed_kn) if events else None
        vessels = vessel_table(pos) if events else None
        summary = pos.summary()
        rejects = pos.rejects
    return VesselAnalysis(
        visits=visits,
        events=ev,
        summary=_summary(summary, visits, ev, area, max_gap_h, max_speed_kn, options),
        rejects=rejects,
        positions=pos,
        area=area,
        vessels=vessels,
        pieces=pieces,
    )


def _summary(
    summary: dict,
    visits: pd.DataFrame,
    ev: pd.DataFrame | None,
    area: Area | None,
    max_gap_h: float,
    max_speed_kn: float,
    options: EventOptions,
) -> dict:
    """The cleaning summary with the analysis's settings and counts."""
    out = dict(summary)
    out.update(
        {
            "zone": area.name if area is not None else None,
            "max_gap_h": max_gap_h,
            "max_speed_kn": max_speed_kn,
            "visits": len(visits),
            "split_visits": int(visits["split"].sum()) if len(visits) else 0,
            "units": {
                "duration_h": "hours",
                "avg_speed_kn": "knots",
                "implied_speed_kn": "knots",
                "min_distance_m": "metres (WGS84)",
                "distance_m": "metres (WGS84)",
                "shore_nm": "nautical miles",
                "times": "UTC",
            },
        }
    )
    if ev is not None:
        counts = ev["event"].value_counts()
        out.update(
            {
                "events": len(ev),
                "event_counts": {k: int(counts.get(k, 0)) for k in EVENT_KINDS},
                "loitering": int(counts.get("loitering", 0)),
                "encounters": int(counts.get("encounter", 0)),
                "going_dark": int(counts.get("going_dark", 0)),
                "port_calls": int(counts.get("port_call", 0)),
                "event_options": options.as_dict(),
            }
        )
    return out
