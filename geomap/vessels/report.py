"""Write visits and events as a text table, CSV, JSON or GeoJSON.

Times are ISO 8601 in UTC (``Z``); durations in hours (``duration_h``), speeds in
knots (``_kn``), distances in metres (``_m``). JSON and GeoJSON carry the
cleaning summary (rows read, rejected by reason, times read as UTC); the table
and CSV leave it to stderr. Output is deterministic: rows are sorted and numbers
rounded to fixed precision.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.tables import FORMATS, format_rows
from geomap.vessels.events import EVENT_COLUMNS
from geomap.vessels.identity import VESSEL_COLUMNS
from geomap.vessels.read import Positions
from geomap.vessels.visits import VISIT_COLUMNS

__all__ = ["FORMATS", "csv_text", "format_report", "summary_lines", "write_rejects"]

_ROUND = {
    "duration_h": 4,
    "avg_speed_kn": 3,
    "implied_speed_kn": 3,
    "min_distance_m": 1,
    "distance_m": 1,
    "shore_nm": 2,
}
_COORD_DIGITS = 6


def format_report(
    visits: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    fmt: str,
    summary: dict,
    positions: Positions | None = None,
    vessels: pd.DataFrame | None = None,
) -> str:
    """Render visits (and events) in ``fmt``.

    Parameters
    ----------
    visits : pandas.DataFrame
        From :func:`geomap.vessels.visits.find_visits`.
    events : pandas.DataFrame or None
        From :func:`geomap.vessels.events.find_events`, or None without ``--events``.
    fmt : {"table", "csv", "json", "geojson"}
    summary : dict
        The cleaning and analysis summary.
    positions : Positions, optional
        For GeoJSON visit lines through the fixes inside the area; without it
        (the dask engine) a visit's line joins its entry and exit points.
    vessels : pandas.DataFrame, optional
        One row per vessel (:data:`geomap.vessels.identity.VESSEL_COLUMNS`:
        names, flag, MMSI validity, last position), in every format with the
        same fields: a ``vessels`` list in JSON, ``record`` = ``vessel`` rows
        in CSV, point features at the last position in GeoJSON.

    Returns
    -------
    str
    """
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
    vrec = _records(visits.drop(columns=[c for c in visits.columns if c.startswith("_")]))
    erec = _records(events) if events is not None else None
    srec = _records(vessels) if vessels is not None else None
    if fmt == "json":
        doc: dict[str, Any] = {"summary": summary, "visits": vrec}
        if erec is not None:
            doc["events"] = erec
        if srec is not None:
            doc["vessels"] = srec
        return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "geojson":
        return _geojson(visits, vrec, erec, summary, positions, srec)
    if fmt == "csv":
        return _csv(vrec, erec, srec)
    return _table(vrec, erec, summary, srec)


def summary_lines(summary: dict) -> list[str]:
    """One-line-per-fact cleaning summary for stderr."""
    rej = summary.get("rejected", {})
    bad = ", ".join(f"{k} {v}" for k, v in rej.items() if v) or "none"
    lines = [
        f"{summary['file']}: {summary['rows_read']} rows read, {summary['rows_kept']} kept, "
        f"{summary['rows_rejected']} rejected ({bad})",
        f"note: {summary['time_note']}",
    ]
    if summary.get("zone"):
        lines.append(
            f"{summary['visits']} visits to {summary['zone']} ({summary['split_visits']} split by gaps or jumps)"
        )
    if "events" in summary:
        kinds = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in summary.get("event_counts", {}).items())
        lines.append(f"{summary['events']} events ({kinds})")
    return lines


# --------------------------------------------------------------------------- helpers


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    cols = list(df.columns)
    values = {c: _column_values(df[c], c) for c in cols}
    for i in range(len(df)):
        out.append({c: values[c][i] for c in cols})
    return out


def _column_values(s: pd.Series, name: str) -> list:
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return [None if pd.isna(v) else v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in s]
    digits = _ROUND.get(name, _COORD_DIGITS if name.endswith(("lon", "lat")) else None)
    out: list[Any] = []
    for v in s.tolist():
        if v is None or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NA:
            out.append(None)
        elif isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        elif isinstance(v, (int, np.integer)):
            out.append(int(v))
        elif isinstance(v, (float, np.floating)):
            out.append(round(float(v), digits) if digits is not None else float(v))
        else:
            out.append(str(v))
    return out


def write_rejects(rejects: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write rejected rows (:data:`geomap.vessels.read.REJECT_COLUMNS`) to a CSV file atomically.

    ``row`` is the data row number: 1 is the first row after the header;
    ``line`` the line of the input file (the header is line 1).
    """
    from geomap.files import atomic_write

    cols = list(rejects.columns)
    values = [["" if pd.isna(v) else v for v in rejects[c].tolist()] for c in cols]
    with atomic_write(path) as fh:
        fh.write(csv_text(cols, zip(*values)))


def csv_text(columns: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text with ``\n`` line ends, quoting every field that holds a comma, quote or line break.

    Python's csv module leaves a lone ``\r`` unquoted when lines end in
    ``\n``, and a reader then splits the row there; here it is quoted.
    """
    lines = [",".join(_csv_field(c) for c in columns)]
    lines += [",".join(_csv_field(v) for v in r) for r in rows]
    return "\n".join(lines) + "\n"


def _csv_field(value: Any) -> str:
    text = "" if value is None else str(value)
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(vrec: list[dict], erec: list[dict] | None, srec: list[dict] | None = None) -> str:
    if erec is None and srec is None:
        rows, cols = vrec, _keys(vrec, VISIT_COLUMNS)
    else:
        rows = [{"record": "visit", **r} for r in vrec] + [{"record": r["event"], **r} for r in erec or []]
        rows += [{"record": "vessel", **r} for r in srec or []]
        cols = ["record"] + _keys(vrec, VISIT_COLUMNS)
        for more in ([] if erec is None else _keys(erec, _EVENT_KEYS), [] if srec is None else list(VESSEL_COLUMNS)):
            cols += [c for c in more if c not in cols]
    return csv_text(cols, ([r.get(c) for c in cols] for r in rows))


def _keys(rec: list[dict], default: list[str]) -> list[str]:
    return list(rec[0]) if rec else default


def _table(vrec: list[dict], erec: list[dict] | None, summary: dict, srec: list[dict] | None = None) -> str:
    out = []
    if summary.get("zone"):
        out.append(f"Visits to {summary['zone']} (times UTC; {summary['time_note']})")
        out += _text_table(
            vrec, ["mmsi", "name", "entry_time", "exit_time", "duration_h", "positions", "entry_kind", "exit_kind"]
        )
    if erec is not None:
        if out:
            out.append("")
        out.append("Events (times UTC)")
        out += _text_table(
            erec,
            [
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
                "end_zone",
            ],
        )
    if srec is not None:
        out += ["", "Vessels"]
        out += _text_table(
            srec,
            [
                "mmsi",
                "names",
                "flag",
                "flag_country",
                "mmsi_valid",
                "mmsi_note",
                "positions",
                "first_time",
                "last_time",
            ],
        )
    return "\n".join(out) + "\n"


def _text_table(rec: list[dict], cols: list[str]) -> list[str]:
    if not rec:
        return ["(none)"]
    return format_rows(cols, ([r.get(c) for c in cols] for r in rec), digits=None, rule=False).splitlines()


def _geojson(visits: pd.DataFrame, vrec, erec, summary, positions: Positions | None, srec=None) -> str:
    feats = []
    firsts = visits["_first"].to_numpy() if "_first" in visits else None
    lasts = visits["_last"].to_numpy() if "_last" in visits else None
    for i, r in enumerate(vrec):
        coords = [[r["entry_lon"], r["entry_lat"]]]
        if positions is not None and firsts is not None:
            assert lasts is not None
            sl = slice(int(firsts[i]), int(lasts[i]) + 1)
            coords += np.round(np.column_stack([positions.lon[sl], positions.lat[sl]]), _COORD_DIGITS).tolist()
        coords.append([r["exit_lon"], r["exit_lat"]])
        feats.append(
            {
                "type": "Feature",
                "properties": {"record": "visit", **r},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        )
    for r in erec or []:
        feats.append(
            {
                "type": "Feature",
                "properties": {"record": r["event"], **r},
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
            }
        )
    for r in srec or []:
        feats.append(
            {
                "type": "Feature",
                "properties": {"record": "vessel", **r},
                "geometry": {"type": "Point", "coordinates": [r["last_lon"], r["last_lat"]]},
            }
        )
    doc = {"type": "FeatureCollection", "summary": summary, "features": feats}
    return json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"


_EVENT_KEYS = list(EVENT_COLUMNS)
