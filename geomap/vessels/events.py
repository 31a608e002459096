"""Vessel events: going dark, loitering and encounters, with published default thresholds.

Going dark
    a vessel silent for at least ``dark_hours`` (12 h): the event runs from
    the last fix before the silence to the first fix after it, with both
    positions, the distance between them (WGS84) and the speed it implies,
    the zone at each end and whether the silence began inside the area. 12 h
    is the shortest gap of Global Fishing Watch's published AIS gap events
    (GFW technical documentation, "Gaps": published gap events are 12 hours
    or longer; its candidate table starts at 6 hours, geomap's default
    ``max_gap`` that splits visits). GFW also counts a gap as suspected
    intentional disabling only more than 50 nm from shore; geomap reports
    every gap and gives its distance from the coast (``shore_nm``) instead.
Loitering
    one vessel whose speed stays under ``loiter_speed_kn`` (2 kn) for at least
    ``loiter_hours`` (2 h). The speed of a fix-to-fix segment is the mean of the
    two reported speeds over ground, or the speed implied by the two positions
    when either is missing. An event is a maximal run of slow segments with no
    reporting gap longer than ``max_gap_h``; its average speed is the
    time-weighted mean of its segments.
Encounter
    two vessels within ``encounter_distance_m`` (500 m) of each other, both
    under ``encounter_speed_kn`` (2 kn), for at least ``encounter_hours`` (2 h),
    reported once per pair. Each vessel's slow segments are sampled on a
    common time grid (``step_min``, 10 min) by linear interpolation; close
    pairs at each grid time are found with a k-d tree on Earth-centred
    coordinates and checked on the WGS84 ellipsoid; runs of consecutive close
    grid times form the events.

The loitering and encounter thresholds are Global Fishing Watch's published
defaults. All work is vectorised over fixes and grid samples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.defaults import (
    DARK_HOURS,
    ENCOUNTER_DISTANCE_M,
    ENCOUNTER_HOURS,
    ENCOUNTER_SPEED_KN,
    LOITER_HOURS,
    LOITER_SPEED_KN,
    PORT_RADIUS_KM,
    STEP_MIN,
    STOP_HOURS,
    STOP_SPEED_KN,
    EventOptions,
)
from geomap.units import EARTH_RADIUS_M, KNOT_M_S, NM_M, haversine_m
from geomap.vessels.read import Positions
from geomap.vessels.visits import DEFAULT_MAX_GAP_H, track_pieces

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "EventOptions",
    "combine_events",
    "encounter_samples",
    "encounters",
    "encounters_from_samples",
    "find_events",
    "going_dark",
    "loitering",
    "stops",
    "vessel_events",
]

#: event kinds, in the order they are counted
EVENT_KINDS = ("going_dark", "loitering", "encounter", "port_call", "anchorage", "name_change", "identity_conflict")

EVENT_COLUMNS = [
    "event",
    "mmsi",
    "name",
    "other_mmsi",
    "other_name",
    "start_time",
    "end_time",
    "duration_h",
    "lon",
    "lat",
    "zone",
    "in_area",
    "avg_speed_kn",
    "min_distance_m",
    "positions",
    "end_lon",
    "end_lat",
    "end_zone",
    "distance_m",
    "implied_speed_kn",
    "shore_nm",
    "flag",
    "other_flag",
    "port",
    "sts_candidate",
    "previous_name",
]


def find_events(
    pos: Positions,
    *,
    area=None,
    options: EventOptions | None = None,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    max_speed_kn: float | None = None,
    pieces: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every kind of event (:data:`EVENT_KINDS`) in one frame (:data:`EVENT_COLUMNS`).

    Parameters
    ----------
    pos : Positions
    area : Area, optional
        ``in_area`` says whether each event (a going-dark event: its start)
        is inside it; None without an area.
    options : EventOptions, optional
    max_gap_h : float
        Reporting gap (hours) that ends a loitering run or a vessel's samples.
    max_speed_kn : float, optional
        Implied speed of an impossible jump, for identity conflicts (the
        reader's default when None).
    pieces : ndarray, optional
        :func:`geomap.vessels.visits.track_pieces` of ``pos`` (computed when None).

    ``zone`` is the zone engine's ``COUNTRY:zone`` at the event's position.
    """
    opt = options or EventOptions()
    if pieces is None:
        pieces = track_pieces(pos, max_gap_h=max_gap_h)
    samples = encounter_samples(pos, speed_kn=opt.encounter_speed_kn, step_min=opt.step_min, pieces=pieces)
    return combine_events(
        [
            *vessel_events(pos, options=opt, pieces=pieces, max_speed_kn=max_speed_kn),
            encounters_from_samples(
                samples,
                pos.vessel_names(),
                distance_m=opt.encounter_distance_m,
                min_hours=opt.encounter_hours,
                step_min=opt.step_min,
            ),
        ],
        area=area,
        options=opt,
    )


def vessel_events(
    pos: Positions, *, options: EventOptions, pieces: np.ndarray, max_speed_kn: float | None = None
) -> list[pd.DataFrame]:
    """The events that need one vessel's fixes only: going dark, loitering, stops, name changes, identity conflicts."""
    from geomap.vessels.identity import identity_conflicts, name_changes
    from geomap.vessels.read import MAX_SPEED_KN

    return [
        going_dark(pos, min_hours=options.dark_hours),
        loitering(pos, speed_kn=options.loiter_speed_kn, min_hours=options.loiter_hours, pieces=pieces),
        stops(
            pos,
            speed_kn=options.stop_speed_kn,
            min_hours=options.stop_hours,
            port_radius_km=options.port_radius_km,
            pieces=pieces,
        ),
        name_changes(pos),
        identity_conflicts(pos, max_speed_kn=max_speed_kn or MAX_SPEED_KN, extra=pos.rejects),
    ]


def combine_events(frames: list[pd.DataFrame], *, area=None, options: EventOptions | None = None) -> pd.DataFrame:
    """Concatenate event frames, sort them, and add zones, ``in_area``, distance from shore, flags and transfer candidates."""
    from geomap.vessels.identity import flag_states
    from geomap.zones import zone_labels

    opt = options or EventOptions()
    frames = [f for f in frames if len(f)]
    ev = pd.concat([f.reindex(columns=EVENT_COLUMNS) for f in frames], ignore_index=True) if frames else _empty()
    ev = ev.sort_values(["start_time", "event", "mmsi", "other_mmsi"], kind="stable", ignore_index=True)
    lon, lat = ev["lon"].to_numpy(np.float64), ev["lat"].to_numpy(np.float64)
    ev["zone"] = zone_labels(lon, lat)
    ends = ev["end_lon"].notna().to_numpy()
    end_zone = np.full(len(ev), None, dtype=object)
    if ends.any():
        end_zone[ends] = zone_labels(ev["end_lon"].to_numpy(np.float64)[ends], ev["end_lat"].to_numpy(np.float64)[ends])
    ev["end_zone"] = end_zone
    ev["shore_nm"] = _shore_nm(lon, lat)
    ev["in_area"] = area(lon, lat) if area is not None and len(ev) else None
    ev["flag"] = flag_states(ev["mmsi"].to_numpy(np.int64))[0] if len(ev) else []
    other = ev["other_mmsi"].notna().to_numpy()
    other_flag = np.full(len(ev), None, dtype=object)
    if other.any():
        other_flag[other] = flag_states(ev["other_mmsi"].to_numpy()[other].astype(np.int64))[0]
    ev["other_flag"] = other_flag
    meet = (ev["event"] == "encounter").to_numpy()
    sts = np.full(len(ev), None, dtype=object)
    if meet.any():
        from geomap.vessels.ports import nearest_ports

        port, _ = nearest_ports(lon[meet], lat[meet], radius_km=opt.port_radius_km)
        sts[meet] = (port < 0) & (ev["shore_nm"].to_numpy(np.float64)[meet] >= opt.sts_shore_nm)
    ev["sts_candidate"] = sts
    return _typed(ev[EVENT_COLUMNS])


def _shore_nm(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Distance (nm) from each point to the nearest coastline; NaN without coastline data."""
    if lon.size == 0:
        return np.zeros(0)
    from geomap.units import NM_KM
    from geomap.zones import distance_to_layer

    try:
        return distance_to_layer(lon, lat, layer="coastline") / NM_KM
    except (OSError, KeyError, ValueError):
        return np.full(lon.shape, np.nan)


def going_dark(pos: Positions, *, min_hours: float = DARK_HOURS) -> pd.DataFrame:
    """Going-dark events: a vessel silent for at least ``min_hours`` between two of its fixes.

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS` with ``event == "going_dark"``: ``lon``/``lat`` and
        ``start_time`` where the vessel went silent, ``end_lon``/``end_lat`` and
        ``end_time`` where it reappeared, ``distance_m`` between the two (WGS84)
        and ``implied_speed_kn``.
    """
    n = len(pos)
    if n < 2:
        return _empty()
    dt = np.diff(pos.t)
    i = np.flatnonzero((pos.mmsi[1:] == pos.mmsi[:-1]) & (dt >= min_hours * 3600e9))
    if i.size == 0:
        return _empty()
    from pyproj import Geod

    j = i + 1
    _, _, dist = Geod(ellps="WGS84").inv(pos.lon[i], pos.lat[i], pos.lon[j], pos.lat[j])
    hours = dt[i] / 3600e9
    names = pos.vessel_names()
    mmsi = pos.mmsi[i]
    return pd.DataFrame(
        {
            "event": "going_dark",
            "mmsi": mmsi,
            "name": np.array([names.get(int(m), "") for m in mmsi], dtype=object),
            "start_time": pd.to_datetime(pos.t[i], unit="ns", utc=True),
            "end_time": pd.to_datetime(pos.t[j], unit="ns", utc=True),
            "duration_h": hours,
            "lon": pos.lon[i],
            "lat": pos.lat[i],
            "positions": 2,
            "end_lon": pos.lon[j],
            "end_lat": pos.lat[j],
            "distance_m": dist,
            "implied_speed_kn": dist / NM_M / hours,
        }
    )


def stops(
    pos: Positions,
    *,
    speed_kn: float = STOP_SPEED_KN,
    min_hours: float = STOP_HOURS,
    port_radius_km: float = PORT_RADIUS_KM,
    pieces: np.ndarray | None = None,
) -> pd.DataFrame:
    """Stops: port calls (within ``port_radius_km`` of a port) and anchorage stops (outside every port).

    A stop is a run of segments under ``speed_kn`` lasting at least
    ``min_hours``, within one track piece; its position is the mean of its fixes.

    Returns
    -------
    pandas.DataFrame
        Event columns with ``event`` ``"port_call"`` (``port`` names the port:
        ``LOCODE Name``) or ``"anchorage"``.
    """
    runs = _slow_runs(pos, speed_kn=speed_kn, min_hours=min_hours, pieces=pieces)
    if runs is None:
        return _empty()
    ev = _run_events(pos, *runs, kind="stop")
    from geomap.vessels.ports import load_ports, nearest_ports

    idx, _ = nearest_ports(ev["lon"].to_numpy(), ev["lat"].to_numpy(), radius_km=port_radius_km)
    ports = load_ports()
    found = idx >= 0
    ev["event"] = np.where(found, "port_call", "anchorage")
    ev["port"] = [f"{ports.locode[i]} {ports.name[i]}" if i >= 0 else None for i in idx]
    return ev


def segment_speeds_kn(pos: Positions) -> np.ndarray:
    """Speed (knots) of each segment from fix i to fix i+1 (NaN at a vessel's last fix)."""
    n = len(pos)
    out = np.full(n, np.nan)
    if n < 2:
        return out
    same = pos.mmsi[1:] == pos.mmsi[:-1]
    dt = np.maximum((pos.t[1:] - pos.t[:-1]) / 1e9, 1.0)
    implied = haversine_m(pos.lon[:-1], pos.lat[:-1], pos.lon[1:], pos.lat[1:]) / dt / KNOT_M_S
    sog = pos.sog.astype(np.float64)
    reported = (sog[:-1] + sog[1:]) / 2
    out[:-1] = np.where(same, np.where(np.isfinite(reported), reported, implied), np.nan)
    return out


def loitering(
    pos: Positions,
    *,
    speed_kn: float = LOITER_SPEED_KN,
    min_hours: float = LOITER_HOURS,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    pieces: np.ndarray | None = None,
) -> pd.DataFrame:
    """Loitering events: runs of slow segments lasting at least ``min_hours``.

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS` with ``event == "loitering"``; position is the mean
        of the event's fixes.
    """
    runs = _slow_runs(pos, speed_kn=speed_kn, min_hours=min_hours, pieces=pieces, max_gap_h=max_gap_h)
    return _empty() if runs is None else _run_events(pos, *runs, kind="loitering")


def _slow_runs(
    pos: Positions,
    *,
    speed_kn: float,
    min_hours: float,
    pieces: np.ndarray | None,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
):
    """Maximal runs of segments under ``speed_kn`` within a track piece lasting ``min_hours``: (starts, stops, slow, speed) or None."""
    if len(pos) < 2:
        return None
    piece = track_pieces(pos, max_gap_h=max_gap_h) if pieces is None else pieces
    speed = segment_speeds_kn(pos)
    # a segment i -> i+1 is usable when i+1 continues the same piece
    cont = np.r_[piece[1:] == 0, False]
    with np.errstate(invalid="ignore"):
        slow = cont & (speed < speed_kn)
    starts, stops_ = _runs(slow)  # segments [s, e): fixes s .. e
    ok = (pos.t[stops_] - pos.t[starts]) / 3600e9 >= min_hours
    if not ok.any():
        return None
    return starts[ok], stops_[ok], slow, speed


def _run_events(
    pos: Positions, starts: np.ndarray, stops_: np.ndarray, slow: np.ndarray, speed: np.ndarray, *, kind: str
) -> pd.DataFrame:
    """Events of the slow runs ``[starts, stops_]``: times, mean position, time-weighted average speed."""
    dt = np.r_[np.diff(pos.t), 0].astype(np.float64)
    wsum = _range_sums(np.where(slow, speed * dt, 0.0), starts, stops_)
    tsum = _range_sums(np.where(slow, dt, 0.0), starts, stops_)
    lon = _range_sums(pos.lon, starts, stops_ + 1) / (stops_ - starts + 1)
    lat = _range_sums(pos.lat, starts, stops_ + 1) / (stops_ - starts + 1)
    names = pos.vessel_names()
    mmsi = pos.mmsi[starts]
    return pd.DataFrame(
        {
            "event": kind,
            "mmsi": mmsi,
            "name": np.array([names.get(int(m), "") for m in mmsi], dtype=object),
            "start_time": pd.to_datetime(pos.t[starts], unit="ns", utc=True),
            "end_time": pd.to_datetime(pos.t[stops_], unit="ns", utc=True),
            "duration_h": (pos.t[stops_] - pos.t[starts]) / 3600e9,
            "lon": lon,
            "lat": lat,
            "avg_speed_kn": wsum / np.where(tsum > 0, tsum, 1.0),
            "positions": stops_ - starts + 1,
        }
    )


def encounters(
    pos: Positions,
    *,
    distance_m: float = ENCOUNTER_DISTANCE_M,
    speed_kn: float = ENCOUNTER_SPEED_KN,
    min_hours: float = ENCOUNTER_HOURS,
    step_min: float = STEP_MIN,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
) -> pd.DataFrame:
    """Encounters: two slow vessels within ``distance_m`` for at least ``min_hours``.

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS` with ``event == "encounter"``, one row per pair
        (``mmsi`` < ``other_mmsi``); position is the mean midpoint of the pair over
        the event; ``min_distance_m`` is on the WGS84 ellipsoid.
    """
    samples = encounter_samples(pos, speed_kn=speed_kn, step_min=step_min, max_gap_h=max_gap_h)
    return encounters_from_samples(
        samples, pos.vessel_names(), distance_m=distance_m, min_hours=min_hours, step_min=step_min
    )


def encounter_samples(
    pos: Positions,
    *,
    speed_kn: float = ENCOUNTER_SPEED_KN,
    step_min: float = STEP_MIN,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    pieces: np.ndarray | None = None,
) -> pd.DataFrame:
    """Positions of slow vessels on the common time grid (one row per vessel and grid time).

    Returns
    -------
    pandas.DataFrame
        Columns ``mmsi``, ``k`` (grid index: time = k * step), ``lon``, ``lat``.
        Samples of different files or partitions can be concatenated and passed
        to :func:`encounters_from_samples`.
    """
    empty = pd.DataFrame(
        {"mmsi": np.zeros(0, np.int64), "k": np.zeros(0, np.int64), "lon": np.zeros(0), "lat": np.zeros(0)}
    )
    if len(pos) < 2:
        return empty
    step = int(step_min * 60e9)
    piece = track_pieces(pos, max_gap_h=max_gap_h) if pieces is None else pieces
    speed = segment_speeds_kn(pos)
    cont = np.r_[piece[1:] == 0, False]
    seg = np.flatnonzero(cont & (speed < speed_kn))  # slow segments i -> i+1
    if seg.size == 0:
        return empty
    t0, t1 = pos.t[seg], pos.t[seg + 1]
    # grid times g with t0 <= g <= t1; a shared end fix gives the same grid time twice,
    # which is removed below
    k0 = -(-t0 // step)
    k1 = t1 // step
    cnt = np.maximum(k1 - k0 + 1, 0)
    if cnt.sum() == 0:
        return empty
    which = np.repeat(np.arange(seg.size), cnt)
    k = k0[which] + (np.arange(which.size) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    i = seg[which]
    span = (pos.t[i + 1] - pos.t[i]).astype(np.float64)
    f = np.where(span > 0, (k * step - pos.t[i]) / np.where(span > 0, span, 1.0), 0.0)
    lat = pos.lat[i] + f * (pos.lat[i + 1] - pos.lat[i])
    dlon = (pos.lon[i + 1] - pos.lon[i] + 180.0) % 360.0 - 180.0
    lon = (pos.lon[i] + f * dlon + 180.0) % 360.0 - 180.0
    vessel = pos.mmsi[i]
    o = np.lexsort((k, vessel))
    keep = np.r_[True, (vessel[o][1:] != vessel[o][:-1]) | (k[o][1:] != k[o][:-1])]
    o = o[keep]
    return pd.DataFrame({"mmsi": vessel[o], "k": k[o], "lon": lon[o], "lat": lat[o]})


def encounters_from_samples(
    samples: pd.DataFrame,
    names: dict[int, str],
    *,
    distance_m: float = ENCOUNTER_DISTANCE_M,
    min_hours: float = ENCOUNTER_HOURS,
    step_min: float = STEP_MIN,
) -> pd.DataFrame:
    """Encounters from grid samples (:func:`encounter_samples`): close pairs, runs, durations."""
    from pyproj import Geod
    from scipy.spatial import cKDTree

    if len(samples) < 2:
        return _empty()
    step = int(step_min * 60e9)
    samples = samples.sort_values(["mmsi", "k"], kind="stable")
    vessel = samples["mmsi"].to_numpy(np.int64)
    k = samples["k"].to_numpy(np.int64)
    lon = samples["lon"].to_numpy(np.float64)
    lat = samples["lat"].to_numpy(np.float64)
    # earth-centred metres plus the grid index far apart in a fourth dimension
    la, lo = np.radians(lat), np.radians(lon)
    xyz = np.column_stack(
        [
            EARTH_RADIUS_M * np.cos(la) * np.cos(lo),
            EARTH_RADIUS_M * np.cos(la) * np.sin(lo),
            EARTH_RADIUS_M * np.sin(la),
            (k - k.min()).astype(np.float64) * 1e8,
        ]
    )
    pairs = cKDTree(xyz).query_pairs(r=distance_m * 1.01, output_type="ndarray")
    if len(pairs) == 0:
        return _empty()
    a, b = pairs[:, 0], pairs[:, 1]
    a, b = np.where(vessel[a] < vessel[b], a, b), np.where(vessel[a] < vessel[b], b, a)
    a, b = a[vessel[a] != vessel[b]], b[vessel[a] != vessel[b]]
    _, _, dist = Geod(ellps="WGS84").inv(lon[a], lat[a], lon[b], lat[b])
    close = dist <= distance_m
    a, b, dist = a[close], b[close], dist[close]
    if a.size == 0:
        return _empty()
    va, vb, kk = vessel[a], vessel[b], k[a]
    o = np.lexsort((kk, vb, va))
    a, b, dist, va, vb, kk = a[o], b[o], dist[o], va[o], vb[o], kk[o]
    new = np.r_[True, (va[1:] != va[:-1]) | (vb[1:] != vb[:-1]) | (kk[1:] != kk[:-1] + 1)]
    rs = np.flatnonzero(new)
    re_ = np.r_[rs[1:], len(a)]
    dur_h = (kk[re_ - 1] - kk[rs]) * step / 3600e9
    ok = dur_h >= min_hours
    if not ok.any():
        return _empty()
    mid_lon = lon[a] + ((lon[b] - lon[a] + 180.0) % 360.0 - 180.0) / 2
    mid_lat = (lat[a] + lat[b]) / 2
    cnts = re_ - rs
    ev_lon = np.add.reduceat(mid_lon, rs) / cnts
    ev_lat = np.add.reduceat(mid_lat, rs) / cnts
    mind = np.minimum.reduceat(dist, rs)
    rs, re_, ev_lon, ev_lat, mind, dur_h, cnts = rs[ok], re_[ok], ev_lon[ok], ev_lat[ok], mind[ok], dur_h[ok], cnts[ok]
    m1, m2 = va[rs], vb[rs]
    return pd.DataFrame(
        {
            "event": "encounter",
            "mmsi": m1,
            "name": np.array([names.get(int(m), "") for m in m1], dtype=object),
            "other_mmsi": pd.array(m2, dtype="Int64"),
            "other_name": np.array([names.get(int(m), "") for m in m2], dtype=object),
            "start_time": pd.to_datetime(kk[rs] * step, unit="ns", utc=True),
            "end_time": pd.to_datetime(kk[re_ - 1] * step, unit="ns", utc=True),
            "duration_h": dur_h,
            "lon": (ev_lon + 180.0) % 360.0 - 180.0,
            "lat": ev_lat,
            "zone": "",
            "in_area": None,
            "avg_speed_kn": np.nan,
            "min_distance_m": mind,
            "positions": cnts,
        }
    )


def _runs(flag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (exclusive) indices of runs of True."""
    d = np.diff(np.r_[0, flag.astype(np.int8), 0])
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _range_sums(values: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Sum of ``values[s:e]`` for each (s, e), via a cumulative sum."""
    c = np.r_[0.0, np.cumsum(values, dtype=np.float64)]
    return c[stops] - c[starts]


_DTYPES = {
    "event": object,
    "mmsi": np.int64,
    "name": object,
    "other_mmsi": "Int64",
    "other_name": object,
    "start_time": "datetime64[ns, UTC]",
    "end_time": "datetime64[ns, UTC]",
    "duration_h": np.float64,
    "lon": np.float64,
    "lat": np.float64,
    "zone": object,
    "in_area": object,
    "avg_speed_kn": np.float64,
    "min_distance_m": np.float64,
    "positions": np.int64,
    "end_lon": np.float64,
    "end_lat": np.float64,
    "end_zone": object,
    "distance_m": np.float64,
    "implied_speed_kn": np.float64,
    "shore_nm": np.float64,
    "flag": object,
    "other_flag": object,
    "port": object,
    "sts_candidate": object,
    "previous_name": object,
}


def _typed(ev: pd.DataFrame) -> pd.DataFrame:
    """Events with the column types of :data:`_DTYPES` (text columns None where empty)."""
    out = ev.astype({c: t for c, t in _DTYPES.items() if c in ev and t not in (object,)})
    for c in ("name", "other_name"):
        out[c] = out[c].where(out[c].notna(), "")
    return out


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})
