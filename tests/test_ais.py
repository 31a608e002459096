"""Reading and cleaning AIS positions: column layouts, times, counted rejects, chunking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from geomap.errors import InputError
from geomap.vessels.read import parse_columns_option, read_positions
from geomap.vessels.report import write_rejects

T0 = pd.Timestamp("2024-01-01T00:00:00Z")

US_HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType\n"


def _us_row(mmsi, minutes, lat, lon, sog=10.0, name="ALPHA", time=None):
    time = time if time is not None else (T0 + pd.Timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{mmsi},{time},{lat},{lon},{sog},90,90,{name},IMO1234567,BABC,80\n"


def _clean_track(mmsi=1001, n=6, lat=26.0, lon0=119.0):
    # 0.01 deg of longitude every 10 min: about 3.6 kn, a possible speed
    return "".join(_us_row(mmsi, 10 * i, lat, round(lon0 + 0.01 * i, 5)) for i in range(n))


def test_us_archive_columns_are_recognised(tmp_path):
    f = tmp_path / "us.csv"
    f.write_text(US_HEADER + _clean_track())
    pos = read_positions(f)
    assert (
        pos.columns["mmsi"] == "MMSI" and pos.columns["time"] == "BaseDateTime" and pos.columns["name"] == "VesselName"
    )
    assert len(pos) == 6
    assert pos.vessel_names() == {1001: "ALPHA"}
    assert np.allclose(pos.lon, 119.0 + 0.01 * np.arange(6))
    assert pos.t[1] - pos.t[0] == 600 * 10**9


def test_lower_case_columns_are_recognised(tmp_path):
    f = tmp_path / "lower.csv"
    f.write_text(
        "mmsi,timestamp,lat,lon,sog,cog,name\n1,2024-01-01T00:00:00Z,10,20,1,0,X\n1,2024-01-01T00:10:00Z,10,20.01,1,0,X\n"
    )
    pos = read_positions(f)
    assert len(pos) == 2 and pos.columns["time"] == "timestamp"
    assert pos.naive_times == 0


def test_columns_option_names_other_columns(tmp_path):
    f = tmp_path / "other.csv"
    f.write_text("ship,when,Y,X\n7,1704067200,10,20\n7,1704067800,10,20.01\n")
    with pytest.raises(InputError, match=r"no column recognised for mmsi, time.*mmsi=COLUMN"):
        read_positions(f)
    pos = read_positions(f, columns=parse_columns_option("mmsi=ship,time=when"))
    assert list(pos.mmsi) == [7, 7]
    assert pos.t[0] == pd.Timestamp("2024-01-01T00:00:00Z").value


def test_columns_option_errors_name_the_problem(tmp_path):
    with pytest.raises(InputError, match="unknown column 'speedy'"):
        parse_columns_option("speedy=x")
    with pytest.raises(InputError, match="name=COLUMN"):
        parse_columns_option("mmsi")
    f = tmp_path / "a.csv"
    f.write_text("mmsi,timestamp,lat,lon\n")
    with pytest.raises(InputError, match="mmsi=nope: no such column"):
        read_positions(f, columns={"mmsi": "nope"})


def test_time_forms_and_naive_times_are_reported(tmp_path):
    f = tmp_path / "times.csv"
    f.write_text(
        "mmsi,timestamp,lat,lon\n"
        "1,2024-01-01T08:00:00+08:00,10,20\n"  # = 00:00Z
        "1,2024-01-01T00:10:00Z,10,20.01\n"
        "1,2024-01-01T00:20:00,10,20.02\n"  # no zone: read as UTC
        "1,2024-01-01 00:30:00,10,20.03\n"  # no zone, space separator
        "1,1704069600,10,20.04\n"  # epoch seconds = 00:40Z
    )
    pos = read_positions(f)
    expected = [T0 + pd.Timedelta(minutes=m) for m in (0, 10, 20, 30, 40)]
    assert list(pos.t) == [e.value for e in expected]
    assert pos.naive_times == 2
    assert "2 times had no time zone and were read as UTC" in pos.summary()["time_note"]


def test_every_kind_of_bad_row_is_counted_and_kept_for_rejects(tmp_path):
    rows = [
        _us_row(1001, 0, 26.0, 119.00),  # row 1
        _us_row(1001, 10, 26.0, 119.01),  # row 2
        _us_row(1001, 10, 26.0, 119.01),  # row 3: exact duplicate of row 2
        _us_row(1001, 20, 29.0, 119.02),  # row 4: 3 degrees in 10 minutes: impossible jump
        _us_row(1001, 30, 26.0, 119.03),  # row 5
        _us_row(1001, 40, "abc", 119.04),  # row 6: latitude not a number
        _us_row(1001, 50, "", 119.05),  # row 7: latitude empty
        _us_row(1001, 60, 91, 181),  # row 8: AIS "not available" position
        _us_row(1001, 70, 26.0, 119.07, time="yesterday"),  # row 9: bad time
        _us_row("", 80, 26.0, 119.08),  # row 10: no MMSI
        _us_row(1001, 90, 26.0, 119.09),  # row 11
    ]
    f = tmp_path / "dirty.csv"
    f.write_text(US_HEADER + "".join(rows))
    pos = read_positions(f)
    assert pos.reject_counts() == {
        "malformed_row": 0,
        "bad_sentence": 0,
        "bad_mmsi": 1,
        "bad_time": 1,
        "position_missing": 2,
        "position_out_of_range": 1,
        "duplicate": 1,
        "impossible_jump": 1,
    }
    assert list(pos.row) == [1, 2, 5, 11]
    rej = pos.rejects.set_index("row")["reason"].to_dict()
    assert rej == {
        3: "duplicate",
        4: "impossible_jump",
        6: "position_missing",
        7: "position_missing",
        8: "position_out_of_range",
        9: "bad_time",
        10: "bad_mmsi",
    }
    s = pos.summary()
    assert s["rows_read"] == 11 and s["rows_kept"] == 4 and s["rows_rejected"] == 7
    out = tmp_path / "rejects.csv"
    write_rejects(pos.rejects, out)
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns) == ["row", "reason", "mmsi", "time", "lat", "lon", "line", "text"]
    assert written.loc[written["row"] == "6", "line"].item() == "7"  # the header is line 1
    assert written.loc[written["row"] == "6", "lat"].item() == "abc"
    assert written.loc[written["row"] == "9", "time"].item() == "yesterday"


def test_a_jump_the_track_continues_from_is_kept_and_breaks_the_track(tmp_path):
    # two self-consistent halves far apart: neither side can be blamed
    rows = [_us_row(5, 10 * i, 26.0, 119.0 + 0.01 * i) for i in range(4)]
    rows += [_us_row(5, 10 * i, 30.0, 119.0 + 0.01 * i) for i in range(4, 8)]
    f = tmp_path / "jump.csv"
    f.write_text(US_HEADER + "".join(rows))
    pos = read_positions(f)
    assert len(pos) == 8 and pos.reject_counts()["impossible_jump"] == 0
    assert list(pos.breaks) == [1, 0, 0, 0, 3, 0, 0, 0]


def test_small_chunks_give_the_same_result_as_one_chunk(tmp_path):
    rng = np.random.default_rng(1)
    rows = []
    for v in range(5):
        for i in range(60):
            rows.append(_us_row(2000 + v, 5 * i, round(20 + v + 0.001 * i, 5), round(120 + 0.002 * i, 5)))
    dups = rows[::17]
    rows += dups  # duplicates far from their originals, in other chunks
    order = rng.permutation(len(rows))
    f = tmp_path / "many.csv"
    f.write_text(US_HEADER + "".join(rows[i] for i in order))
    whole = read_positions(f)
    chunked = read_positions(f, chunk_bytes=2048)
    for key in ("row", "mmsi", "t", "lat", "lon", "sog", "breaks"):
        assert np.array_equal(getattr(whole, key), getattr(chunked, key)), key
    assert whole.reject_counts()["duplicate"] == len(dups) == chunked.reject_counts()["duplicate"]
    assert whole.vessel_names() == chunked.vessel_names()


def test_parquet_file_and_partitioned_folder_read_like_csv(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(US_HEADER + _clean_track(1001) + _clean_track(1002, lat=27.0))
    from_csv = read_positions(f)
    df = pd.DataFrame(
        {
            "mmsi": from_csv.mmsi,
            "timestamp": pd.to_datetime(from_csv.t, unit="ns", utc=True),
            "lat": from_csv.lat,
            "lon": from_csv.lon,
            "sog": from_csv.sog,
            "name": "ALPHA",
        }
    )
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), tmp_path / "a.parquet")
    from_pq = read_positions(tmp_path / "a.parquet")
    assert np.array_equal(from_pq.t, from_csv.t) and np.array_equal(from_pq.lon, from_csv.lon)
    assert from_pq.naive_times == 0  # a zoned timestamp type
    folder = tmp_path / "parts"
    for m, part in df.groupby("mmsi"):
        (folder / f"vessel={m}").mkdir(parents=True)
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), folder / f"vessel={m}" / "part.parquet")
    from_dir = read_positions(folder)
    assert np.array_equal(from_dir.t, from_csv.t) and np.array_equal(from_dir.mmsi, from_csv.mmsi)


def test_missing_and_empty_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_positions(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_positions(empty)
