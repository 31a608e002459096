"""The ``--engine dask`` path: the same analysis, with the file read and cleaned by dask workers.

The file is cut into parts that each worker reads itself: the row groups of a
Parquet file (or of each file of a folder), or byte ranges of a plain CSV file
cut at line ends. A worker cleans its part with the default engine's chunk
cleaner, tests its positions against the zone or area, and splits the compact
columns it keeps by vessel (MMSI modulo the number of vessel groups). A task per
vessel group then gathers that group's columns from every part and runs the
default engine's sorting, duplicate and jump checks, visits and single-vessel
events; only those per-vessel results come back to the client, which joins the
vessel groups' encounter samples (encounters pair vessels of different groups).
Gzip-compressed CSV, NMEA logs and standard input cannot be cut without being
read: the client reads their blocks and the workers clean them.

Rows are numbered as the default engine numbers them (a CSV part's lines are
counted by its worker, and each part's first row follows from the counts of the
parts before it), so the results are the default engine's, row for row.

Runs in threads of this process with dask's threaded scheduler (no cluster to
start), or on the dask.distributed cluster whose scheduler address is given; a
cluster's workers must reach the file by the same path.
"""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from geomap.defaults import EventOptions
from geomap.errors import InputError
from geomap.vessels.areas import Area
from geomap.vessels.csv_blocks import BLOCK_BYTES, RowBlock, csv_blocks, read_header
from geomap.vessels.read import (
    REJECT_REASONS,
    build_positions,
    clean_batch,
    empty_rejects,
    is_parquet,
    malformed_rejects,
    name_late,
    normalise_rejects,
    prefetch,
    recognise_columns,
    row_blocks,
    typed_columns,
)

__all__ = ["analyse_dask", "plan_parts"]

#: rows of Parquet per part (whole row groups), and bytes of CSV per part
PART_ROWS = 1_000_000
PART_BYTES = 128 << 20
_KEYS = ("row", "mmsi", "t", "lat", "lon", "sog", "name_code", "naive", "inside")
_DTYPES = {
    "row": np.int64,
    "mmsi": np.int64,
    "t": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "sog": np.float32,
    "name_code": np.int32,
    "naive": bool,
    "inside": bool,
}


@dataclasses.dataclass(frozen=True)
class Part:
    """One part of the input, read by one task.

    Attributes
    ----------
    kind : {"parquet", "csv", "block"}
    path : str
        The file (Parquet or CSV); empty for a block.
    row_groups : tuple of int
        Parquet: the row groups of the part.
    first_row : int
        Parquet: the data row number of the part's first row.
    start, end : int
        CSV: the byte range; the part holds the lines that begin in it.
    block : RowBlock or None
        A block read by the client (gzip CSV, NMEA, standard input).
    """

    kind: str
    path: str = ""
    row_groups: tuple[int, ...] = ()
    first_row: int = 1
    start: int = 0
    end: int = 0
    block: RowBlock | None = None


def analyse_dask(
    path: str | os.PathLike,
    *,
    area: Area | None,
    columns: Mapping[str, str] | None = None,
    max_gap_h: float,
    max_speed_kn: float,
    events: bool = False,
    event_options: EventOptions | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    part_rows: int = PART_ROWS,
    part_bytes: int = PART_BYTES,
):
    """Find visits (and events) with dask; see :func:`geomap.vessels.analysis.analyse`.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``, a
        :class:`distributed.LocalCluster`'s included); without one the work
        runs in threads of this process.
    workers : int, optional
        Threads of a run without ``scheduler`` (one per core when None).
    part_rows, part_bytes : int
        Size of the parts the workers read: Parquet rows (whole row groups)
        and CSV bytes.

    Returns
    -------
    (visits, events or None, summary, rejects, vessels or None)
    """
    try:
        import dask
    except ImportError as exc:
        raise InputError(
            f"the dask engine needs dask[distributed] ({exc.name} is missing); install it with: pip install 'geomap[dask]'"
        ) from None

    p = Path(path)
    if str(path) != "-" and not p.exists():
        raise InputError(
            f"{p}: no such file; give a Parquet file, a folder of Parquet files, a CSV file or an NMEA log"
        )
    options = event_options or EventOptions()
    client = _connect(scheduler) if scheduler else None
    try:  # a client is the default scheduler until it is closed
        threads = sum(client.nthreads().values()) if client is not None else int(workers or os.cpu_count() or 1)
        groups = max(1, threads)
        cols, parts = plan_parts(p, columns=columns, part_rows=part_rows, part_bytes=part_bytes)
        read = [dask.delayed(_read_part, nout=groups + 2, pure=False)(part, cols, area, groups) for part in parts]
        heads = [r[0] for r in read]
        tasks = [
            dask.delayed(_analyse_group, pure=False)(
                [r[k + 2] for r in read], heads, area, max_gap_h, max_speed_kn, events, options
            )
            for k in range(groups)
        ]
        local = {} if client is not None else {"scheduler": "threads", "num_workers": threads}
        head_values, rejects, results = dask.compute(heads, [r[1] for r in read], tasks, **local)
    finally:
        if client is not None:
            client.close()
    return _merge(results, head_values, rejects, path=str(p), area=area, events=events, options=options)


def _connect(scheduler: str):
    """A distributed client of the scheduler at ``scheduler``, or an InputError naming what is wrong."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise InputError(
            f"--scheduler needs dask[distributed] ({exc.name} is missing); install it with: pip install 'geomap[dask]'"
        ) from None
    try:
        return Client(scheduler)
    except OSError as exc:
        raise InputError(f"dask scheduler {scheduler}: cannot connect ({exc}); check the address") from None


# --------------------------------------------------------------------------- parts


def plan_parts(
    p: Path, *, columns: Mapping[str, str] | None = None, part_rows: int = PART_ROWS, part_bytes: int = PART_BYTES
):
    """The column map and the :class:`Part` list of an input, read from its metadata only (or its blocks).

    Parquet parts are whole row groups (``part_rows`` rows or more), CSV parts
    byte ranges of ``part_bytes``; other inputs are read here, block by block.
    """
    if str(p) != "-" and is_parquet(p):
        return _parquet_parts(p, columns=columns, part_rows=part_rows)
    if str(p) != "-" and p.is_file() and not _packed_or_nmea(p):
        cols = recognise_columns(read_header(p), override=columns, path=str(p))
        size = p.stat().st_size
        cuts = list(range(0, size, part_bytes)) + [size]
        return cols, [Part("csv", path=str(p), start=a, end=b) for a, b in zip(cuts[:-1], cuts[1:])] or [
            Part("csv", path=str(p), start=0, end=0)
        ]
    parts: list[Part] = []
    found: dict[str, str] = {}
    for cols, block in row_blocks(p, columns=columns):
        found = cols  # the same map for every block
        parts.append(Part("block", block=block))
    return found, parts


def _packed_or_nmea(p: Path) -> bool:
    """True for a file that cannot be cut into byte ranges of lines: gzip, an NMEA log, lines ended by a lone ``\\r``."""
    from geomap.vessels.csv_blocks import open_input
    from geomap.vessels.nmea import looks_like_nmea

    with open_input(str(p)) as (_, size, stream):
        if size is None or looks_like_nmea(stream):
            return True
        head = stream.peek(1 << 16)[: 1 << 16]  # type: ignore[attr-defined]
    first = head.split(b"\n", 1)[0]
    return b"\r" in first.removesuffix(b"\r")


def _parquet_parts(p: Path, *, columns, part_rows: int):
    import pyarrow.dataset as ds

    try:
        dataset = ds.dataset(p, format="parquet", partitioning="hive" if p.is_dir() else None)
        cols = recognise_columns(dataset.schema.names, override=columns, path=str(p))
        parts: list[Part] = []
        first = 1
        for fragment in dataset.get_fragments():
            physical = fragment.physical_schema.names
            if any(c not in physical for c in cols.values()):  # a column from the folder names: read by the client
                return cols, [Part("block", block=b) for _, b in row_blocks(p, columns=columns)]
            meta = fragment.metadata
            sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
            group: list[int] = []
            rows = 0
            for i, n in enumerate(sizes):
                group.append(i)
                rows += n
                if rows >= part_rows or i == len(sizes) - 1:
                    parts.append(Part("parquet", path=fragment.path, row_groups=tuple(group), first_row=first))
                    first += rows
                    group, rows = [], 0
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{p}: cannot be read as Parquet ({str(exc).strip().splitlines()[0]}); give a Parquet file or a folder of them"
        ) from None
    return cols, parts


def _read_part(part: Part, cols: Mapping[str, str], area: Area | None, groups: int) -> tuple:
    """Read and clean one part; return its counts, its rejects and its kept columns split into vessel groups."""
    head: dict[str, Any] = {
        "rows_read": 0,
        "blank_lines": 0,
        "other_messages": 0,
        "line_offset": 1,
        "lines": 0,
        "late_names": {},
    }
    names: dict[str, int] = {}
    pieces: list[dict[str, Any]] = [{k: [] for k in _KEYS} for _ in range(groups)]
    rejects: list[pd.DataFrame] = []
    for block in prefetch(_part_blocks(part, cols, head)):  # the next block is read while this one is cleaned
        arrays, bad = clean_batch(block.batch, cols, rows=block.rows, names=names, mask=area)
        if area is None:
            arrays["inside"] = np.zeros(len(arrays["row"]), bool)
        bucket = (arrays["mmsi"] % groups).astype(np.uint16 if groups < 1 << 16 else np.uint32)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(groups + 1))
        for k, piece in enumerate(pieces):
            take = order[bounds[k] : bounds[k + 1]]
            for key in _KEYS:
                piece[key].append(arrays[key][take])
        rejects += [r for r in (bad, malformed_rejects(block.malformed, reason=block.malformed_reason)) if len(r)]
        head["rows_read"] += block.rows.size + len(block.malformed)
        head["blank_lines"] += block.blank_lines
        head["other_messages"] += block.other_messages
        head["line_offset"] = block.line_offset
        head["late_names"].update(block.late_names)
        del arrays, order
    for piece in pieces:
        piece["names"] = list(names)
    return (head, pd.concat(rejects, ignore_index=True) if rejects else empty_rejects(), *pieces)


def _part_blocks(part: Part, cols: Mapping[str, str], head: dict):
    """The row blocks of one part (rows numbered within the part for CSV, from the file for the rest)."""
    if part.kind == "block":
        assert part.block is not None
        yield part.block
    elif part.kind == "parquet":
        yield from _parquet_blocks(part, cols)
    else:
        yield from _csv_range_blocks(part, cols, head)


def _parquet_blocks(part: Part, cols: Mapping[str, str]):
    import pyarrow.parquet as pq

    first = part.first_row
    try:
        batches = pq.ParquetFile(part.path).iter_batches(
            batch_size=BLOCK_BYTES // 64, row_groups=list(part.row_groups), columns=list(dict.fromkeys(cols.values()))
        )
        for batch in batches:  # read as they are cleaned
            if not batch.num_rows:
                continue
            rows = np.arange(first, first + batch.num_rows, dtype=np.int64)
            first += batch.num_rows
            yield RowBlock(batch, rows, [], 0, None, line_offset=None)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{part.path}: cannot be read as Parquet after row {first - 1} ({str(exc).strip().splitlines()[0]}); "
            "the file may be damaged"
        ) from None


def _csv_range_blocks(part: Part, cols: Mapping[str, str], head: dict):
    """The blocks of the lines that begin in a CSV part's byte range, numbered from 1 within the part."""
    with open(part.path, "rb") as f:
        header = f.readline()
        start = len(header)  # where the first data line begins
        if part.start > start:
            f.seek(part.start - 1)
            if f.read(1) != b"\n":
                f.readline()  # the line that began before the range belongs to the part before
            start = f.tell()
        f.seek(start)
        data = f.read(max(part.end - start, 0))
        if data and data[-1:] != b"\n":
            data += f.readline()  # the line that begins in the range ends after it
    # lines as the block reader counts them (\r\n and a lone \r end a line too)
    breaks = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    head["lines"] = breaks + (1 if data and data[-1:] not in (b"\n", b"\r") else 0)
    if not data:
        return
    yield from csv_blocks(io.BytesIO(header + data), header_check=lambda names: typed_columns(cols), name=part.path)


# --------------------------------------------------------------------------- per vessel group


def _analyse_group(
    pieces: list[dict],
    heads: list[dict],
    area: Area | None,
    max_gap_h: float,
    max_speed_kn: float,
    events: bool,
    options,
):
    """Visits, late rejects, single-vessel events and encounter samples of one vessel group."""
    from geomap.vessels.events import encounter_samples, vessel_events
    from geomap.vessels.identity import vessel_table
    from geomap.vessels.visits import empty_visits, find_visits, track_pieces

    bases = _row_bases(heads)
    names: dict[str, int] = {}
    cols: dict[str, list[np.ndarray]] = {k: [] for k in _KEYS}
    for piece, base in zip(pieces, bases):
        remap = np.array([names.setdefault(n, len(names)) for n in piece["names"]] + [-1], np.int32)
        for k in _KEYS:
            for v in piece[k]:
                if k == "row":
                    v = v + base
                elif k == "name_code":
                    v = remap[v]  # -1 (no name) picks the trailing -1
                cols[k].append(v)
    data = {k: np.concatenate([np.array([], _DTYPES[k]), *v]).astype(_DTYPES[k], copy=False) for k, v in cols.items()}
    name_late(data, {m: n for h in heads for m, n in h["late_names"].items()}, names)
    pos = build_positions(
        data, names=list(names), rejects=[], path="", columns={}, rows_read=len(data["row"]), max_speed_kn=max_speed_kn
    )
    track = track_pieces(pos, max_gap_h=max_gap_h)
    visits = find_visits(pos, area, zone_name=area.name, pieces=track) if area is not None else empty_visits()
    out = {
        "visits": visits.drop(columns=["_first", "_last"]),
        "rejects": pos.rejects,
        "kept": len(pos),
        "naive": pos.naive_times,
        "vessels": int(np.unique(pos.mmsi).size),
        "names": pos.vessel_names(),
    }
    if events:
        out["events"] = vessel_events(pos, options=options, pieces=track, max_speed_kn=max_speed_kn)
        out["vessel_table"] = vessel_table(pos)
        out["samples"] = encounter_samples(
            pos, speed_kn=options.encounter_speed_kn, step_min=options.step_min, pieces=track
        )
    return out


def _row_bases(heads: list[dict]) -> list[int]:
    """What to add to each part's row numbers: the lines of the CSV parts before it (0 for the other kinds)."""
    lines = np.array([h["lines"] for h in heads], np.int64)
    return [int(b) for b in np.r_[0, np.cumsum(lines)[:-1]]] if len(lines) else []


def _merge(
    results,
    heads: list[dict],
    part_rejects: list[pd.DataFrame],
    *,
    path: str,
    area: Area | None,
    events: bool,
    options: EventOptions,
):
    """One result from the groups' results: visits, events, summary and rejects as the default engine gives them."""
    from geomap.vessels.visits import empty_visits

    frames = [r["visits"] for r in results if len(r["visits"])]
    visits = pd.concat(frames, ignore_index=True) if frames else empty_visits().drop(columns=["_first", "_last"])
    visits = visits.sort_values(["mmsi", "entry_time"], kind="stable", ignore_index=True)
    first = []
    for rej, base in zip(part_rejects, _row_bases(heads)):
        if len(rej):
            first.append(rej.assign(row=rej["row"].to_numpy(np.int64) + base))
    rej_frames = [f for f in [*first, *(r["rejects"] for r in results)] if len(f)]
    rejects = pd.concat(rej_frames, ignore_index=True) if rej_frames else empty_rejects()
    line_offset = heads[-1]["line_offset"] if heads else 1
    rejects = normalise_rejects(rejects, line_offset=line_offset)
    counts = rejects["reason"].value_counts()
    rejected = {r: int(counts.get(r, 0)) for r in REJECT_REASONS}
    naive = sum(r["naive"] for r in results)
    summary = {
        "file": path,
        "rows_read": int(sum(h["rows_read"] for h in heads)),
        "rows_kept": int(sum(r["kept"] for r in results)),
        "rows_rejected": sum(rejected.values()),
        "rejected": rejected,
        "vessels": int(sum(r["vessels"] for r in results)),
        "naive_times": int(naive),
        "blank_lines": int(sum(h["blank_lines"] for h in heads)),
        "other_messages": int(sum(h["other_messages"] for h in heads)),
        "time_note": f"{naive} times had no time zone and were read as UTC"
        if naive
        else "all times carried a time zone",
        "engine": "dask",
    }
    ev = table = None
    if events:
        from geomap.vessels.events import combine_events, encounters_from_samples

        tables = [r["vessel_table"] for r in results if len(r["vessel_table"])]
        table = (
            pd.concat(tables, ignore_index=True).sort_values("mmsi", ignore_index=True)
            if tables
            else results[0]["vessel_table"]
        )
        names: dict[int, str] = {}
        for r in results:
            names.update(r["names"])
        samples = [r["samples"] for r in results if len(r["samples"])]
        meet = encounters_from_samples(
            pd.concat(samples, ignore_index=True) if samples else pd.DataFrame(columns=["mmsi", "k", "lon", "lat"]),
            names,
            distance_m=options.encounter_distance_m,
            min_hours=options.encounter_hours,
            step_min=options.step_min,
        )
        ev = combine_events([*(f for r in results for f in r["events"]), meet], area=area, options=options)
    return visits, ev, summary, rejects, table
