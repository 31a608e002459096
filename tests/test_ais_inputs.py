"""Inputs people have: raw NMEA logs (pyais), standard input, gzip CSV, the Danish Maritime Authority's layout."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from pyais.encode import encode_dict
from pyais.messages import TagBlock

from geomap.console.cli import main
from geomap.vessels.read import read_positions

T0 = 1704067200  # 2024-01-01T00:00:00Z


def _position(k, mmsi=412000001, msg_type=1):
    return encode_dict(
        {"type": msg_type, "mmsi": mmsi, "lat": 26.6, "lon": 119.40 + 0.01 * k, "speed": 9.0}, talker_id="AI"
    )[0]


def _log() -> list[str]:
    lines = []
    for k in range(6):
        if k % 3 == 0:  # NMEA 4.10 tag block with the receiver's Unix time
            lines.append("\\" + TagBlock.create_str(receiver_timestamp=str(T0 + 600 * k)) + "\\" + _position(k))
        elif k % 3 == 1:  # a Unix time after the checksum
            lines.append(f"{_position(k)},{T0 + 600 * k}")
        else:  # an ISO time before the sentence
            lines.append(
                pd.Timestamp(T0 + 600 * k, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ") + " " + _position(k)
            )
    static = encode_dict({"type": 5, "mmsi": 412000001, "shipname": "ALPHA STAR"}, talker_id="AI")  # two fragments
    assert len(static) == 2
    lines[2:2] = static
    lines.append(
        encode_dict({"type": 18, "mmsi": 538000002, "lat": 26.7, "lon": 119.5, "speed": 3.0}, talker_id="AI")[0]
        + f",{T0}"
    )
    lines.append(encode_dict({"type": 24, "mmsi": 538000002, "partno": 0, "shipname": "CLASS B"}, talker_id="AI")[0])
    lines.append("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF")  # bad checksum
    lines.append(static[0])  # a first fragment whose second never comes
    lines.append(_position(9))  # no time anywhere
    return lines


def test_nmea_log_positions_names_and_bad_sentences(tmp_path):
    f = tmp_path / "log.nmea"
    f.write_text("\n".join(_log()) + "\n")
    pos = read_positions(f)
    assert sorted(pos.vessel_names().items()) == [(412000001, "ALPHA STAR"), (538000002, "CLASS B")]
    a = pos.mmsi == 412000001
    assert (pos.t[a] // 10**9).tolist() == [T0 + 600 * k for k in range(6)]
    assert pos.lon[a].tolist() == pytest.approx([119.40 + 0.01 * k for k in range(6)], abs=1e-5)
    counts = pos.reject_counts()
    assert counts["bad_sentence"] == 2 and counts["bad_time"] == 1
    assert pos.rows_read == len(pos) + len(pos.rejects) == 10
    lines = pos.rejects.set_index("reason")["line"]
    assert sorted(lines["bad_sentence"].tolist()) == [11, 12] and lines["bad_time"] == 13


def test_nmea_from_stdin_and_gzip_give_the_same_answer(tmp_path):
    text = "\n".join(_log()) + "\n"
    packed = tmp_path / "log.nmea.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    runner = CliRunner()
    args = ["--events", "--format", "json"]
    from_stdin = runner.invoke(main, ["vessels", "-", *args], input=text)
    from_gzip = runner.invoke(main, ["vessels", str(packed), *args])
    assert from_stdin.exit_code == 0 and from_gzip.exit_code == 0, from_stdin.output + from_gzip.output
    a, b = json.loads(from_stdin.stdout), json.loads(from_gzip.stdout)
    assert a["events"] == b["events"] and a["vessels"] == b["vessels"]
    assert a["summary"]["rows_read"] == b["summary"]["rows_read"] == 10


def test_csv_from_stdin(tmp_path):
    csv = "mmsi,timestamp,lat,lon\n1,2024-01-01T00:00:00Z,26.6,119.5\n1,2024-01-01T00:10:00Z,26.6,119.51\n1,2\n"
    r = CliRunner().invoke(main, ["vessels", "-", "--events", "--format", "json"], input=csv)
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)["summary"]
    assert (s["rows_read"], s["rows_kept"], s["rejected"]["malformed_row"]) == (3, 2, 1)


def test_danish_maritime_authority_layout(tmp_path):
    f = tmp_path / "aisdk.csv"
    f.write_text(
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type\n"
        "01/12/2024 00:00:00,Class A,219000001,55.5,10.5,Under way using engine,0,10,90,90,Unknown,OXAB,ÆRØ FÆRGEN,Passenger\n"
        "01/12/2024 00:10:00,Class A,219000001,55.5,10.55,Under way using engine,0,10,90,90,Unknown,OXAB,ÆRØ FÆRGEN,Passenger\n",
        encoding="utf-8",
    )
    pos = read_positions(f)
    assert pos.columns["time"] == "# Timestamp" and pos.columns["lat"] == "Latitude"
    assert pd.Timestamp(pos.t[0], tz="UTC") == pd.Timestamp("2024-12-01T00:00:00Z")
    assert pos.vessel_names() == {219000001: "ÆRØ FÆRGEN"} and pos.naive_times == 2


def test_progress_is_reported_after_each_block(tmp_path):
    rows = "".join(f"1,2024-01-01T00:{m:02d}:00Z,26.6,{119.5 + 0.001 * m:.3f}\n" for m in range(60))
    f = tmp_path / "p.csv"
    f.write_text("mmsi,timestamp,lat,lon\n" + rows)
    seen: list[int] = []
    pos = read_positions(f, chunk_bytes=512, progress=seen.append)
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] == pos.rows_read == 60


def test_nmea_is_decoded_as_a_stream_in_blocks(tmp_path):
    """Blocks leave before the log is read to its end; names, bad sentences and line numbers survive the cuts."""
    from geomap.vessels.nmea import nmea_blocks

    lines = []
    named_at = 0
    for k in range(300):
        for v, mmsi in enumerate((412000001, 412000002, 412000003)):
            lines.append(f"{_position(k + v, mmsi=mmsi)},{T0 + 60 * k}")
        if k == 150:  # the second vessel names itself halfway through
            named_at = len(lines) + 2  # the line of its second fragment
            lines += encode_dict({"type": 5, "mmsi": 412000002, "shipname": "LATE NAME"}, talker_id="AI")
        if k % 50 == 0:
            lines.append("!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF")  # bad checksum
    read = 0

    class Log:
        def __iter__(self):
            nonlocal read
            for line in lines:
                read += 1
                yield (line + "\n").encode()

    blocks = nmea_blocks(Log(), name="log", block_rows=100)  # type: ignore[arg-type]
    first = next(blocks)[1]
    assert read < len(lines) / 4 and first.rows.size >= 100
    rest = [b for _, b in blocks]
    got = pd.concat(
        [pd.DataFrame({"line": b.rows, **b.batch.to_pydict()}) for b in [first, *rest]], ignore_index=True
    ).sort_values("line", ignore_index=True)
    assert len(got) == 900 and got["line"].is_unique
    second = got["mmsi"] == 412000002
    after = second & (got["line"] > named_at)
    assert (got.loc[after, "name"] == "LATE NAME").all() and got.loc[second & ~after, "name"].isna().all()
    assert rest[-1].late_names == {412000002: "LATE NAME"}  # the reader names the earlier positions
    assert got.loc[~second, "name"].isna().all()
    bad = [m for b in [first, *rest] for m in b.malformed]
    assert len(bad) == 6 and all(lines[line - 1].startswith("!AIVDM,1,1,,A,13u?") for line, _, _ in bad)
    assert lines[got["line"].iloc[-1] - 1] == lines[-1]  # line numbers count every line
    whole = tmp_path / "log.nmea"
    whole.write_text("\n".join(lines) + "\n")
    pos = read_positions(whole)
    assert pos.rows_read == 906 and pos.reject_counts()["bad_sentence"] == 6
    assert pos.vessel_names() == {412000002: "LATE NAME"}
    assert (pos.name_code[pos.mmsi == 412000002] >= 0).all()
