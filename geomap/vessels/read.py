"""Read and clean AIS vessel positions from CSV or Parquet, in chunks.

:func:`read_positions` streams a file through Arrow (CSV blocks or Parquet row
batches), recognises the common column layouts, parses the times and numbers of
each chunk with vectorised kernels and keeps only compact numpy arrays: no row
ever becomes a Python object, so a file of ten million positions fits in a few
hundred megabytes.

Dirty rows are never dropped silently. Each is counted by reason
(:data:`REJECT_REASONS`) and kept, with its row number, for ``--rejects``:

``malformed_row``
    a CSV row that cannot be split into the header's fields: too many or too
    few, a quote that does not close, a last line cut short
    (:mod:`geomap.vessels.csv_blocks`);
``bad_sentence``
    an NMEA sentence that cannot be decoded, or a fragment whose companions
    are missing (:mod:`geomap.vessels.nmea`);
``bad_mmsi``
    the MMSI is empty or not a whole number;
``bad_time``
    the time is empty, not ISO 8601 / epoch seconds, or outside the years
    that nanosecond timestamps hold (1677-09-21 to 2262-04-11);
``position_missing``
    latitude or longitude is empty or not a number;
``position_out_of_range``
    latitude outside [-90, 90] or longitude outside [-180, 180] (AIS sends 91/181
    for "not available");
``duplicate``
    same MMSI, time, latitude, longitude, speed and name as an earlier row;
``impossible_jump``
    a fix that implies a speed above ``max_speed_kn`` both from the fix before it
    and to the fix after it (a spike), or at the start or end of a track, to its
    only neighbour while the rest of the track agrees. A jump that the track
    continues from (both sides consistent) cannot be blamed on either fix; it is
    kept and splits the track like a reporting gap.

Column layouts recognised: the US archive (MarineCadastre: MMSI, BaseDateTime,
LAT, LON, SOG, ..., VesselName), the Danish Maritime Authority's (``# Timestamp``
as ``DD/MM/YYYY HH:MM:SS``, MMSI, Latitude, Longitude, SOG, ..., Name) and
plain mmsi, timestamp, lat, lon, sog, name. Times without a zone are read as
UTC; the number of such times is reported.
``rows_read = rows_kept + rows_rejected`` always holds.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geomap.errors import InputError
from geomap.units import KNOT_M_S, haversine_m
from geomap.vessels.csv_blocks import BLOCK_BYTES, RowBlock, csv_blocks, open_input

__all__ = [
    "COLUMN_ALIASES",
    "REJECT_COLUMNS",
    "REJECT_REASONS",
    "Positions",
    "build_positions",
    "clean_batch",
    "empty_rejects",
    "is_parquet",
    "malformed_rejects",
    "name_late",
    "normalise_rejects",
    "parse_columns_option",
    "prefetch",
    "read_positions",
    "recognise_columns",
    "row_blocks",
    "typed_columns",
]

#: canonical column -> accepted names (compared case-insensitively).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "mmsi": ("mmsi", "ssvid", "mmsi_number"),
    "time": (
        "basedatetime",
        "timestamp",
        "# timestamp",
        "time",
        "datetime",
        "date_time",
        "timestamp_utc",
        "ts",
        "time_utc",
    ),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "sog": ("sog", "speed", "speed_kn", "speed_knots"),
    "cog": ("cog", "course"),
    "name": ("vesselname", "name", "shipname", "vessel_name", "ship_name"),
}
REQUIRED = ("mmsi", "time", "lat", "lon")
REJECT_REASONS = (
    "malformed_row",
    "bad_sentence",
    "bad_mmsi",
    "bad_time",
    "position_missing",
    "position_out_of_range",
    "duplicate",
    "impossible_jump",
)
#: reasons found row by row, in the order they are checked
_ROW_REASONS = ("bad_mmsi", "bad_time", "position_missing", "position_out_of_range")
#: default speed (knots) above which a jump between fixes is impossible for a ship.
MAX_SPEED_KN = 50.0
_NOT_AVAILABLE_SOG = 102.2  # AIS: 102.3 means "speed not available"
_EPOCH_RE = r"^\s*-?\d+(\.\d+)?\s*$"
_ZONED_RE = r"\d\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)$"


@dataclasses.dataclass
class Positions:
    """Clean AIS positions as numpy arrays sorted by (MMSI, time).

    Attributes
    ----------
    row : ndarray of int64
        Data row number in the input (1 = first row after the header).
    mmsi : ndarray of int64
    t : ndarray of int64
        Time, nanoseconds since 1970-01-01 UTC.
    lat, lon : ndarray of float64
        Degrees, EPSG:4326.
    sog : ndarray of float32
        Reported speed over ground, knots; NaN when missing.
    name_code : ndarray of int32
        Index into ``names`` (-1 when the row has no name).
    names : list of str
        Distinct vessel names.
    inside : ndarray of bool or None
        Membership of each fix in the zone or area given to :func:`read_positions`.
    breaks : ndarray of int8
        0 inside a track; 1 first fix of a vessel; 3 after a kept impossible
        jump. (Reporting gaps depend on ``max_gap`` and are found by
        :func:`geomap.vessels.visits.track_pieces`, which codes them 2.)
    rejects : pandas.DataFrame
        One row per rejected input row (:data:`REJECT_COLUMNS`): row, reason,
        mmsi, time, lat, lon (text), line (CSV), text (of a malformed row).
    path : str
    columns : dict
        Canonical column -> the input's column name.
    rows_read : int
    naive_times : int
        Times of kept rows that had no zone and were read as UTC.
    blank_lines : int
        Blank lines of a CSV file (not rows, so not in ``rows_read``).
    other_messages : int
        NMEA messages that are neither positions nor names (not rows).
    """

    row: np.ndarray
    mmsi: np.ndarray
    t: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog: np.ndarray
    name_code: np.ndarray
    names: list[str]
    inside: np.ndarray | None
    breaks: np.ndarray
    rejects: pd.DataFrame
    path: str
    columns: dict[str, str]
    rows_read: int
    naive_times: int
    blank_lines: int = 0
    other_messages: int = 0

    def __len__(self) -> int:
        return len(self.mmsi)

    def reject_counts(self) -> dict[str, int]:
        """Return the number of rejected rows for every reason (zeros included)."""
        counts = self.rejects["reason"].value_counts() if len(self.rejects) else {}
        return {r: int(counts.get(r, 0)) for r in REJECT_REASONS}

    def vessel_names(self) -> dict[int, str]:
        """Return MMSI -> the vessel's most recent non-empty name (or "")."""
        has = self.name_code >= 0
        if not has.any():
            return {}
        m, c = self.mmsi[has], self.name_code[has]
        last = np.r_[m[1:] != m[:-1], True]  # sorted by (mmsi, t): last named row per vessel
        return {int(k): self.names[int(v)] for k, v in zip(m[last], c[last])}

    def summary(self) -> dict:
        """Return the cleaning summary: rows read, kept, rejected by reason, naive times."""
        counts = self.reject_counts()
        return {
            "file": self.path,
            "rows_read": self.rows_read,
            "rows_kept": len(self),
            "rows_rejected": sum(counts.values()),
            "rejected": counts,
            "vessels": int(np.count_nonzero(self.mmsi[1:] != self.mmsi[:-1]) + 1) if len(self) else 0,
            "naive_times": self.naive_times,
            "blank_lines": self.blank_lines,
            "other_messages": self.other_messages,
            "time_note": (
                f"{self.naive_times} times had no time zone and were read as UTC"
                if self.naive_times
                else "all times carried a time zone"
            ),
        }


# --------------------------------------------------------------------------- public


def parse_columns_option(text: str | None) -> dict[str, str]:
    """Parse ``--columns`` text such as ``"mmsi=ShipId,time=ts,lat=Y,lon=X"``.

    Parameters
    ----------
    text : str or None
        Comma-separated ``canonical=input_name`` pairs.

    Returns
    -------
    dict
        Canonical name -> input column name.

    Raises
    ------
    InputError
        If a pair is malformed or names an unknown canonical column.
    """
    if not text:
        return {}
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise InputError(f"columns: {part!r} is not of the form name=COLUMN, e.g. mmsi=ShipId")
        if key not in COLUMN_ALIASES:
            raise InputError(f"columns: unknown column {key!r}; valid names are {', '.join(COLUMN_ALIASES)}")
        out[key] = value
    return out


def recognise_columns(
    names: Sequence[str], *, override: Mapping[str, str] | None = None, path: str = ""
) -> dict[str, str]:
    """Map canonical columns to the file's column names.

    Parameters
    ----------
    names : sequence of str
        The file's column names.
    override : mapping, optional
        Canonical -> column name, from ``--columns``; wins over recognition.
    path : str
        The file, for error messages.

    Returns
    -------
    dict
        Canonical name -> file column, for every column found.

    Raises
    ------
    InputError
        If an override names a missing column or a required column is not found.
    """
    override = dict(override or {})
    lower = {n.strip().lower(): n for n in names}
    found: dict[str, str] = {}
    for key, aliases in COLUMN_ALIASES.items():
        if key in override:
            if override[key] not in names:
                raise InputError(
                    f"{path}: column {key}={override[key]}: no such column; the file has {', '.join(names)}"
                )
            found[key] = override[key]
            continue
        for alias in aliases:
            if alias in lower:
                found[key] = lower[alias]
                break
    missing = [k for k in REQUIRED if k not in found]
    if missing:
        raise InputError(
            f"{path}: no column recognised for {', '.join(missing)}; the file has {', '.join(names)}; "
            f"name them, e.g. {','.join(f'{k}=COLUMN' for k in missing)}",
            option="columns",
        )
    return found


def read_positions(
    path: str | os.PathLike,
    *,
    columns: Mapping[str, str] | None = None,
    mask=None,
    max_speed_kn: float = MAX_SPEED_KN,
    chunk_bytes: int = BLOCK_BYTES,
    progress=None,
) -> Positions:
    """Read, clean and sort the AIS positions of a CSV or Parquet file.

    Parameters
    ----------
    path : str or PathLike
        A CSV file (plain or gzip), a ``.parquet`` file or a directory of
        Parquet files (partitioned).
    columns : mapping, optional
        Canonical -> input column overrides (see :func:`parse_columns_option`).
    mask : callable, optional
        ``mask(lon, lat) -> bool array``; evaluated chunk by chunk and stored as
        :attr:`Positions.inside`.
    max_speed_kn : float
        Implied speed (knots) above which a jump between fixes is impossible.
    chunk_bytes : int
        CSV block size; Parquet is read in row batches of a similar size.
    progress : callable, optional
        ``progress(rows_read)``, called after each block.

    Returns
    -------
    Positions

    Raises
    ------
    InputError
        If the file is missing, unreadable or lacks a required column.
    """
    p = Path(path)
    if str(path) != "-" and not p.exists():
        raise InputError(f"{p}: no such file; give a CSV, NMEA or Parquet file of AIS positions")
    keys = ("row", "mmsi", "t", "lat", "lon", "sog", "name_code", "naive") + (("inside",) if mask is not None else ())
    store = _Columns(keys)
    rejects: list[pd.DataFrame] = []
    names: dict[str, int] = {}
    rows_read = blank = other = 0
    line_offset: int | None = None if is_parquet(p) else 1
    cols: dict[str, str] = {}
    late: dict[int, str] = {}
    for cols, block in prefetch(row_blocks(p, columns=columns, chunk_bytes=chunk_bytes)):
        late.update(block.late_names)
        arrays, bad = clean_batch(block.batch, cols, rows=block.rows, names=names, mask=mask)
        rows_read += block.rows.size + len(block.malformed)
        blank += block.blank_lines
        other += block.other_messages
        line_offset = block.line_offset
        if progress is not None:
            progress(rows_read)
        store.append(arrays, hint=block.size_hint)
        rejects += [r for r in (bad, malformed_rejects(block.malformed, reason=block.malformed_reason)) if len(r)]
        del block, arrays
    data = store.finish()
    del store
    name_late(data, late, names)
    pos = build_positions(
        data,
        names=list(names),
        rejects=rejects,
        path=str(p),
        columns=cols,
        rows_read=rows_read,
        max_speed_kn=max_speed_kn,
    )
    pos.blank_lines, pos.other_messages = blank, other
    pos.rejects = normalise_rejects(pos.rejects, line_offset=line_offset)
    return pos


def name_late(data: Mapping[str, np.ndarray], late: Mapping[int, str], names: dict[str, int]) -> None:
    """Give the rows without a name of each vessel in ``late`` (MMSI -> name) that name, in place.

    ``names`` is the name table of ``data["name_code"]``, extended in place.
    """
    if not late:
        return
    keys = np.array(sorted(late), np.int64)
    codes = np.array([names.setdefault(late[int(k)], len(names)) for k in keys], np.int32)
    mmsi, code = data["mmsi"], data["name_code"]
    at = np.clip(np.searchsorted(keys, mmsi), 0, keys.size - 1)
    hit = (keys[at] == mmsi) & (code < 0)
    code[hit] = codes[at[hit]]


def build_positions(
    data: dict[str, np.ndarray],
    *,
    names: list[str],
    rejects: list[pd.DataFrame],
    path: str,
    columns: Mapping[str, str],
    rows_read: int,
    max_speed_kn: float = MAX_SPEED_KN,
) -> Positions:
    """Sort parsed columns, reject duplicates and impossible jumps, and wrap them as :class:`Positions`.

    ``data`` holds the per-row arrays of the chunk cleaner (row, mmsi, t, lat,
    lon, sog, name_code, naive and optionally inside); it is consumed.
    """
    data, more = _sort_and_check(data, max_speed_kn=max_speed_kn)
    rej = (
        pd.concat([r for r in [*rejects, *more] if len(r)], ignore_index=True)
        if any(len(r) for r in [*rejects, *more])
        else empty_rejects()
    )
    rej = normalise_rejects(rej)
    return Positions(
        row=data["row"],
        mmsi=data["mmsi"],
        t=data["t"],
        lat=data["lat"],
        lon=data["lon"],
        sog=data["sog"],
        name_code=data["name_code"],
        names=list(names),
        inside=data.get("inside"),
        breaks=data["breaks"],
        rejects=rej,
        path=path,
        columns=dict(columns),
        rows_read=rows_read,
        naive_times=int(np.count_nonzero(data.pop("naive"))),
    )


# --------------------------------------------------------------------------- reading


PARQUET_SUFFIXES = (".parquet", ".pq", ".geoparquet")


def is_parquet(p: Path) -> bool:
    """True for a Parquet file or a folder of Parquet files (by name), False for CSV."""
    return p.is_dir() or p.suffix.lower() in PARQUET_SUFFIXES


def row_blocks(
    p: Path, *, columns: Mapping[str, str] | None, chunk_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[dict[str, str], RowBlock]]:
    """Yield (column map, block of rows) for a CSV, NMEA or Parquet file (``-``: standard input), streaming.

    CSV blocks come from :func:`geomap.vessels.csv_blocks.csv_blocks` (malformed rows set
    aside), NMEA logs from :func:`geomap.vessels.nmea.nmea_blocks`; Parquet row
    batches are numbered from 1.
    """
    if str(p) != "-" and is_parquet(p):
        yield from _parquet_blocks(p, columns=columns, chunk_bytes=chunk_bytes)
        return
    from geomap.vessels.nmea import looks_like_nmea, nmea_blocks

    with open_input(str(p)) as (name, size, stream):
        try:
            nmea = looks_like_nmea(stream)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                f"{name}: gzip data is broken or cut short ({exc}); the file may be incomplete, download it again"
            ) from None
        if nmea:
            yield from nmea_blocks(stream, name=name)
            return
        found: dict[str, str] = {}

        def check(header: list[str]) -> dict[str, pa.DataType | None]:
            found.update(recognise_columns(header, override=columns, path=name))
            return typed_columns(found)

        for block in csv_blocks(stream, block_bytes=chunk_bytes, header_check=check, name=name, size=size):
            yield found, block


#: columns that Arrow's CSV parser converts to numbers itself (the same parser as the text cleaner's casts)
_CSV_TYPES = {key: pa.float64() for key in ("mmsi", "lat", "lon", "sog")}
_DONE = object()


def typed_columns(cols: Mapping[str, str]) -> dict[str, pa.DataType | None]:
    """The CSV columns to read, each with the Arrow type its parser converts it to (None: text).

    ``cols`` maps canonical columns to the file's (:func:`recognise_columns`);
    a column named for two roles is read as text.
    """
    types: dict[str, pa.DataType | None] = {}
    for key, column in cols.items():
        kind = _CSV_TYPES.get(key)
        types[column] = kind if types.get(column, kind) == kind else None
    return types


def prefetch(items: Iterator, *, depth: int = 1) -> Iterator:
    """Yield the items of ``items``, produced by a thread up to ``depth`` items ahead.

    Reading and Arrow's parse release the GIL, so the next block is read while
    the current one is cleaned. An exception in the thread is raised here.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _DONE))
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))

    thread = threading.Thread(target=work, daemon=True, name="geomap-read")
    thread.start()
    try:
        while True:
            ok, item = q.get()
            if not ok:
                raise item
            if item is _DONE:
                return
            yield item
    finally:
        stop.set()
        thread.join()


def _parquet_blocks(p: Path, *, columns, chunk_bytes: int):
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(p, format="parquet", partitioning="hive" if p.is_dir() else None)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{p}: cannot be read as Parquet ({_first_line(exc)}); give a Parquet file or a folder of them"
        ) from None
    cols = recognise_columns(dataset.schema.names, override=columns, path=str(p))
    wanted = list(dict.fromkeys(cols.values()))
    first = 1
    try:
        hint = dataset.count_rows()
        batches = dataset.to_batches(
            columns=wanted, batch_size=max(chunk_bytes // 64, 1024), batch_readahead=4, fragment_readahead=1
        )
        for batch in batches:
            if batch.num_rows:
                rows = np.arange(first, first + batch.num_rows, dtype=np.int64)
                first += batch.num_rows
                yield cols, RowBlock(batch, rows, [], 0, hint, line_offset=None)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{p}: cannot be read as Parquet after row {first - 1} ({_first_line(exc)}); the file may be damaged"
        ) from None


def _first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line (Arrow's messages run over several)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class _Columns:
    """Growable numpy columns: chunks are copied into arrays sized from a row estimate.

    Appending into a few large arrays (instead of keeping every chunk's arrays and
    concatenating) keeps the process's memory close to the data's size: the
    small per-chunk arrays are freed and reused chunk after chunk.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.n = 0
        self.arrays: dict[str, np.ndarray] = {}

    def append(self, chunk: Mapping[str, np.ndarray], *, hint: int | None) -> None:
        m = len(chunk["row"])
        if not self.arrays:
            cap = max(hint or 0, m, 1024)
            self.arrays = {k: np.empty(cap, chunk[k].dtype) for k in self.keys}
        cap = len(self.arrays["row"])
        if self.n + m > cap:
            cap = max(int(cap * 1.5), self.n + m)
            for k in self.keys:  # one column at a time
                grown = np.empty(cap, self.arrays[k].dtype)
                grown[: self.n] = self.arrays[k][: self.n]
                self.arrays[k] = grown
        for k in self.keys:
            self.arrays[k][self.n : self.n + m] = chunk[k]
        self.n += m

    def finish(self) -> dict[str, np.ndarray]:
        if not self.arrays:
            return {k: _empty(k) for k in self.keys}
        out = {}
        for k in self.keys:
            a = self.arrays.pop(k)
            out[k] = a[: self.n].copy() if self.n < 0.9 * len(a) else a[: self.n]
            del a
        return out


# --------------------------------------------------------------------------- chunk cleaning


def clean_batch(
    batch: pa.RecordBatch, cols: Mapping[str, str], *, rows: np.ndarray, names: dict[str, int], mask=None
) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Parse and validate one batch of rows.

    Parameters
    ----------
    batch : pyarrow.RecordBatch
        The input columns named by ``cols`` (text, numbers or timestamps).
    cols : mapping
        Canonical column -> the batch's column name.
    rows : ndarray of int64
        Data row number of each row of the batch.
    names : dict
        Running vessel-name table (name -> code), extended in place.
    mask : callable, optional
        ``mask(lon, lat)``; its result is kept as ``inside``.

    Returns
    -------
    (dict of ndarray, pandas.DataFrame)
        The kept rows' columns (row, mmsi, t, lat, lon, sog, name_code, naive
        and inside with a mask) and the rejected rows.
    """
    n = batch.num_rows
    get = lambda key: batch.column(batch.schema.get_field_index(cols[key]))
    row = np.asarray(rows, np.int64)
    mmsi, mmsi_ok = _to_int(get("mmsi"), cols["mmsi"])
    t, t_ok, naive_mask = _to_time(get("time"), cols["time"])
    lat, lon = _to_float(get("lat"), cols["lat"]), _to_float(get("lon"), cols["lon"])
    sog = _to_float(get("sog"), cols["sog"]) if "sog" in cols else np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        sog = np.where((sog >= 0) & (sog <= _NOT_AVAILABLE_SOG), sog, np.nan).astype(np.float32)
    code = _name_codes(get("name"), names) if "name" in cols else np.full(n, -1, np.int32)

    reason = np.full(n, -1, np.int8)
    finite = np.isfinite(lat) & np.isfinite(lon)
    in_range = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    # the first failing check names the reason
    for i, bad in reversed(list(enumerate([~mmsi_ok, ~t_ok, ~finite, finite & ~in_range]))):
        reason[bad] = i
    keep = reason < 0
    rejects = empty_rejects()
    if not keep.all():
        idx = np.flatnonzero(~keep)
        rejects = pd.DataFrame(
            {
                "row": row[idx],
                "reason": np.array(_ROW_REASONS, dtype=object)[reason[idx]],
                **{k: _as_text(get(k), idx) for k in ("mmsi", "time", "lat", "lon")},
            }
        )
    out = {
        "row": row[keep],
        "mmsi": mmsi[keep],
        "t": t[keep],
        "lat": lat[keep],
        "lon": lon[keep],
        "sog": sog[keep],
        "name_code": code[keep],
    }
    if mask is not None:
        out["inside"] = np.asarray(mask(out["lon"], out["lat"]), dtype=bool)
    out["naive"] = naive_mask[keep]
    return out, rejects


def malformed_rejects(malformed: Sequence[tuple[int, str, str]], *, reason: str = "malformed_row") -> pd.DataFrame:
    """Rejects of rows that could not be read, from (row, what is wrong, text) triples."""
    if not malformed:
        return empty_rejects()
    row, detail, text = zip(*malformed)
    return pd.DataFrame(
        {
            "row": np.array(row, np.int64),
            "reason": reason,
            **dict.fromkeys(("mmsi", "time", "lat", "lon"), ""),
            "text": [f"{d}: {t}" for d, t in zip(detail, text)],
        }
    )


def _as_text(arr: pa.Array, idx: np.ndarray) -> np.ndarray:
    """The input text of the rows ``idx`` (as Arrow formats it for non-text columns)."""
    taken = arr.take(pa.array(idx))
    try:
        taken = _as_strings(taken, "")
    except InputError:
        return np.full(len(idx), "", dtype=object)
    return np.array([("" if v is None else v) for v in taken.to_pylist()], dtype=object)


def _as_strings(arr: pa.Array, column: str) -> pa.Array:
    """Any Arrow column as text (bytes that are not UTF-8 become U+FFFD), or an InputError."""
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr
    if pa.types.is_dictionary(arr.type):
        return _as_strings(arr.dictionary_decode(), column)
    try:
        return pc.cast(arr, pa.string())
    except pa.ArrowInvalid:
        if pa.types.is_binary(arr.type) or pa.types.is_large_binary(arr.type):
            return pa.array([None if v is None else v.decode("utf-8", "replace") for v in arr.to_pylist()], pa.string())
        raise InputError(f"column {column!r} has values of type {arr.type} that cannot be read as text") from None
    except pa.ArrowException:
        raise InputError(f"column {column!r} has type {arr.type}, which cannot be read as text or numbers") from None


def _is_number(t: pa.DataType) -> bool:
    return pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_boolean(t)


def _to_float(arr: pa.Array, column: str = "") -> np.ndarray:
    """Numbers as float64; empty or non-numeric values become NaN."""
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if _is_number(arr.type):
        try:
            return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        except pa.ArrowException:
            pass  # e.g. a decimal beyond float range: go through text
    arr = _as_strings(arr, column)
    try:
        nulled = pc.if_else(pc.equal(pc.utf8_trim_whitespace(arr), ""), pa.scalar(None, pa.string()), arr)
        return pc.cast(nulled, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(pd.Series(arr.to_numpy(zero_copy_only=False)), errors="coerce").to_numpy(np.float64)


def _to_int(arr: pa.Array, column: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers as int64 and a validity mask (non-integers are invalid)."""
    f = _to_float(arr, column)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(f) & (f == np.round(f)) & (f > 0) & (f < 2**53)
    out = np.zeros(len(f), np.int64)
    out[ok] = f[ok].astype(np.int64)
    return out, ok


#: the range of nanosecond timestamps (pandas' and numpy's datetime64[ns]), in seconds
_MIN_S = pd.Timestamp.min.value // 10**9 + 1
_MAX_S = pd.Timestamp.max.value // 10**9 - 1
_UNIT_NS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _seconds_to_ns(sec: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float or int seconds to int64 ns; values outside the ns range are invalid."""
    with np.errstate(invalid="ignore"):
        ok = ok & np.isfinite(sec) & (sec >= _MIN_S) & (sec <= _MAX_S)
    out = np.zeros(len(sec), np.int64)
    if sec.dtype.kind == "f":
        out[ok] = np.round(sec[ok] * 1e9).astype(np.int64)
    else:
        out[ok] = sec[ok].astype(np.int64) * 10**9
    return out, ok


def _timestamps_to_ns(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """An Arrow timestamp or date column as int64 ns and a validity mask (out-of-range is invalid)."""
    if pa.types.is_date(arr.type):
        arr = pc.cast(arr, pa.timestamp("s"))
    scale = _UNIT_NS[arr.type.unit]
    valid = ~np.asarray(arr.is_null().to_numpy(zero_copy_only=False), bool)
    raw = pc.cast(arr, pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    ok = valid & (raw >= _MIN_S * (10**9 // scale)) & (raw <= _MAX_S * (10**9 // scale))
    return np.where(ok, raw, 0) * scale, ok


def _to_time(arr: pa.Array, column: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times as int64 ns UTC, a validity mask, and a mask of zone-less times.

    Times outside the nanosecond range (before 1677-09-21, after 2262-04-11;
    epoch values of 1e10 s and more) are invalid, never wrapped around.
    """
    n = len(arr)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        ns, ok = _timestamps_to_ns(arr)
        tz = getattr(arr.type, "tz", None)
        return ns, ok, (ok if tz is None else np.zeros(n, bool))
    if _is_number(arr.type):
        ns, ok = _seconds_to_ns(_to_float(arr, column), np.ones(n, bool))
        return ns, ok, np.zeros(n, bool)
    text = _as_strings(arr, column)
    sec, fixed = _plain_iso_seconds(text)
    out, ok = _seconds_to_ns(sec, fixed)
    naive = ok.copy()
    rest = np.flatnonzero(~fixed)
    if rest.size:
        sub = text if rest.size == n else text.take(pa.array(rest))
        ns, good, zoneless = _text_times(pc.utf8_trim_whitespace(sub))
        out[rest], ok[rest], naive[rest] = ns, good, zoneless
    return out, ok, naive


def _plain_iso_seconds(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of the texts that are a zone-less ``YYYY-MM-DDTHH:MM:SS`` as they stand (the US archive's), and their mask.

    Arrow's ISO 8601 cast reads the 19-character values at once; when one of
    them is not a real time (``2023-02-29``, a leap second, junk) the
    values are read one by one with ``strptime`` instead. Either way the rest
    is left to the general parsers (:func:`_text_times`).
    """
    n = len(text)
    sec = np.zeros(n, np.int64)
    lengths = pc.binary_length(text).fill_null(0).to_numpy(zero_copy_only=False)
    idx = np.flatnonzero(lengths == 19)
    try:
        parsed = pc.cast(text if idx.size == n else text.take(pa.array(idx)), pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        fast = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
        ok = ~np.asarray(fast.is_null().to_numpy(zero_copy_only=False), bool)
        return fast.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64), ok
    sec[idx] = parsed.cast(pa.int64()).to_numpy(zero_copy_only=False)
    ok = np.zeros(n, bool)
    ok[idx] = True
    return sec, ok


def _text_times(s: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trimmed time texts of any accepted layout as int64 ns UTC, a validity mask and a zone-less mask."""
    n = len(s)
    out = np.zeros(n, np.int64)
    ok = np.zeros(n, bool)
    fast = pc.strptime(s, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    fast_ok = ~np.asarray(fast.is_null().to_numpy(zero_copy_only=False))
    sec = fast.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    ns, good = _seconds_to_ns(sec, fast_ok)
    out[good], ok[good] = ns[good], True
    naive = good.copy()
    rest = np.flatnonzero(~fast_ok)
    if rest.size:  # the Danish Maritime Authority's "DD/MM/YYYY HH:MM:SS" (UTC)
        dma = pc.strptime(s.take(pa.array(rest)), format="%d/%m/%Y %H:%M:%S", unit="s", error_is_null=True)
        dma_ok = ~np.asarray(dma.is_null().to_numpy(zero_copy_only=False))
        if dma_ok.any():
            sec = dma.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
            ns, good = _seconds_to_ns(sec, dma_ok)
            hit = rest[good]
            out[hit], ok[hit], naive[hit] = ns[good], True, True
            rest = rest[~dma_ok]
    if rest.size:
        sub = s.take(pa.array(rest))
        epoch = np.asarray(pc.match_substring_regex(sub, _EPOCH_RE).to_numpy(zero_copy_only=False), dtype=bool)
        if epoch.any():
            ns, good = _seconds_to_ns(_to_float(sub.filter(pa.array(epoch))), np.ones(int(epoch.sum()), bool))
            ei = rest[epoch]
            out[ei[good]], ok[ei[good]] = ns[good], True
        iso = ~epoch
        if iso.any():
            vals = sub.filter(pa.array(iso))
            ns, good = _iso_to_ns(vals.to_numpy(zero_copy_only=False))
            ii = rest[iso]
            out[ii[good]], ok[ii[good]] = ns[good], True
            zoned = np.asarray(pc.match_substring_regex(vals, _ZONED_RE).to_numpy(zero_copy_only=False), dtype=bool)
            naive[ii[good & ~zoned]] = True
    return out, ok, naive


def _iso_to_ns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO 8601 texts (with or without zone) as int64 ns UTC and a validity mask."""
    parsed = pd.to_datetime(pd.Series(values, dtype=object), format="ISO8601", utc=True, errors="coerce")
    good = ~parsed.isna().to_numpy()
    out = np.zeros(len(values), np.int64)
    if good.any():
        raw = parsed.dt.tz_localize(None).to_numpy()  # datetime64 in the unit pandas chose
        scale = _UNIT_NS[np.datetime_data(raw.dtype)[0]]
        raw = raw.view(np.int64)
        good &= (raw >= _MIN_S * (10**9 // scale)) & (raw <= _MAX_S * (10**9 // scale))
        out[good] = raw[good] * scale
    return out, good


def _name_codes(arr: pa.Array, names: dict[str, int]) -> np.ndarray:
    """Dictionary-encode names against the running ``names`` table (vectorised remap)."""
    s = arr if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type) else pc.cast(arr, pa.string())
    enc = pc.dictionary_encode(s)
    # distinct names of the chunk only, trimmed (names that differ in spaces only get one code)
    local = pc.utf8_trim_whitespace(enc.dictionary).to_pylist()
    remap = np.empty(len(local) + 1, np.int32)
    for i, name in enumerate(local):
        if name is None or name == "":
            remap[i] = -1
        else:
            remap[i] = names.setdefault(name, len(names))
    remap[-1] = -1
    idx = enc.indices.fill_null(len(local)).to_numpy(zero_copy_only=False)
    return remap[idx]


# --------------------------------------------------------------------------- whole-file checks


def _sort_and_check(data: dict[str, np.ndarray], *, max_speed_kn: float):
    """Sort by (MMSI, time), reject exact duplicates and impossible jumps, mark breaks."""
    # stable sorts keep the input's row order among equal keys, like a third key would:
    # by time (linear for a file in time order), then by vessel with a radix sort of vessel codes
    order = np.argsort(data["t"], kind="stable")
    codes, vessels = pd.factorize(data.pop("mmsi")[order], sort=True)
    order = order[_stable_order(codes, len(vessels))]
    counts = np.bincount(codes, minlength=len(vessels))
    del codes
    _permute(data, order)
    del order
    data["mmsi"] = np.repeat(np.asarray(vessels, np.int64), counts)
    rejects = []
    dup = _duplicates(data)
    jump, fast_out = _spikes(data, max_speed_kn=max_speed_kn, removed=dup)
    for sel, reason in ((dup, "duplicate"), (jump, "impossible_jump")):
        if sel.any():
            rejects.append(_rejects_from(data, sel, reason))
    gone = dup | jump
    if gone.any():
        _take(data, ~gone)
        fast_out = fast_out[~gone]
    del dup, jump, gone
    n = len(data["mmsi"])
    breaks = np.zeros(n, np.int8)
    if n:
        first = np.r_[True, data["mmsi"][1:] != data["mmsi"][:-1]]
        breaks[first] = 1
        too_fast = np.r_[False, fast_out[:-1]]  # the edge into each fix, from the fix kept before it
        breaks[too_fast & ~first] = 3
    data["breaks"] = breaks
    return data, rejects


def _stable_order(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """The stable sorting permutation of small non-negative integer codes (radix sorts of 16-bit digits)."""
    if n_codes <= 1 << 16:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    order = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
    return order[np.argsort((codes[order] >> 16).astype(np.uint16), kind="stable")]


def _permute(data: dict[str, np.ndarray], order: np.ndarray, *, window: int = 1 << 18) -> None:
    """Reorder every column by the permutation ``order``, in two cache-friendly gathers.

    Sorting a file in time order by vessel gathers each vessel's fixes from
    all over it, a cache miss per value. Instead each window of ``window``
    rows is first sorted on its own (its fixes in their final order), then the
    windows' runs of consecutive fixes of one vessel are gathered.
    """
    n = len(order)
    if n <= window:
        _take(data, order)
        return
    digits = np.uint16 if n // window < 1 << 16 else np.uint32
    local = order[np.argsort((order // window).astype(digits), kind="stable")]  # each window in final order
    where = np.empty(n, np.int64)
    where[local] = np.arange(n)
    runs = where[order]
    del where
    for k in list(data):
        data[k] = data[k][local][runs]


def _take(data: dict[str, np.ndarray], index: np.ndarray) -> None:
    """Index every column in place, one at a time, so at most one extra column is alive."""
    for k in list(data):
        data[k] = data[k][index]


def _duplicates(d: dict[str, np.ndarray]) -> np.ndarray:
    """Rows equal to an earlier row in MMSI, time, lat, lon, SOG and name."""
    n = len(d["mmsi"])
    dup = np.zeros(n, bool)
    if n < 2:
        return dup
    same_mt = (d["mmsi"][1:] == d["mmsi"][:-1]) & (d["t"][1:] == d["t"][:-1])
    if not same_mt.any():
        return dup
    # rows in a group of equal (mmsi, t): sort those few on every key, compare neighbours
    grp = np.zeros(n, bool)
    grp[1:] |= same_mt
    grp[:-1] |= same_mt
    idx = np.flatnonzero(grp)
    sog = np.nan_to_num(d["sog"][idx], nan=-1.0)
    keys = (d["row"][idx], d["name_code"][idx], sog, d["lon"][idx], d["lat"][idx], d["t"][idx], d["mmsi"][idx])
    o = np.lexsort(keys)
    k = [a[o] for a in keys[1:]]
    eq = np.ones(len(idx) - 1, bool)
    for a in k:
        eq &= a[1:] == a[:-1]
    dup[idx[o][1:][eq]] = True  # the later row (by row number) of each equal pair
    return dup


def _spikes(
    d: dict[str, np.ndarray], *, max_speed_kn: float, removed: np.ndarray | None = None, passes: int = 8
) -> tuple[np.ndarray, np.ndarray]:
    """Fixes that are impossible jumps from both neighbours (iterated a few passes).

    The speed of every fix-to-next-fix edge is computed once, over the whole
    file; after that only the few fixes next to a too-fast edge can be jumps,
    so each pass looks at those alone (and recomputes the edges that skip a
    fix it rejected). Fixes marked in ``removed`` (duplicates) are not there.

    Returns
    -------
    (ndarray of bool, ndarray of bool)
        The impossible jumps, and for every kept fix whether the edge to the
        next kept fix of its vessel is too fast.
    """
    mmsi = d["mmsi"]
    n = len(mmsi)
    gone = np.zeros(n, bool) if removed is None else removed
    ar = np.arange(n)
    plain = np.where(np.r_[mmsi[1:] == mmsi[:-1], False], ar + 1, -1)
    del ar
    kept = np.flatnonzero(~gone)
    if gone.any():  # the fixes before a duplicate skip it
        before = np.flatnonzero(gone) - 1
        before = before[before >= 0]
        plain[before] = _neighbour(before, kept, mmsi, step=1)
    fast = _fast_edges(d, plain, max_speed_kn) & ~gone
    if kept.size < 3:
        return np.zeros(n, bool), fast
    change = np.flatnonzero(np.r_[True, mmsi[1:] != mmsi[:-1], True])
    many = np.repeat(np.add.reduceat(~gone, change[:-1]) >= 3, np.diff(change))  # vessels with 3 fixes or more
    del change, plain
    bad = gone.copy()
    for _ in range(passes):
        out = np.flatnonzero(fast)
        cand = np.unique(np.r_[out, _neighbour(out, kept, mmsi, step=1)])
        cand = cand[cand >= 0]
        prv, nxt = _neighbour(cand, kept, mmsi, step=-1), _neighbour(cand, kept, mmsi, step=1)
        has_prev, has_next = prv >= 0, nxt >= 0
        fast_out = fast[cand]
        fast_in = has_prev & fast[np.where(has_prev, prv, 0)]
        # an end fix is blamed only when the edge beyond its neighbour agrees with the track
        next_ok = has_next & ~fast[np.where(has_next, nxt, 0)]
        pp = _neighbour(np.where(has_prev, prv, 0), kept, mmsi, step=-1)
        prev_ok = has_prev & ~((pp >= 0) & fast[np.where(pp >= 0, pp, 0)])
        flag = many[cand] & ((fast_in & fast_out) | (~has_prev & fast_out & next_ok) | (~has_next & fast_in & prev_ok))
        if not flag.any():
            break
        newly = cand[flag]
        bad[newly] = True
        fast[newly] = False
        kept = np.flatnonzero(~bad)
        before = np.unique(_neighbour(newly, kept, mmsi, step=-1))
        before = before[before >= 0]
        fast[before] = _fast_edges(d, _neighbour(before, kept, mmsi, step=1), max_speed_kn, start=before)
    return bad & ~gone, fast


def _neighbour(idx: np.ndarray, kept: np.ndarray, mmsi: np.ndarray, *, step: int) -> np.ndarray:
    """Index of the next (``step=1``) or previous (``step=-1``) kept fix of the same vessel, or -1.

    ``kept`` holds the indices of the kept fixes, in order.
    """
    if step > 0:
        j = np.searchsorted(kept, idx, side="right")
        ok = j < kept.size
    else:
        j = np.searchsorted(kept, idx, side="left") - 1
        ok = j >= 0
    out = np.where(ok, kept[np.clip(j, 0, max(kept.size - 1, 0))] if kept.size else 0, -1)
    ok &= mmsi[np.where(ok, out, 0)] == mmsi[idx] if idx.size else ok
    return np.where(ok, out, -1)


def _fast_edges(
    d: Mapping[str, np.ndarray],
    nxt: np.ndarray,
    max_speed_kn: float,
    *,
    start: np.ndarray | None = None,
    block: int = 1 << 20,
) -> np.ndarray:
    """True where the implied speed from fix ``start[k]`` (default: k) to fix ``nxt[k]`` exceeds ``max_speed_kn``."""
    n = len(nxt)
    out = np.zeros(n, bool)
    t, lat, lon = d["t"], d["lat"], d["lon"]
    for s in range(0, n, block):
        e = min(n, s + block)
        i = np.arange(s, e) if start is None else start[s:e]
        j = nxt[s:e]
        ok = j >= 0
        jj = np.where(ok, j, i)
        dt = np.maximum((t[jj] - t[i]) / 1e9, 1.0)
        speed = haversine_m(lon[i], lat[i], lon[jj], lat[jj]) / dt / KNOT_M_S
        out[s:e] = ok & (speed > max_speed_kn)
    return out


def _rejects_from(d: dict[str, np.ndarray], sel: np.ndarray, reason: str) -> pd.DataFrame:
    idx = np.flatnonzero(sel)
    times = pd.to_datetime(d["t"][idx], unit="ns", utc=True).strftime("%Y-%m-%dT%H:%M:%SZ")
    return pd.DataFrame(
        {
            "row": d["row"][idx],
            "reason": reason,
            "mmsi": d["mmsi"][idx].astype(str),
            "time": np.asarray(times, dtype=object),
            "lat": d["lat"][idx].astype(str),
            "lon": d["lon"][idx].astype(str),
        }
    )


#: columns of the rejects table and of the ``--rejects`` file
REJECT_COLUMNS = ("row", "reason", "mmsi", "time", "lat", "lon", "line", "text")


def normalise_rejects(rejects: pd.DataFrame, *, line_offset: int | None = None) -> pd.DataFrame:
    """Rejects with fixed columns (:data:`REJECT_COLUMNS`) and types, sorted by row.

    ``row`` is the data row number (int64); ``line`` the line of the file,
    ``row + line_offset`` (1 for CSV, whose header is line 1; 0 for NMEA), or
    empty when ``line_offset`` is None (Parquet); ``text`` the line of a
    malformed row; the rest text.
    """
    out = rejects.copy()
    if "text" not in out:
        out["text"] = ""
    out["text"] = out["text"].fillna("")
    out = out[[c for c in REJECT_COLUMNS if c != "line"]].astype(
        {"row": np.int64, **dict.fromkeys(("reason", "mmsi", "time", "lat", "lon", "text"), object)}
    )
    line = (
        (out["row"] + line_offset).astype("Int64")
        if line_offset is not None
        else pd.array([None] * len(out), dtype="Int64")
    )
    out.insert(6, "line", line)
    return out.sort_values("row", kind="stable", ignore_index=True)


def empty_rejects() -> pd.DataFrame:
    """An empty rejects table (before :func:`normalise_rejects`)."""
    return pd.DataFrame(
        {"row": np.array([], np.int64), **{c: np.array([], object) for c in ("reason", "mmsi", "time", "lat", "lon")}}
    )


def _empty(key: str) -> np.ndarray:
    dtypes = {
        "naive": bool,
        "row": np.int64,
        "mmsi": np.int64,
        "t": np.int64,
        "lat": np.float64,
        "lon": np.float64,
        "sog": np.float32,
        "name_code": np.int32,
        "inside": bool,
    }
    return np.array([], dtypes[key])
