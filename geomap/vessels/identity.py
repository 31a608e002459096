"""Who a vessel says it is: flag state from its MMSI, invalid MMSIs, name changes, shared identities.

Flag state
    A ship's MMSI is nine digits ``MIDXXXXXX`` whose first three, the Maritime
    Identification Digits, name the flag state (ITU-R M.585; the table is the
    shipped ``data/mid.csv``, see ``data/SOURCES.md``). An MMSI is *valid for a
    ship* when it has nine digits, starts with 2 to 7 and its MID is allocated;
    otherwise ``mmsi_note`` says what it is (a coast station ``00MID…``, a group
    ``0MID…``, SAR aircraft ``111MID…``, a craft associated with a parent ship
    ``98MID…``, an aid to navigation ``99MID…``, AIS-SART/MOB/EPIRB ``97…``) or
    why it is invalid.
Name changes
    Each change of a vessel's reported name within the file, at the time of
    the first fix with the new name.
Shared or spoofed identity
    The same MMSI reported in two places at once: fixes that imply an
    impossible speed (above ``max_speed_kn``) to the fix before them, again and
    again. A single bad fix (a spike) makes two such edges; an event needs at
    least ``min_conflicts`` (3) impossible edges, each within
    ``window_hours`` (6 h) of the next, and at least 3 fixes in the second
    place that form a track of their own (possible speeds between them).
"""

from __future__ import annotations

import csv
from functools import lru_cache

import numpy as np
import pandas as pd

from geomap.datafiles import data_path
from geomap.units import KNOT_M_S, haversine_m
from geomap.vessels.read import Positions

__all__ = ["VESSEL_COLUMNS", "flag_states", "identity_conflicts", "mmsi_notes", "name_changes", "vessel_table"]

VESSEL_COLUMNS = [
    "mmsi",
    "name",
    "names",
    "flag",
    "flag_country",
    "mmsi_valid",
    "mmsi_note",
    "positions",
    "first_time",
    "last_time",
    "last_lon",
    "last_lat",
]
#: identity conflicts: impossible edges needed, and the most time between two of them (hours)
MIN_CONFLICTS = 3
CONFLICT_WINDOW_H = 6.0
#: reports from the second place an identity conflict needs (a bad fix or two is a glitch)
MIN_OTHER_FIXES = 3


@lru_cache(maxsize=1)
def _mid_table() -> dict[int, tuple[str, str]]:
    with open(data_path("mid.csv"), encoding="utf-8", newline="") as fh:
        return {int(r["mid"]): (r["iso2"], r["country"]) for r in csv.DictReader(fh)}


def _mid_of(mmsi: int) -> int | None:
    """The MID inside an MMSI of any station kind, or None."""
    s = str(int(mmsi)).zfill(9) if mmsi > 0 else ""
    if len(s) != 9:
        return None
    if s[0] in "234567":
        return int(s[:3])
    if s.startswith("00"):
        return int(s[2:5])
    if s.startswith("111"):
        return int(s[3:6])
    if s[:2] in ("98", "99"):
        return int(s[2:5])
    if s[0] == "0":
        return int(s[1:4])
    return None


_SPECIAL = {
    "970": "AIS-SART",
    "972": "man-overboard device",
    "974": "EPIRB-AIS",
    "111": "SAR aircraft",
    "98": "craft associated with a parent ship",
    "99": "aid to navigation",
    "00": "coast station",
    "0": "group of ships",
    "8": "handheld VHF",
}


def _station_kind(mmsi: int) -> str:
    """What an MMSI identifies: "ship", a special station kind, or why it is no MMSI."""
    s = str(int(mmsi))
    if mmsi <= 0 or len(s) > 9:
        return f"{len(s)} digits: an MMSI has 9"
    padded = s.zfill(9)
    if padded[0] in "234567":
        return "ship"
    for prefix in ("970", "972", "974", "111", "98", "99", "00", "0", "8"):
        if padded.startswith(prefix):
            return _SPECIAL[prefix]
    return "not in any MMSI range"


def mmsi_notes(mmsi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each MMSI: whether it is a valid ship MMSI, and otherwise what it is or why it is invalid.

    Returns
    -------
    (ndarray of bool, ndarray of str)
        Validity, and a note ("" for a valid ship MMSI).
    """
    table = _mid_table()
    valid = np.zeros(len(mmsi), bool)
    notes = np.empty(len(mmsi), dtype=object)
    for k, m in enumerate(np.asarray(mmsi, np.int64)):
        kind = _station_kind(int(m))
        mid = _mid_of(int(m))
        valid[k] = kind == "ship" and mid in table
        notes[k] = "" if valid[k] else f"MID {mid} is not allocated" if kind == "ship" else kind
    return valid, notes


def flag_states(mmsi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 3166-1 alpha-2 code and name of the flag state of each MMSI (empty when unknown)."""
    table = _mid_table()
    iso = np.empty(len(mmsi), dtype=object)
    name = np.empty(len(mmsi), dtype=object)
    for k, m in enumerate(np.asarray(mmsi, np.int64)):
        iso[k], name[k] = table.get(_mid_of(int(m)) or -1, ("", ""))
    return iso, name


def vessel_table(pos: Positions) -> pd.DataFrame:
    """One row per vessel (:data:`VESSEL_COLUMNS`): names in order of appearance, flag, MMSI validity, fixes, first and last time, last position."""
    if len(pos) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in VESSEL_COLUMNS})
    starts = np.flatnonzero(np.r_[True, pos.mmsi[1:] != pos.mmsi[:-1]])
    ends = np.r_[starts[1:], len(pos)]
    mmsi = pos.mmsi[starts]
    flag, country = flag_states(mmsi)
    valid, notes = mmsi_notes(mmsi)
    latest = pos.vessel_names()
    names = _names_in_order(pos, starts, ends)
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "name": [latest.get(int(m), "") for m in mmsi],
            "names": [" / ".join(n) for n in names],
            "flag": flag,
            "flag_country": country,
            "mmsi_valid": valid,
            "mmsi_note": notes,
            "positions": ends - starts,
            "first_time": pd.to_datetime(pos.t[starts], unit="ns", utc=True),
            "last_time": pd.to_datetime(pos.t[ends - 1], unit="ns", utc=True),
            "last_lon": pos.lon[ends - 1],
            "last_lat": pos.lat[ends - 1],
        }
    )


def _names_in_order(pos: Positions, starts: np.ndarray, ends: np.ndarray) -> list[list[str]]:
    """Each vessel's distinct names, in the order they first appear."""
    code = pos.name_code
    change = np.flatnonzero((code >= 0) & np.r_[True, (code[1:] != code[:-1]) | (pos.mmsi[1:] != pos.mmsi[:-1])])
    owner = np.searchsorted(starts, change, side="right") - 1
    out: list[list[str]] = [[] for _ in starts]
    for v, c in zip(owner, code[change]):
        name = pos.names[int(c)]
        if name not in out[v]:
            out[v].append(name)
    return out


def name_changes(pos: Positions) -> pd.DataFrame:
    """Name-change events: the first fix of a vessel with a name other than its previous one.

    Returns
    -------
    pandas.DataFrame
        Event columns with ``event == "name_change"``: ``name`` the new name,
        ``previous_name`` the old one, at the position and time of the change.
    """
    code = pos.name_code
    named = np.flatnonzero(code >= 0)
    if named.size < 2:
        return pd.DataFrame()
    c, m = code[named], pos.mmsi[named]
    at = named[1:][(c[1:] != c[:-1]) & (m[1:] == m[:-1])]
    prev = named[:-1][(c[1:] != c[:-1]) & (m[1:] == m[:-1])]
    if at.size == 0:
        return pd.DataFrame()
    t = pd.to_datetime(pos.t[at], unit="ns", utc=True)
    return pd.DataFrame(
        {
            "event": "name_change",
            "mmsi": pos.mmsi[at],
            "name": [pos.names[int(k)] for k in code[at]],
            "previous_name": [pos.names[int(k)] for k in code[prev]],
            "start_time": t,
            "end_time": t,
            "duration_h": 0.0,
            "lon": pos.lon[at],
            "lat": pos.lat[at],
            "positions": 1,
        }
    )


def _second_track(
    t: np.ndarray, lon: np.ndarray, lat: np.ndarray, span: np.ndarray, *, max_speed_kn: float
) -> list[int]:
    """The fixes of ``span`` that form a second, self-consistent track beside the first fix's track."""

    def possible(i: int, j: int) -> bool:
        dt = max((t[j] - t[i]) / 1e9, 1.0)
        return float(haversine_m(lon[i], lat[i], lon[j], lat[j])) / dt / KNOT_M_S <= max_speed_kn

    a = int(span[0])
    b: list[int] = []
    for j in span[1:]:
        j = int(j)
        if possible(a, j):
            a = j
        elif not b or possible(b[-1], j):
            b.append(j)
    return b


def _merge_sorted(cols: tuple[np.ndarray, ...], more: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Columns (mmsi, t, ...) sorted by (mmsi, t) with a few more rows put in their places.

    The same order as a stable sort of the rows and then the extra rows (an
    extra row follows the rows of equal MMSI and time), without sorting all.
    """
    o = np.lexsort((more[1], more[0]))
    more = tuple(c[o] for c in more)
    mmsi, t = cols[0], cols[1]
    lo, hi = np.searchsorted(mmsi, more[0], "left"), np.searchsorted(mmsi, more[0], "right")
    at = np.array([a + np.searchsorted(t[a:b], x, "right") for a, b, x in zip(lo, hi, more[1])], np.int64)
    return tuple(np.insert(c, at, m) for c, m in zip(cols, more))


def identity_conflicts(
    pos: Positions,
    *,
    max_speed_kn: float,
    min_conflicts: int = MIN_CONFLICTS,
    window_hours: float = CONFLICT_WINDOW_H,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Events of one MMSI reported in two places at once.

    Parameters
    ----------
    pos : Positions
    max_speed_kn : float
        Implied speed above which an edge between two fixes is impossible.
    min_conflicts : int
        Impossible edges an event needs.
    window_hours : float
        Most time between two impossible edges of one event.
    extra : pandas.DataFrame, optional
        Rejected ``impossible_jump`` rows (mmsi, time, lat, lon as text) to
        put back among the fixes: the second place of a shared identity is
        often rejected as jumps.

    Returns
    -------
    pandas.DataFrame
        Event columns with ``event == "identity_conflict"``: ``lon``/``lat`` one
        place, ``end_lon``/``end_lat`` the other (the fix farthest from the
        first), ``distance_m`` between them, ``positions`` the impossible edges.
    """
    mmsi, t, lon, lat = pos.mmsi, pos.t, pos.lon, pos.lat
    if extra is not None and len(extra):
        jumps = extra[extra["reason"] == "impossible_jump"]
        em = pd.to_numeric(jumps["mmsi"], errors="coerce")
        et = pd.to_datetime(jumps["time"], utc=True, errors="coerce")
        ok = em.notna().to_numpy() & et.notna().to_numpy()
        more = (
            em.to_numpy()[ok].astype(np.int64),
            et[ok].dt.tz_localize(None).to_numpy().astype("datetime64[ns]").view(np.int64),
            pd.to_numeric(jumps["lon"]).to_numpy()[ok],
            pd.to_numeric(jumps["lat"]).to_numpy()[ok],
        )
        mmsi, t, lon, lat = _merge_sorted((mmsi, t, lon, lat), more)
    if len(mmsi) < 3:
        return pd.DataFrame()
    same = mmsi[1:] == mmsi[:-1]
    dt = np.maximum((t[1:] - t[:-1]) / 1e9, 1.0)
    fast = same & (haversine_m(lon[:-1], lat[:-1], lon[1:], lat[1:]) / dt / KNOT_M_S > max_speed_kn)
    edges = np.flatnonzero(fast)  # edge e joins fix e and fix e + 1
    if edges.size < min_conflicts:
        return pd.DataFrame()
    new = np.r_[True, (mmsi[edges[1:]] != mmsi[edges[:-1]]) | ((t[edges[1:]] - t[edges[:-1]]) > window_hours * 3600e9)]
    starts = np.flatnonzero(new)
    stops = np.r_[starts[1:], edges.size]
    rows = []
    for s, e in zip(starts, stops):
        if e - s < min_conflicts:
            continue
        first, last = edges[s], edges[e - 1] + 1
        other = _second_track(t, lon, lat, np.arange(first, last + 1), max_speed_kn=max_speed_kn)
        if len(other) < MIN_OTHER_FIXES:  # scattered bad fixes, not a second vessel
            continue
        far = other[0]
        rows.append((mmsi[first], t[first], t[last], lon[first], lat[first], lon[far], lat[far], e - s))
    if not rows:
        return pd.DataFrame()
    m, t0, t1, lo0, la0, lo1, la1, k = (np.array(c) for c in zip(*rows))
    from pyproj import Geod

    _, _, dist = Geod(ellps="WGS84").inv(lo0, la0, lo1, la1)
    names = pos.vessel_names()
    return pd.DataFrame(
        {
            "event": "identity_conflict",
            "mmsi": m.astype(np.int64),
            "name": [names.get(int(x), "") for x in m],
            "start_time": pd.to_datetime(t0, unit="ns", utc=True),
            "end_time": pd.to_datetime(t1, unit="ns", utc=True),
            "duration_h": (t1 - t0) / 3600e9,
            "lon": lo0,
            "lat": la0,
            "positions": k.astype(np.int64),
            "end_lon": lo1,
            "end_lat": la1,
            "distance_m": dist,
        }
    )
