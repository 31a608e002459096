"""Visits: when each vessel entered and left an area, for how long, with how many fixes.

A visit is a run of consecutive fixes of one vessel inside the area. Its entry is
where the track crosses the boundary between the last fix outside and the first
fix inside: the crossing is found by bisection along the segment between the two
fixes (all crossings of a file at once, with the area's vectorised test), and its
time is interpolated linearly along the segment. Exits likewise. A fix-to-fix
interval longer than ``max_gap`` splits the track: a visit that meets such a gap
ends (or starts) at its last (first) fix and is marked ``gap``; the same for an
impossible jump the track continues from (``jump``, see :mod:`geomap.vessels.read`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from geomap.vessels.read import Positions

__all__ = ["DEFAULT_MAX_GAP_H", "VISIT_COLUMNS", "crossings", "empty_visits", "find_visits", "track_pieces"]

DEFAULT_MAX_GAP_H = 6.0
#: entry_kind / exit_kind values
KINDS = ("crossing", "track_start", "track_end", "gap", "jump")
VISIT_COLUMNS = [
    "mmsi",
    "name",
    "zone",
    "entry_time",
    "exit_time",
    "duration_h",
    "positions",
    "entry_kind",
    "exit_kind",
    "split",
    "entry_lon",
    "entry_lat",
    "exit_lon",
    "exit_lat",
]
_BISECT_STEPS = 30


#: piece codes of :func:`track_pieces` and their names
PIECE_NAMES = np.array(["", "track_start", "gap", "jump"], dtype=object)


def track_pieces(pos: Positions, *, max_gap_h: float = DEFAULT_MAX_GAP_H) -> np.ndarray:
    """Return why a new track piece starts at each fix, as codes into :data:`PIECE_NAMES`.

    Returns
    -------
    ndarray of int8
        0 inside a piece, 1 at a vessel's first fix, 2 after an interval longer
        than ``max_gap_h`` hours, 3 after a kept impossible jump.
    """
    n = len(pos)
    out = np.zeros(n, np.int8)
    if n == 0:
        return out
    out[1:][np.diff(pos.t) > max_gap_h * 3600e9] = 2
    out[pos.breaks == 3] = 3
    out[pos.breaks == 1] = 1
    return out


def find_visits(
    pos: Positions,
    area: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    zone_name: str = "",
    max_gap_h: float = DEFAULT_MAX_GAP_H,
    pieces: np.ndarray | None = None,
) -> pd.DataFrame:
    """Find every visit of every vessel to ``area``.

    Parameters
    ----------
    pos : Positions
        Clean positions sorted by (MMSI, time); ``pos.inside`` is used when set,
        otherwise ``area`` is evaluated on all fixes.
    area : callable
        ``area(lon, lat) -> bool array`` (an :class:`geomap.vessels.areas.Area`).
    zone_name : str
        Written in the ``zone`` column.
    max_gap_h : float
        Reporting gap (hours) that splits a visit.
    pieces : ndarray, optional
        :func:`track_pieces` of ``pos`` (computed from ``max_gap_h`` when None).

    Returns
    -------
    pandas.DataFrame
        :data:`VISIT_COLUMNS`, sorted by MMSI then entry time; times are
        ``datetime64[ns, UTC]``; ``split`` is True when the visit starts or ends
        at a gap or jump. Private columns ``_first`` and ``_last`` hold the index
        range of the visit's fixes in ``pos``.
    """
    n = len(pos)
    inside = pos.inside if pos.inside is not None else area(pos.lon, pos.lat)
    inside = np.asarray(inside, bool)
    if n == 0 or not inside.any():
        return empty_visits()
    piece = track_pieces(pos, max_gap_h=max_gap_h) if pieces is None else pieces
    new = piece != 0
    prev_in = np.r_[False, inside[:-1]]
    next_in = np.r_[inside[1:], False]
    next_new = np.r_[new[1:], True]
    starts = np.flatnonzero(inside & (new | ~prev_in))
    ends = np.flatnonzero(inside & (next_new | ~next_in))

    # entries cross from the previous (outside) fix of the same piece; exits to the next
    last = n - 1
    cross_in = ~new[starts]
    cross_out = ~next_new[ends]
    after = np.minimum(ends + 1, last)
    entry_kind = np.where(cross_in, "crossing", PIECE_NAMES[piece[starts]]).astype(object)
    exit_kind = np.where(
        cross_out, "crossing", np.where((ends == last) | (piece[after] == 1), "track_end", PIECE_NAMES[piece[after]])
    ).astype(object)
    entry_t, exit_t = pos.t[starts].astype(np.float64), pos.t[ends].astype(np.float64)
    entry_lon, entry_lat = pos.lon[starts].copy(), pos.lat[starts].copy()
    exit_lon, exit_lat = pos.lon[ends].copy(), pos.lat[ends].copy()
    # every segment from an outside fix to an inside one, bisected in one go
    s, e = starts[cross_in], ends[cross_out]
    out_fix = np.r_[s - 1, e + 1]
    in_fix = np.r_[s, e]
    if in_fix.size:
        f = crossings(pos.lon[out_fix], pos.lat[out_fix], pos.lon[in_fix], pos.lat[in_fix], area)
        t, lon, lat = _along(pos, out_fix, in_fix, f)
        k = s.size
        entry_t[cross_in], entry_lon[cross_in], entry_lat[cross_in] = t[:k], lon[:k], lat[:k]
        exit_t[cross_out], exit_lon[cross_out], exit_lat[cross_out] = t[k:], lon[k:], lat[k:]

    names = pos.vessel_names()
    mmsi = pos.mmsi[starts]
    # interpolated times are reported to the second
    entry = pd.to_datetime(np.round(entry_t / 1e9).astype(np.int64), unit="s", utc=True).as_unit("ns")
    exit_ = pd.to_datetime(np.round(exit_t / 1e9).astype(np.int64), unit="s", utc=True).as_unit("ns")
    out = pd.DataFrame(
        {
            "mmsi": mmsi,
            "name": np.array([names.get(int(m), "") for m in np.unique(mmsi)], dtype=object)[
                np.searchsorted(np.unique(mmsi), mmsi)
            ],
            "zone": zone_name,
            "entry_time": entry,
            "exit_time": exit_,
            "duration_h": (exit_t - entry_t) / 3600e9,
            "positions": ends - starts + 1,
            "entry_kind": entry_kind,
            "exit_kind": exit_kind,
            "split": np.isin(entry_kind, ["gap", "jump"]) | np.isin(exit_kind, ["gap", "jump"]),
            "entry_lon": entry_lon,
            "entry_lat": entry_lat,
            "exit_lon": exit_lon,
            "exit_lat": exit_lat,
            "_first": starts,
            "_last": ends,
        }
    )
    return out.reset_index(drop=True)


def crossings(
    lon0: np.ndarray,
    lat0: np.ndarray,
    lon1: np.ndarray,
    lat1: np.ndarray,
    area: Callable[[np.ndarray, np.ndarray], np.ndarray],
    *,
    steps: int = _BISECT_STEPS,
) -> np.ndarray:
    """Fraction along each segment (outside point 0 -> inside point 1) where it enters ``area``.

    Bisection on all segments at once: ``steps`` calls of ``area`` on arrays as
    long as the number of segments. After 30 steps the crossing is known to
    within 1e-9 of the segment's length. If a segment crosses the boundary more
    than once, one of the crossings is found.

    Returns
    -------
    ndarray of float64
        Fractions in [0, 1].
    """
    lo = np.zeros(len(lon0))
    hi = np.ones(len(lon0))
    dlon = _wrap(lon1 - lon0)
    dlat = lat1 - lat0
    for _ in range(steps):
        mid = (lo + hi) / 2
        x = _wrap(lon0 + mid * dlon)
        y = lat0 + mid * dlat
        ins = np.asarray(area(x, y), bool)
        hi = np.where(ins, mid, hi)
        lo = np.where(ins, lo, mid)
    return (lo + hi) / 2


def _along(pos: Positions, i: np.ndarray, j: np.ndarray, f: np.ndarray):
    """Time (ns, float) and position at fraction ``f`` from fix ``i`` to fix ``j``."""
    t = pos.t[i] + f * (pos.t[j] - pos.t[i]).astype(np.float64)
    lon = _wrap(pos.lon[i] + f * _wrap(pos.lon[j] - pos.lon[i]))
    lat = pos.lat[i] + f * (pos.lat[j] - pos.lat[i])
    return t, lon, lat


def _wrap(lon: np.ndarray) -> np.ndarray:
    """Longitudes (or differences) into [-180, 180)."""
    return (np.asarray(lon) + 180.0) % 360.0 - 180.0


def empty_visits() -> pd.DataFrame:
    """An empty visits table with the columns and types of :func:`find_visits`."""
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in VISIT_COLUMNS + ["_first", "_last"]})
    df["mmsi"] = df["mmsi"].astype(np.int64)
    for c in ("entry_time", "exit_time"):
        df[c] = pd.Series(dtype="datetime64[ns, UTC]")
    for c in ("duration_h", "entry_lon", "entry_lat", "exit_lon", "exit_lat"):
        df[c] = df[c].astype(np.float64)
    for c in ("positions", "_first", "_last"):
        df[c] = df[c].astype(np.int64)
    df["split"] = df["split"].astype(bool)
    return df
