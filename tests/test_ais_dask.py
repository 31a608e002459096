"""``--engine dask`` gives the default engine's visits, events and rejects, on a real local cluster."""

from __future__ import annotations

import distributed
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from geomap.vessels.analysis import analyse, resolve_area

# dask's own Parquet reader still uses a pandas keyword that pandas 3 deprecates
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")

T0 = pd.Timestamp("2024-01-01T00:00:00Z")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as c:
        yield c


@pytest.fixture
def partitioned(tmp_path, bay_file):
    """40 vessels crossing, anchoring in and drifting around the bay, in Parquet partitions by day."""
    rng = np.random.default_rng(7)
    frames = []
    for v in range(40):
        n = 150
        minutes = np.cumsum(rng.uniform(3, 12, n))
        minutes[n // 2 :] += 420 if v % 5 == 0 else 0  # some vessels have a 7 h gap
        speed_deg = rng.choice([0.0002, 0.002, 0.004])
        lat = 26.45 + 0.3 * rng.random() + np.cumsum(rng.normal(0, speed_deg / 3, n))
        lon = 119.35 + np.cumsum(np.full(n, speed_deg)) + 0.1 * rng.random()
        frames.append(
            pd.DataFrame(
                {
                    "mmsi": 412_000_000 + v,
                    "timestamp": T0 + pd.to_timedelta(minutes, unit="min"),
                    "lat": lat,
                    "lon": lon,
                    "sog": np.float32(speed_deg * 60 * 60 / 10),
                    "name": f"SHIP <{v}>",
                }
            )
        )
    df = pd.concat(frames, ignore_index=True).sort_values("timestamp", kind="stable", ignore_index=True)
    df.loc[5, "lat"] = np.nan  # dirty rows too
    df.loc[9, "lon"] = 181.0
    df = pd.concat([df, df.iloc[[20, 30]]], ignore_index=True)  # exact duplicates
    folder = tmp_path / "ais"
    df["day"] = df["timestamp"].dt.strftime("%Y-%m-%d")
    for day, part in df.groupby("day"):
        (folder / f"day={day}").mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pandas(part.drop(columns="day"), preserve_index=False),
            folder / f"day={day}" / "part-0.parquet",
        )
    return folder, bay_file


def test_dask_engine_gives_the_same_visits_events_and_rejects(cluster, partitioned):
    folder, bay = partitioned
    area = resolve_area(area=bay)
    default = analyse(folder, area=area, events=True)
    dask = analyse(folder, area=area, events=True, engine="dask", scheduler=cluster.scheduler_address)
    assert len(default.visits) > 20 and default.visits["split"].any()
    assert len(default.events) > 0
    pd.testing.assert_frame_equal(default.visits.drop(columns=["_first", "_last"]), dask.visits)
    pd.testing.assert_frame_equal(default.events, dask.events)
    assert dask.summary["rejected"] == default.summary["rejected"]
    assert default.summary["rejected"]["duplicate"] == 2
    assert default.summary["rejected"]["position_missing"] == 1
    assert default.summary["rejected"]["position_out_of_range"] == 1
    for key in ("rows_read", "rows_kept", "vessels", "naive_times", "visits"):
        assert dask.summary[key] == default.summary[key], key
    assert sorted(dask.rejects["reason"]) == sorted(default.rejects["reason"])


def test_workers_read_byte_ranges_of_a_csv_and_number_rows_as_the_default_engine(cluster, tmp_path):
    """Parts of a few hundred bytes cut rows, malformed rows and blank lines; rows and lines still match."""
    from geomap.vessels.dask_engine import analyse_dask, plan_parts

    rng = np.random.default_rng(3)
    lines = ["MMSI,BaseDateTime,LAT,LON,SOG,VesselName"]
    for i in range(400):
        v = 412_000_000 + i % 7
        lines.append(
            f"{v},2024-01-01T{i // 60 % 24:02d}:{i % 60:02d}:00,{26.5 + rng.random() / 50:.5f},119.6,1.0,SHIP {v}"
        )
        if i % 37 == 0:
            lines.append("412000001,2024-01-01T00:00:00,26")  # too few fields
        if i % 53 == 0:
            lines += ["", '412000002,"2024-01-01T00:00:00,26.5,119.6,1,X']  # a blank line, an open quote
        if i % 41 == 0:
            lines.append(f"{v},not a time,26.5,119.6,1.0,X")
    f = tmp_path / "ais.csv"
    f.write_text("\r\n".join(lines) + "\r\n")
    _, parts = plan_parts(f, part_bytes=300)
    assert len(parts) > 50 and all(p.kind == "csv" for p in parts)
    area = resolve_area(zone="CHN:territorial_sea")
    default = analyse(f, area=area, events=True)
    visits, events, summary, rejects, _ = analyse_dask(
        f,
        area=area,
        max_gap_h=6.0,
        max_speed_kn=50.0,
        events=True,
        scheduler=cluster.scheduler_address,
        part_bytes=300,
    )
    assert summary.pop("engine") == "dask"
    for key in ("rows_read", "rows_kept", "rejected", "vessels", "naive_times", "blank_lines"):
        assert summary[key] == default.summary[key], key
    assert default.summary["rejected"]["malformed_row"] > 10 and default.summary["blank_lines"] > 5
    pd.testing.assert_frame_equal(default.rejects, rejects)
    pd.testing.assert_frame_equal(default.visits.drop(columns=["_first", "_last"]), visits)
    pd.testing.assert_frame_equal(default.events, events)


def test_a_csv_with_lone_carriage_returns_is_read_whole_by_the_client(cluster, tmp_path):
    from geomap.vessels.dask_engine import plan_parts

    f = tmp_path / "mac.csv"
    f.write_bytes(
        b"mmsi,timestamp,lat,lon\r412000001,2024-01-01T00:00:00Z,26.6,119.5\r412000001,2024-01-01T00:10:00Z,26.6,119.6\r"
    )
    _, parts = plan_parts(f, part_bytes=16)
    assert [p.kind for p in parts] == ["block"]
    default = analyse(f, area=None, events=True)
    dask = analyse(f, area=None, events=True, engine="dask", scheduler=cluster.scheduler_address)
    assert dask.summary["rows_kept"] == default.summary["rows_kept"] == 2
