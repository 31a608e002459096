"""The ``--engine dask`` path: the same analysis on the partitions of a dask-geopandas frame.

A Parquet file or folder of partitioned Parquet is read with
``dask.dataframe`` and each partition is parsed and checked row by row with the
default engine's chunk cleaner; a CSV file is read by the default engine's
block reader (so that malformed rows are found and numbered the same way) and
its blocks become the partitions; a dask-geopandas point frame tests membership
in the zone or area; a dask shuffle on MMSI puts every vessel's fixes in one
partition; and each partition then runs the default engine's track checks,
visit finder and loitering detector. Encounters need vessels from different
partitions: each partition returns its slow vessels' grid samples, which are
joined once on the client. The results are those of the default engine.

Runs on a :class:`distributed.LocalCluster` unless a scheduler address is given.
"""

from __future__ import annotations

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
from geomap.vessels.read import (
    REJECT_REASONS,
    build_positions,
    clean_batch,
    empty_rejects,
    is_parquet,
    malformed_rejects,
    normalise_rejects,
    recognise_columns,
    row_blocks,
)

__all__ = ["analyse_dask"]

_CLEAN_META = {
    "row": np.int64,
    "mmsi": np.int64,
    "t": np.int64,
    "lat": np.float64,
    "lon": np.float64,
    "sog": np.float32,
    "name": "str",  # Arrow-backed strings: no Python object per row
    "naive": bool,
}


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
):
    """Find visits (and events) with dask; see :func:`geomap.vessels.analysis.analyse`.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); a local
        cluster is started (and closed) when None.
    workers : int, optional
        Worker threads of the local cluster (dask's default, one per core,
        when None); ignored with ``scheduler``.

    Returns
    -------
    (visits, events or None, summary, rejects, vessels or None)
    """
    try:
        import dask
        import dask.dataframe as dd
        import dask_geopandas
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputError(
            f"the dask engine needs dask[distributed] and dask-geopandas ({exc.name} is missing); "
            "install them with: pip install 'geomap[dask]'"
        ) from None

    p = Path(path)
    if str(path) != "-" and not p.exists():
        raise InputError(
            f"{p}: no such file; give a Parquet file, a folder of Parquet files, a CSV file or an NMEA log"
        )
    options = event_options or EventOptions()

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler)
        except OSError as exc:
            raise InputError(f"dask scheduler {scheduler}: cannot connect ({exc}); check the address") from None
    else:
        kw = {} if workers is None else {"n_workers": 1, "threads_per_worker": int(workers)}
        cluster = LocalCluster(processes=False, dashboard_address=None, **kw)
        client = Client(cluster)
    try:  # the client is the default scheduler until it is closed
        if str(path) != "-" and is_parquet(p):
            parsed, counts = _parse_parquet(p, columns=columns, dd=dd)
        else:
            parsed, counts = _parse_text(p, columns=columns, dd=dd)
        parsed = parsed.persist()
        rejects1 = parsed[parsed["reason"] != ""][["row", "reason", *_RAW]]
        clean = parsed[parsed["reason"] == ""][list(_CLEAN_META)]
        meta = _parsed_meta()[list(_CLEAN_META)].assign(inside=pd.Series(dtype=bool))
        if area is not None:
            points = dask_geopandas.from_dask_dataframe(
                clean, geometry=dask_geopandas.points_from_xy(clean, x="lon", y="lat", crs="EPSG:4326")
            )
            clean = points.map_partitions(_with_inside, area, meta=meta)
        else:
            clean = clean.assign(inside=False)
        by_vessel = clean.shuffle(on="mmsi", shuffle_method="tasks")
        parts = [
            dask.delayed(_analyse_partition)(part, area, max_gap_h, max_speed_kn, events, options)
            for part in by_vessel.to_delayed()
        ]
        rejects_first = rejects1.compute()
        (results,) = dask.compute(parts)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return _merge(
        results,
        rejects_first,
        read_counts=counts,
        path=str(p),
        area=area,
        events=events,
        options=options,
    )


# --------------------------------------------------------------------------- reading

#: raw text of rejected rows, as the rejects table names them
_RAW = {"raw_mmsi": "mmsi", "raw_time": "time", "raw_lat": "lat", "raw_lon": "lon", "raw_text": "text"}


def _parse_parquet(p: Path, *, columns, dd):
    """Parquet partitions read by dask workers, each parsed by the default engine's cleaner."""
    import pyarrow.dataset as ds

    try:
        names = ds.dataset(p, format="parquet", partitioning="hive" if p.is_dir() else None).schema.names
    except (pa.ArrowException, OSError) as exc:
        raise InputError(
            f"{p}: cannot be read as Parquet ({str(exc).splitlines()[0]}); give a Parquet file or a folder of them"
        ) from None
    cols = recognise_columns(names, override=columns, path=str(p))
    ddf = dd.read_parquet(str(p), columns=list(dict.fromkeys(cols.values())))
    lengths = ddf.map_partitions(len).compute()
    offsets = [int(o) for o in np.r_[0, np.cumsum(lengths)[:-1]] + 1]
    parsed = ddf.map_partitions(_parse_partition, cols, offsets, meta=_parsed_meta(), align_dataframes=False)
    return parsed, {"rows_read": int(sum(lengths)), "blank_lines": 0, "other_messages": 0, "line_offset": None}


def _parse_text(p: Path, *, columns, dd):
    """CSV or NMEA blocks read and parsed by the default engine's reader (malformed rows and all), as partitions."""
    frames = []
    counts: dict[str, Any] = {"rows_read": 0, "blank_lines": 0, "other_messages": 0, "line_offset": 1}
    for cols, block in row_blocks(p, columns=columns):
        names: dict[str, int] = {}
        arrays, bad = clean_batch(block.batch, cols, rows=block.rows, names=names)
        frames.append(
            _parsed_frame(arrays, [bad, malformed_rejects(block.malformed, reason=block.malformed_reason)], names)
        )
        counts["rows_read"] += block.rows.size + len(block.malformed)
        counts["blank_lines"] += block.blank_lines
        counts["other_messages"] += block.other_messages
        counts["line_offset"] = block.line_offset
    if not frames:
        frames = [_parsed_meta()]
    return dd.from_pandas(pd.concat(frames, ignore_index=True), npartitions=max(len(frames), 1)), counts


def _parsed_meta() -> pd.DataFrame:
    meta = {k: pd.Series(dtype=v) for k, v in _CLEAN_META.items()}
    meta.update({k: pd.Series(dtype="str") for k in ("reason", *_RAW)})
    return pd.DataFrame(meta)


def _parse_partition(
    df: pd.DataFrame, cols: Mapping[str, str], offsets: list[int], partition_info=None
) -> pd.DataFrame:
    """Run the default engine's chunk cleaner on one partition; rejected rows carry a reason."""
    number = partition_info["number"] if partition_info else 0
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False).combine_chunks()
    batches = table.to_batches()
    batch = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)
    names: dict[str, int] = {}
    first = int(offsets[number])
    arrays, bad = clean_batch(batch, cols, rows=np.arange(first, first + batch.num_rows, dtype=np.int64), names=names)
    return _parsed_frame(arrays, [bad], names)


def _parsed_frame(
    arrays: Mapping[str, np.ndarray], rejects: list[pd.DataFrame], names: Mapping[str, int]
) -> pd.DataFrame:
    """Kept rows and rejected rows of one partition in one frame; rejected rows carry a reason."""
    lookup = np.array([*names, ""], dtype=object)
    kept = pd.DataFrame(
        {
            **{k: arrays[k] for k in ("row", "mmsi", "t", "lat", "lon", "sog")},
            "name": lookup[arrays["name_code"]],  # -1 (no name) picks the trailing ""
            "naive": arrays["naive"],
            "reason": "",
            **dict.fromkeys(_RAW),
        }
    )
    types = {**_CLEAN_META, **dict.fromkeys(("reason", *_RAW), "str")}
    bad = [r for r in rejects if len(r)]
    if not bad:
        return kept.astype(types)
    rej = pd.concat(bad, ignore_index=True)
    rej = pd.DataFrame(
        {
            "row": rej["row"].to_numpy(np.int64),
            "mmsi": 0,
            "t": 0,
            "lat": np.nan,
            "lon": np.nan,
            "sog": np.float32(np.nan),
            "name": "",
            "naive": False,
            "reason": rej["reason"].to_numpy(),
            **{k: rej[c].fillna("").to_numpy() if c in rej else "" for k, c in _RAW.items()},
        }
    )
    return pd.concat([kept, rej], ignore_index=True).astype(types)


def _with_inside(gdf, area: Area) -> pd.DataFrame:
    """A dask-geopandas partition as a plain frame with its points' membership in the area."""
    inside = area(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy())
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).assign(inside=inside)


# --------------------------------------------------------------------------- per vessel group


def _analyse_partition(
    df: pd.DataFrame, area: Area | None, max_gap_h: float, max_speed_kn: float, events: bool, options: EventOptions
):
    """Visits, late rejects, single-vessel events and encounter samples of one partition's vessels."""
    from geomap.vessels.events import encounter_samples, vessel_events
    from geomap.vessels.identity import vessel_table
    from geomap.vessels.visits import empty_visits, find_visits, track_pieces

    codes, uniques = pd.factorize(df["name"].where(df["name"] != "", None), use_na_sentinel=True)
    data = {
        "row": df["row"].to_numpy(np.int64),
        "mmsi": df["mmsi"].to_numpy(np.int64),
        "t": df["t"].to_numpy(np.int64),
        "lat": df["lat"].to_numpy(np.float64),
        "lon": df["lon"].to_numpy(np.float64),
        "sog": df["sog"].to_numpy(np.float32),
        "name_code": codes.astype(np.int32),
        "naive": df["naive"].to_numpy(bool),
        "inside": df["inside"].to_numpy(bool),
    }
    pos = build_positions(
        data,
        names=[str(u) for u in uniques],
        rejects=[],
        path="",
        columns={},
        rows_read=len(df),
        max_speed_kn=max_speed_kn,
    )
    pieces = track_pieces(pos, max_gap_h=max_gap_h)
    visits = find_visits(pos, area, zone_name=area.name, pieces=pieces) if area is not None else empty_visits()
    out = {
        "visits": visits.drop(columns=["_first", "_last"]),
        "rejects": pos.rejects,
        "kept": len(pos),
        "naive": pos.naive_times,
        "vessels": int(np.unique(pos.mmsi).size),
        "names": pos.vessel_names(),
    }
    if events:
        out["events"] = vessel_events(pos, options=options, pieces=pieces, max_speed_kn=max_speed_kn)
        out["vessel_table"] = vessel_table(pos)
        out["samples"] = encounter_samples(
            pos, speed_kn=options.encounter_speed_kn, step_min=options.step_min, pieces=pieces
        )
    return out


def _merge(
    results,
    rejects_first: pd.DataFrame,
    *,
    read_counts: dict,
    path: str,
    area: Area | None,
    events: bool,
    options: EventOptions,
):
    """One result from the partitions' results: visits, events, summary and rejects as the default engine gives them."""
    from geomap.vessels.visits import empty_visits

    frames = [r["visits"] for r in results if len(r["visits"])]
    visits = pd.concat(frames, ignore_index=True) if frames else empty_visits().drop(columns=["_first", "_last"])
    visits = visits.sort_values(["mmsi", "entry_time"], kind="stable", ignore_index=True)
    first = rejects_first.rename(columns=_RAW)
    rej_frames = [f for f in [first, *(r["rejects"] for r in results)] if len(f)]
    rejects = pd.concat(rej_frames, ignore_index=True) if rej_frames else empty_rejects()
    rejects = normalise_rejects(rejects, line_offset=read_counts["line_offset"])
    counts = rejects["reason"].value_counts()
    rejected = {r: int(counts.get(r, 0)) for r in REJECT_REASONS}
    naive = sum(r["naive"] for r in results)
    summary = {
        "file": path,
        "rows_read": int(read_counts["rows_read"]),
        "rows_kept": int(sum(r["kept"] for r in results)),
        "rows_rejected": sum(rejected.values()),
        "rejected": rejected,
        "vessels": int(sum(r["vessels"] for r in results)),
        "naive_times": int(naive),
        "blank_lines": int(read_counts["blank_lines"]),
        "other_messages": int(read_counts["other_messages"]),
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
