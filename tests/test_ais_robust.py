"""Broken AIS files: malformed rows are rejected rows, impossible times are bad times, broken files one-line errors.

The property-based tests build CSV, gzip CSV and Parquet files from pieces of
good and bad values and run the real command on them.
"""

from __future__ import annotations

import gzip
import json
import string

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.console.cli import main
from geomap.errors import InputError
from geomap.vessels.read import read_positions

HEADER = "MMSI,BaseDateTime,LAT,LON,SOG,VesselName"
GOOD = [f"412000001,2024-01-01T00:{10 * i:02d}:00,26.6,{119.40 + 0.01 * i:.2f},9.0,ALPHA" for i in range(6)]


def _run(args, **kw):
    return CliRunner().invoke(main, ["vessels", *map(str, args)], **kw)


def _json_run(path, tmp_path, *extra):
    out, rej = tmp_path / "out.json", tmp_path / "rej.csv"
    r = _run([path, "--zone", "CHN:territorial_sea", "--format", "json", "-o", out, "--rejects", rej, *extra])
    assert r.exit_code == 0, r.output
    return json.loads(out.read_text())["summary"], pd.read_csv(rej, dtype=str, keep_default_na=False)


def _write(tmp_path, lines, name="ais.csv", end="\n"):
    f = tmp_path / name
    f.write_bytes((end.join([HEADER, *lines]) + end).encode())
    return f


# --------------------------------------------------------------------------- malformed rows


def test_ragged_rows_are_rejected_with_their_line_numbers(tmp_path):
    lines = [GOOD[0], GOOD[1].rsplit(",", 2)[0], GOOD[2] + ",extra,fields", GOOD[3], GOOD[4], GOOD[5]]
    summary, rej = _json_run(_write(tmp_path, lines), tmp_path)
    assert summary["rejected"]["malformed_row"] == 2
    assert summary["rows_read"] == 6 and summary["rows_kept"] == 4
    assert summary["rows_read"] == summary["rows_kept"] + summary["rows_rejected"]
    assert rej["line"].tolist() == ["3", "4"] and rej["row"].tolist() == ["2", "3"]
    assert rej["text"].str.contains("4 fields where the header has 6").iloc[0]
    assert "extra,fields" in rej["text"].iloc[1]


def test_an_unterminated_quote_does_not_swallow_the_lines_after_it(tmp_path):
    lines = [GOOD[0], GOOD[1].replace("ALPHA", '"ALPHA'), *GOOD[2:]]
    summary, rej = _json_run(_write(tmp_path, lines), tmp_path)
    assert summary["rows_kept"] == 5 and summary["rejected"]["malformed_row"] == 1
    assert rej["line"].tolist() == ["3"] and "quote" in rej["text"].item()


def test_quoted_fields_with_commas_and_quotes_are_read(tmp_path):
    lines = [g.replace("ALPHA", '"ALPHA, ""THE"" TANKER"') for g in GOOD]
    pos = read_positions(_write(tmp_path, lines))
    assert len(pos) == 6 and pos.vessel_names() == {412000001: 'ALPHA, "THE" TANKER'}


def test_a_last_line_cut_off_is_rejected_and_the_rest_analysed(tmp_path):
    f = tmp_path / "cut.csv"
    f.write_text("\n".join([HEADER, *GOOD, "412000001,2024-01-01T01:00:00,26"]))  # no final line break
    summary, rej = _json_run(f, tmp_path)
    assert summary["rows_read"] == 7 and summary["rows_kept"] == 6 and summary["rejected"]["malformed_row"] == 1
    assert rej["line"].tolist() == ["8"]


@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends(tmp_path, end):
    lines = [GOOD[0], "", GOOD[1], "1,2", *GOOD[2:]]
    pos = read_positions(_write(tmp_path, lines, end=end))
    assert len(pos) == 6 and pos.blank_lines == 1
    assert pos.rejects[["line", "reason"]].values.tolist() == [[5, "malformed_row"]]
    assert pos.row.tolist() == [1, 3, 5, 6, 7, 8]


def test_bytes_that_are_not_utf8_do_not_sink_the_file(tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes(("\n".join([HEADER, *GOOD]) + "\n").replace("ALPHA", "K\xf8BENHAVN").encode("latin-1"))
    pos = read_positions(f)
    assert len(pos) == 6 and pos.vessel_names() == {412000001: "K\ufffdBENHAVN"}


def test_malformed_rows_in_every_block_are_numbered_right(tmp_path):
    lines = []
    for i in range(400):
        t = pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=5 * i)
        line = f"{412000000 + i % 7},{t:%Y-%m-%dT%H:%M:%S},26.{i % 9},119.{i % 9},5,V{i % 7}"
        lines.append(line if i % 37 else line + ",x")
        if i % 53 == 0:
            lines.append('1,"open')
    f = _write(tmp_path, lines)
    whole, small = read_positions(f), read_positions(f, chunk_bytes=700)
    for key in ("row", "mmsi", "t"):
        assert np.array_equal(getattr(whole, key), getattr(small, key))
    pd.testing.assert_frame_equal(whole.rejects, small.rejects)
    expected = [n + 2 for n, line in enumerate(lines) if line.endswith(",x") or line.endswith("open")]
    malformed = whole.rejects[whole.rejects["reason"] == "malformed_row"]
    assert malformed["line"].tolist() == expected
    assert whole.rows_read == len(lines) == len(whole) + len(whole.rejects)


def test_a_line_of_megabytes_is_an_error_not_a_memory_sink(tmp_path):
    f = tmp_path / "long.csv"
    f.write_text(HEADER + "\n" + GOOD[0] + "\n" + "x" * (2 << 20) + "\n" + GOOD[1] + "\n")
    with pytest.raises(InputError, match="line 3 is longer than 1 MiB"):
        read_positions(f, chunk_bytes=1 << 16)
    r = _run(["/dev/zero", "--zone", "CHN:territorial_sea"])
    assert r.exit_code == 2 and "no line break" in r.stderr and len(r.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- times


def test_times_beyond_nanosecond_timestamps_are_bad_times(tmp_path):
    lines = [
        GOOD[0],
        GOOD[1].replace("2024-01-01T00:10:00", "3000-01-01T00:00:00"),
        GOOD[2].replace("2024-01-01T00:20:00", "3000-01-01T00:00:00Z"),
        GOOD[3].replace("2024-01-01T00:30:00", "1500-06-01 00:00:00"),
        GOOD[4].replace("2024-01-01T00:40:00", "20000000000"),
        GOOD[5].replace("2024-01-01T00:50:00", "-1e11"),
    ]
    pos = read_positions(_write(tmp_path, lines))
    assert pos.reject_counts()["bad_time"] == 5 and len(pos) == 1
    assert pd.Timestamp(pos.t[0], tz="UTC") == pd.Timestamp("2024-01-01T00:00:00Z")


def test_parquet_timestamps_beyond_nanoseconds_are_bad_times(tmp_path):
    times = pa.array(
        [pd.Timestamp("2024-01-01").value // 1000, 32503680000 * 10**6, -10000000000 * 10**6, None],
        pa.timestamp("us", tz="UTC"),
    )
    table = pa.table({"mmsi": [1, 1, 1, 1], "timestamp": times, "lat": [26.0] * 4, "lon": [119.0] * 4})
    f = tmp_path / "far.parquet"
    pq.write_table(table, f)
    pos = read_positions(f)
    assert len(pos) == 1 and pos.reject_counts()["bad_time"] == 3
    epoch = pa.table(
        {"mmsi": [1, 1], "ts": pa.array([1704067200, 2 * 10**10], pa.int64()), "lat": [26.0] * 2, "lon": [119.0] * 2}
    )
    pq.write_table(epoch, tmp_path / "epoch.parquet")
    pos = read_positions(tmp_path / "epoch.parquet")
    assert len(pos) == 1 and pos.reject_counts()["bad_time"] == 1


# --------------------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.csv.gz", b"", "the file is empty"),
        ("empty2.csv.gz", gzip.compress(b""), "the file is empty"),
        (
            "cut.csv.gz",
            gzip.compress(("\n".join([HEADER, *GOOD * 50])).encode())[:200],
            "gzip data is broken or cut short",
        ),
        ("bad.csv.gz", b"\x1f\x8b" + b"\x00" * 40, "gzip data is broken"),
        ("bad.parquet", b"PAR1 not really", "cannot be read as Parquet"),
        ("binary.csv", bytes(range(256)) * 10, ""),
    ],
)
def test_broken_files_are_one_line_errors(tmp_path, name, content, message):
    f = tmp_path / name
    f.write_bytes(content)
    out = tmp_path / "out.csv"
    r = _run([f, "--zone", "CHN:territorial_sea", "-o", out])
    assert r.exit_code == 2, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1 and "Aborted" not in r.stderr
    assert not out.exists()


def test_gzip_csv_reads_like_the_plain_file(tmp_path):
    plain = _write(tmp_path, [GOOD[0], "1,2", *GOOD[1:]])
    packed = tmp_path / "ais.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, b = read_positions(plain), read_positions(packed)
    assert np.array_equal(a.t, b.t) and a.rejects.equals(b.rejects)


def test_the_dask_engine_agrees_on_broken_files(tmp_path):
    lines = [
        GOOD[0],
        GOOD[1] + ",x",
        '1,"2',
        *GOOD[2:],
        GOOD[3].replace("2024", "3000"),
        "412000002,2024-01-01T00:00:00,26",
    ]
    f = _write(tmp_path, lines)
    default, rej_default = _json_run(f, tmp_path)
    dask, rej_dask = _json_run(f, tmp_path, "--engine", "dask")
    assert dask.pop("engine") == "dask"
    assert dask == default
    pd.testing.assert_frame_equal(rej_default, rej_dask)
    times = pa.array(
        [1704067200 * 10**6, 32503680000 * 10**6, -10000000000 * 10**6, 1704067800 * 10**6],
        pa.timestamp("us", tz="UTC"),
    )
    table = pa.table(
        {"mmsi": [1, 1, 1, 1], "timestamp": times, "lat": [26.6] * 4, "lon": [119.5, 119.5, 119.5, 119.51]}
    )
    pq.write_table(table, tmp_path / "far.parquet")
    default, rej_default = _json_run(tmp_path / "far.parquet", tmp_path)
    dask, rej_dask = _json_run(tmp_path / "far.parquet", tmp_path, "--engine", "dask")
    assert dask.pop("engine") == "dask" and dask == default and default["rejected"]["bad_time"] == 2
    pd.testing.assert_frame_equal(rej_default, rej_dask)


# --------------------------------------------------------------------------- property-based

_FIELDS = st.one_of(
    st.sampled_from(["412000001", "412000002", "0", "-5", "1e3", "", " ", "abc", "9" * 30]),
    st.sampled_from(
        [
            "2024-01-01T00:00:00",
            "2024-01-01T00:10:00Z",
            "3000-01-01",
            "1500-01-01T00:00:00",
            "1704067200",
            "20000000000",
            "-1e300",
            "nan",
            "inf",
            "2024-13-45",
            "24/12/2024 10:00:00",
        ]
    ),
    st.sampled_from(["26.6", "119.5", "91", "181", "-0", "1e400", "NaN", "1,5"]),
    st.text(alphabet=string.printable + "\"'\x00\x85\u2028é漢", max_size=12),
)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.sampled_from([HEADER, "mmsi,timestamp,lat,lon", "MMSI,BaseDateTime,LAT,LON,MMSI", "a,b"]))
    n = len(header.split(","))
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        k = draw(st.sampled_from([n, n, n, n - 1, n + 1, 1]))
        fields = [draw(_FIELDS) for _ in range(k)]
        rows.append(",".join(fields))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = header + end + end.join(rows) + draw(st.sampled_from([end, ""]))
    data = text.encode("utf-8", "surrogatepass")
    cut = draw(st.integers(0, 3))
    return data[: len(data) - cut] if cut and len(data) > len(header) + 4 else data


def _check_run(path, tmp_path):
    out, rej = tmp_path / "fz.json", tmp_path / "fz-rej.csv"
    for f in (out, rej):
        f.unlink(missing_ok=True)
    r = _run([path, "--zone", "CHN:territorial_sea", "--format", "json", "-o", out, "--rejects", rej])
    assert r.exit_code in (0, 2), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output
    if r.exit_code == 2:
        assert not out.exists() and not rej.exists()
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        return None
    s = json.loads(out.read_text())["summary"]
    assert s["rows_read"] == s["rows_kept"] + s["rows_rejected"]
    assert s["rows_rejected"] == sum(s["rejected"].values()) == len(pd.read_csv(rej, dtype=str, keep_default_na=False))
    return s


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=csv_bytes(), packed=st.booleans())
def test_fuzz_csv_and_gzip_csv(tmp_path, data, packed):
    f = tmp_path / ("fz.csv.gz" if packed else "fz.csv")
    f.write_bytes(gzip.compress(data) if packed else data)
    _check_run(f, tmp_path)


_PARQUET_COLUMNS = {
    "mmsi": st.one_of(st.just(pa.int64()), st.just(pa.string()), st.just(pa.float64())),
    "timestamp": st.one_of(
        st.just(pa.timestamp("us", tz="UTC")),
        st.just(pa.timestamp("s")),
        st.just(pa.timestamp("ms")),
        st.just(pa.string()),
        st.just(pa.int64()),
        st.just(pa.float64()),
        st.just(pa.date32()),
    ),
    "lat": st.one_of(st.just(pa.float64()), st.just(pa.string()), st.just(pa.float32())),
    "lon": st.one_of(st.just(pa.float64()), st.just(pa.string()), st.just(pa.int32())),
}


@st.composite
def parquet_tables(draw) -> pa.Table:
    n = draw(st.integers(0, 8))
    cols = {}
    for name, typ in _PARQUET_COLUMNS.items():
        t = draw(typ)
        if pa.types.is_string(t):
            values = draw(st.lists(st.one_of(st.none(), _FIELDS), min_size=n, max_size=n))
        elif pa.types.is_floating(t):
            values = draw(
                st.lists(
                    st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True, width=32)),
                    min_size=n,
                    max_size=n,
                )
            )
        else:
            values = draw(st.lists(st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1)), min_size=n, max_size=n))
            if pa.types.is_timestamp(t) or pa.types.is_int64(t):
                values = [None if v is None else v * draw(st.sampled_from([1, 10**3, 10**6, 10**9])) for v in values]
        if pa.types.is_timestamp(t):  # Parquet stores seconds as milliseconds: keep that in int64
            values = [None if v is None else max(min(v, 2**52), -(2**52)) for v in values]
        cols[name] = pa.array(values, t)
    return pa.table(cols)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(table=parquet_tables())
def test_fuzz_parquet(tmp_path, table):
    f = tmp_path / "fz.parquet"
    pq.write_table(table, f)
    s = _check_run(f, tmp_path)
    if s is not None:
        assert s["rows_read"] == table.num_rows


def test_blocks_kept_after_the_next_is_read_hold_their_own_rows(tmp_path):
    """The block reader reuses one buffer: every block's values must survive the blocks read after it."""
    import pyarrow.csv as pacsv

    from geomap.vessels.csv_blocks import csv_blocks

    rng = np.random.default_rng(5)
    lines = ["MMSI,BaseDateTime,LAT,LON,VesselName"]
    for i in range(3000):
        name = "".join(rng.choice(list("ABCDEFGH é"), size=int(rng.integers(1, 30))))
        lines.append(
            f'{412000000 + i % 17},2024-01-01T00:{i % 60:02d}:00,{rng.uniform(-90, 90):.5f},{i / 100},"{name}"'
        )
    f = tmp_path / "many.csv"
    f.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    types = {"MMSI": pa.float64(), "LAT": pa.float64(), "LON": pa.float64(), "BaseDateTime": None, "VesselName": None}
    blocks = list(csv_blocks(f, block_bytes=4096, header_check=lambda header: types))
    assert len(blocks) > 20
    got = pa.concat_tables([pa.Table.from_batches([b.batch]) for b in blocks])
    text = {"BaseDateTime": pa.string(), "VesselName": pa.string()}
    want = pacsv.read_csv(f, convert_options=pacsv.ConvertOptions(column_types={"MMSI": pa.float64(), **text}))
    for column in types:
        assert got.column(column).to_pylist() == want.column(column).to_pylist(), column
    assert np.concatenate([b.rows for b in blocks]).tolist() == list(range(1, 3001))
