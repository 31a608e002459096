"""Loitering and encounters, with Global Fishing Watch's published default thresholds.

Loitering
    one vessel whose speed stays under ``loiter_speed_kn`` (2 kn) for at least
    ``loiter_hours`` (2 h). The speed of a fix-to-fix segment is the mean of the
    two reported speeds over ground, or the speed implied by the two positions
    when either is missing. An event is a maximal run of slow segments with no
    reporting gap longer than ``max_gap_h``; its average speed is the
    time-weighted mean of its segments.
Encounter
    two vessels within ``encounter_distance_m`` (500 m) of each other, both
    under ``encounter_speed_kn`` (2 kn), for at least ``encounter_hours`` (2 h).
    Each vessel's slow segments are sampled on a common time grid
    (``step_min``, 10 min) by linear interpolation; close pairs at each grid time
    are found with a k-d tree on Earth-centred coordinates and checked on the
    WGS84 ellipsoid; runs of consecutive close grid times form the events.

Global Fishing Watch also requires events to be away from shore or anchorages;
geomap does not apply that filter but reports the zone each event is in. All
work is vectorised over fixes and grid samples.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geomap.units import EARTH_RADIUS_M, KNOT_M_S, haversine_m
from geomap.vessels.read import Positions
from geomap.vessels.visits import DEFAULT_MAX_GAP_H, track_pieces

__all__ = ["loitering", "encounters", "encounter_samples", "encounters_from_samples", "EVENT_COLUMNS", "find_events", "combine_events"]

LOITER_SPEED_KN = 2.0
LOITER_HOURS = 2.0
ENCOUNTER_DISTANCE_M = 500.0
ENCOUNTER_SPEED_KN = 2.0
ENCOUNTER_HOURS = 2.0
STEP_MIN = 10.0

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
]


def find_events(
    pos: Positions,
    *,
    area=None,
    loiter_speed_kn: float = LOITER_SPEED_KN,
    loiter_hours: float = LOITER_HOURS,
    encounter_distance_m: float = ENCOUNTER_DISTANCE_M,
    encounter_speed_kn: float = ENCOUNTER_SPEED_KN,
    encounter_hours: float = ENCOUNTER_HOURS,
    step_min: float = STEP_MIN,
    max_gap_h: float = DEFAULT_MAX_GAP_H,
) -> pd.DataFrame:
    """Loitering events and encounters in one frame (:data:`EVENT_COLUMNS`).

    ``zone`` is the zone engine's ``COUNTRY:zone`` at the event's position (empty
    when the zone data is not installed); ``in_area`` says whether the position is
    inside ``area`` (None without an area).
    """
    lo = loitering(pos, speed_kn=loiter_speed_kn, min_hours=loiter_hours, max_gap_h=max_gap_h)
    en = encounters(
        pos,
        distance_m=encounter_distance_m,
        speed_kn=encounter_speed_kn,
        min_hours=encounter_hours,
        step_min=step_min,
        max_gap_h=max_gap_h,
    )
    return combine_events(lo, en, area=area)


def combine_events(loiter: pd.DataFrame, meet: pd.DataFrame, *, area=None) -> pd.DataFrame:
    """Concatenate loitering and encounters, sort them and add ``zone`` and ``in_area``."""
    from geomap.vessels.areas import zone_labels

    frames = [f for f in (loiter, meet) if len(f)]
    ev = pd.concat(frames, ignore_index=True) if frames else _empty()
    ev = ev.sort_values(["start_time", "event", "mmsi", "other_mmsi"], kind="stable", ignore_index=True)
    ev["zone"] = zone_labels(ev["lon"].to_numpy(np.float64), ev["lat"].to_numpy(np.float64))
    if area is not None and len(ev):
        ev["in_area"] = area(ev["lon"].to_numpy(np.float64), ev["lat"].to_numpy(np.float64))
    else:
        ev["in_area"] = None
    return ev[EVENT_COLUMNS]


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
    pos: Positions, *, speed_kn: float = LOITER_SPEED_KN, min_hours: float = LOITER_HOURS, max_gap_h: float = DEFAULT_MAX_GAP_H
) -> pd.DataFrame:
    """Loitering events: runs of slow segments lasting at least ``min_hours``.

    Returns
    -------
    pandas.DataFrame
        :data:`EVENT_COLUMNS` with ``event == "loitering"``; position is the mean
        of the event's fixes.
    """
    n = len(pos)
    if n < 2:
        return _empty()
    piece = track_pieces(pos, max_gap_h=max_gap_h)
    speed = segment_speeds_kn(pos)
    # a segment i -> i+1 is usable when i+1 continues the same piece
    cont = np.r_[piece[1:] == 0, False]
    slow = cont & (speed < speed_kn)
    starts, stops = _runs(slow)  # segments [s, e): fixes s .. e
    if starts.size == 0:
        return _empty()
    dur = (pos.t[stops] - pos.t[starts]) / 3600e9
    ok = dur >= min_hours
    starts, stops, dur = starts[ok], stops[ok], dur[ok]
    if starts.size == 0:
        return _empty()
    dt = np.r_[np.diff(pos.t), 0].astype(np.float64)
    wsum = _range_sums(np.where(slow, speed * dt, 0.0), starts, stops)
    tsum = _range_sums(np.where(slow, dt, 0.0), starts, stops)
    lon = _range_sums(pos.lon, starts, stops + 1) / (stops - starts + 1)
    lat = _range_sums(pos.lat, starts, stops + 1) / (stops - starts + 1)
    names = pos.vessel_names()
    mmsi = pos.mmsi[starts]
    return pd.DataFrame(
        {
            "event": "loitering",
            "mmsi": mmsi,
            "name": np.array([names.get(int(m), "") for m in mmsi], dtype=object),
            "other_mmsi": pd.array([None] * len(mmsi), dtype="Int64"),
            "other_name": "",
            "start_time": pd.to_datetime(pos.t[starts], unit="ns", utc=True),
            "end_time": pd.to_datetime(pos.t[stops], unit="ns", utc=True),
            "duration_h": dur,
            "lon": lon,
            "lat": lat,
            "zone": "",
            "in_area": None,
            "avg_speed_kn": wsum / np.where(tsum > 0, tsum, 1.0),
            "min_distance_m": np.nan,
            "positions": stops - starts + 1,
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
    return encounters_from_samples(samples, pos.vessel_names(), distance_m=distance_m, min_hours=min_hours, step_min=step_min)


def encounter_samples(
    pos: Positions, *, speed_kn: float = ENCOUNTER_SPEED_KN, step_min: float = STEP_MIN, max_gap_h: float = DEFAULT_MAX_GAP_H
) -> pd.DataFrame:
    """Positions of slow vessels on the common time grid (one row per vessel and grid time).

    Returns
    -------
    pandas.DataFrame
        Columns ``mmsi``, ``k`` (grid index: time = k * step), ``lon``, ``lat``.
        Samples of different files or partitions can be concatenated and passed
        to :func:`encounters_from_samples`.
    """
    empty = pd.DataFrame({"mmsi": np.zeros(0, np.int64), "k": np.zeros(0, np.int64), "lon": np.zeros(0), "lat": np.zeros(0)})
    if len(pos) < 2:
        return empty
    step = int(step_min * 60e9)
    piece = track_pieces(pos, max_gap_h=max_gap_h)
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
        [EARTH_RADIUS_M * np.cos(la) * np.cos(lo), EARTH_RADIUS_M * np.cos(la) * np.sin(lo), EARTH_RADIUS_M * np.sin(la), (k - k.min()).astype(np.float64) * 1e8]
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
    mid_lon = (lon[a] + ((lon[b] - lon[a] + 180.0) % 360.0 - 180.0) / 2)
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


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "event": pd.Series(dtype=object),
            "mmsi": pd.Series(dtype=np.int64),
            "name": pd.Series(dtype=object),
            "other_mmsi": pd.Series(dtype="Int64"),
            "other_name": pd.Series(dtype=object),
            "start_time": pd.Series(dtype="datetime64[ns, UTC]"),
            "end_time": pd.Series(dtype="datetime64[ns, UTC]"),
            "duration_h": pd.Series(dtype=np.float64),
            "lon": pd.Series(dtype=np.float64),
            "lat": pd.Series(dtype=np.float64),
            "zone": pd.Series(dtype=object),
            "in_area": pd.Series(dtype=object),
            "avg_speed_kn": pd.Series(dtype=np.float64),
            "min_distance_m": pd.Series(dtype=np.float64),
            "positions": pd.Series(dtype=np.int64),
        }
    )
