"""The ``geomap vessels`` command and AIS layers in ``geomap render``: formats, rejects, escaping."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
HOSTILE = "<script>alert('x')</script>\x1b[2J&amp;"


@pytest.fixture
def files(tmp_path, bay_file):
    bay = bay_file
    rows = []
    # a hostile-named vessel sails through the bay (in at 17.5 min, out at 67.5 min)
    for i in range(10):
        rows.append((412000001, T0 + pd.Timedelta(minutes=10 * i), 26.6, 119.43 + 0.04 * i, 9.0, HOSTILE))
    # a drifter inside the bay for 3 h
    for i in range(37):
        rows.append((412000002, T0 + pd.Timedelta(minutes=5 * i), 26.55 + i * 0.00007, 119.6, 0.5, "DRIFTER"))
    df = pd.DataFrame(rows, columns=["MMSI", "BaseDateTime", "LAT", "LON", "SOG", "VesselName"])
    df["BaseDateTime"] = df["BaseDateTime"].dt.strftime("%Y-%m-%dT%H:%M:%S")  # archive style: no zone
    df = df.astype({"LAT": object})
    bad = pd.DataFrame(
        [
            (412000002, "2024-01-01T09:00:00", "abc", 119.6, 0.5, "DRIFTER"),
            (412000002, "2024-01-01T09:00:00", 95.0, 119.6, 0.5, "DRIFTER"),
            (412000002, "later", 26.6, 119.6, 0.5, "DRIFTER"),
        ],
        columns=df.columns,
    )
    ais = tmp_path / "ais.csv"
    pd.concat([df, bad, df.iloc[[3]]], ignore_index=True).to_csv(ais, index=False)
    return {"ais": ais, "bay": bay, "dir": tmp_path}


def test_table_output_and_stderr_summary(cli, files):
    r = CliRunner().invoke(cli, ["vessels", str(files["ais"]), "--area", str(files["bay"])])
    assert r.exit_code == 0, r.output
    assert "2 visits to bay" in r.stderr
    assert "4 rejected (bad_time 1, position_missing 1, position_out_of_range 1, duplicate 1)" in r.stderr
    assert "were read as UTC" in r.stderr and "were read as UTC" in r.stdout
    assert "2024-01-01T00:17:30Z" in r.stdout and "2024-01-01T01:07:30Z" in r.stdout
    assert "\x1b" not in r.stdout  # control characters of names cannot drive the terminal


def test_json_output_has_summary_visits_and_events(cli, files):
    out = files["dir"] / "out.json"
    r = CliRunner().invoke(
        cli, ["vessels", str(files["ais"]), "--area", str(files["bay"]), "--events", "--format", "json", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["summary"]["rejected"] == {
        "malformed_row": 0,
        "bad_sentence": 0,
        "bad_mmsi": 0,
        "bad_time": 1,
        "position_missing": 1,
        "position_out_of_range": 1,
        "duplicate": 1,
        "impossible_jump": 0,
    }
    assert doc["summary"]["naive_times"] == 47
    visits = {v["mmsi"]: v for v in doc["visits"]}
    assert visits[412000001]["name"] == HOSTILE  # kept as text in data formats
    assert visits[412000001]["entry_time"] == "2024-01-01T00:17:30Z"
    assert visits[412000002]["entry_kind"] == "track_start"
    assert [(e["event"], e["mmsi"]) for e in doc["events"]] == [("loitering", 412000002)]
    assert doc["events"][0]["in_area"] is True


def test_csv_geojson_and_rejects_files(cli, files):
    d = files["dir"]
    r = CliRunner().invoke(
        cli,
        [
            "vessels",
            str(files["ais"]),
            "--area",
            str(files["bay"]),
            "--format",
            "geojson",
            "-o",
            str(d / "v.geojson"),
            "--rejects",
            str(d / "rej.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    gj = json.loads((d / "v.geojson").read_text())
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 2
    line = gj["features"][0]["geometry"]
    assert line["type"] == "LineString" and line["coordinates"][0] == [119.5, 26.6]
    rej = pd.read_csv(d / "rej.csv", dtype=str, keep_default_na=False)
    assert sorted(rej["reason"]) == ["bad_time", "duplicate", "position_missing", "position_out_of_range"]
    assert rej.loc[rej["reason"] == "position_missing", "lat"].item() == "abc"
    r = CliRunner().invoke(cli, ["vessels", str(files["ais"]), "--area", str(files["bay"]), "--format", "csv"])
    lines = r.stdout.splitlines()
    assert lines[0].startswith("mmsi,name,zone,entry_time,exit_time,duration_h,positions")
    assert len(lines) == 3


def test_user_errors_exit_2_without_traceback(cli, files):
    runner = CliRunner()
    r = runner.invoke(cli, ["vessels", str(files["ais"]), "--zone", "CHN:territorial"])
    assert r.exit_code == 2 and "valid zones are" in r.stderr and "Traceback" not in r.output
    r = runner.invoke(cli, ["vessels", str(files["dir"] / "none.csv"), "--area", str(files["bay"])])
    assert r.exit_code == 2 and "no such file" in r.stderr
    r = runner.invoke(cli, ["vessels", str(files["ais"])])
    assert r.exit_code == 2 and "--zone COUNTRY:ZONE" in r.stderr and "--events" in r.stderr
    r = runner.invoke(cli, ["vessels", str(files["ais"]), "--zone", "XYZ:eez"])
    assert r.exit_code == 2 and "no zones for country code 'XYZ'" in r.stderr and "CHN" in r.stderr
    r = runner.invoke(cli, ["vessels", str(files["ais"]), "--area", str(files["bay"]), "--columns", "mmsi=nope"])
    assert r.exit_code == 2 and "no such column" in r.stderr


def test_hostile_vessel_names_are_escaped_in_map_layers(files):
    from geomap.compose import render
    from geomap.layers.vessels import vessel_layers
    from geomap.render.embed import write_html
    from geomap.vessels import analyse, file_area

    layers = vessel_layers(analyse(files["ais"], area=file_area(files["bay"]), events=True))
    assert [lyr.name for lyr in layers] == ["Vessel tracks", "Track gaps", "Visits", "Loitering"]
    tracks = layers[0].gdf
    assert HOSTILE in set(tracks["name"])  # the data keeps the name as it is
    assert len(layers[2].gdf) == 2 and len(layers[3].gdf) == 1
    html_path = files["dir"] / "map.html"
    m = render(None, layers=layers, zones=False, borders=False, basemap="none")
    write_html(m, html_path)
    html = html_path.read_text()
    assert "<script>alert(" not in html
    assert "alert(" in html  # the name is there, as escaped text


def test_render_command_draws_ais_layers(cli, files):
    out = files["dir"] / "ais_map.html"
    r = CliRunner().invoke(
        cli,
        [
            "render",
            "--ais",
            str(files["ais"]),
            "--ais-area",
            str(files["bay"]),
            "-o",
            str(out),
            "--no-zones",
            "--no-borders",
            "--basemap",
            "none",
        ],
    )
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert "Vessel tracks" in html and "Visits" in html and "Loitering" in html
    assert "<script>alert(" not in html


def test_tracks_layer_splits_at_gaps_and_skips_single_fixes(tmp_path):
    from geomap.layers.vessels import tracks_layer
    from geomap.vessels.read import read_positions

    minutes = [0, 10, 20, 20 + 420, 20 + 840, 30 + 840, 40 + 840]
    rows = [(1, T0 + pd.Timedelta(minutes=m), 26.0, 119.0 + 0.01 * i, 5.0, "A") for i, m in enumerate(minutes)]
    rows.append((2, T0, 27.0, 120.0, 5.0, "LONELY"))
    f = tmp_path / "gaps.csv"
    pd.DataFrame(rows, columns=["mmsi", "timestamp", "lat", "lon", "sog", "name"]).to_csv(f, index=False)
    from geomap.vessels.visits import track_pieces

    pos = read_positions(f)
    layer = tracks_layer(pos, pieces=track_pieces(pos, max_gap_h=6))
    assert list(layer.gdf["mmsi"]) == ["1", "1"]
    # straight pieces simplify to their ends: fixes 0..2 and 4..6 (fix 3 alone between two gaps)
    assert [g.coords[0][0] for g in layer.gdf.geometry] == pytest.approx([119.0, 119.04])
    assert [g.coords[-1][0] for g in layer.gdf.geometry] == pytest.approx([119.02, 119.06])
    assert list(layer.gdf["positions"]) == ["3", "3"]


def test_gaps_are_dashed_lines_and_events_have_their_own_symbols(tmp_path):
    from geomap.layers.vessels import EVENT_SYMBOLS, vessel_layers
    from geomap.vessels import analyse

    minutes = [0, 10, 20, 20 + 900, 30 + 900]  # silent for 15 h
    rows = [
        (412000001, T0 + pd.Timedelta(minutes=m), 26.0, 122.0 + 0.01 * i, 5.0, "DARK") for i, m in enumerate(minutes)
    ]
    f = tmp_path / "dark.csv"
    pd.DataFrame(rows, columns=["mmsi", "timestamp", "lat", "lon", "sog", "name"]).to_csv(f, index=False)
    layers = {lyr.name: lyr for lyr in vessel_layers(analyse(f, area=None, events=True))}
    gaps = layers["Track gaps"]
    assert gaps.style["dashArray"] and len(gaps.gdf) == 1
    assert [c for xy in gaps.gdf.geometry[0].coords for c in xy] == pytest.approx([122.02, 26.0, 122.03, 26.0])
    assert gaps.gdf["kind"].item() == "not seen (reporting gap)"
    dark, back = layers["Going dark"], layers["Reappearing"]
    assert dark.gdf.geometry[0].x == pytest.approx(122.02) and back.gdf.geometry[0].x == pytest.approx(122.03)
    assert "silent 15.0 h" in dark.gdf["detail"].item()
    assert dark.style["fillColor"] == EVENT_SYMBOLS["going_dark"][2] != back.style["fillColor"]


def test_the_vessels_table_is_written_in_csv_and_geojson_with_one_schema(cli, files):
    """-o FILE.csv / .geojson / .json pick the format; every format lists the same vessels with the same fields."""
    from geomap.vessels.identity import VESSEL_COLUMNS

    docs = {}
    for suffix in ("json", "csv", "geojson"):
        out = files["dir"] / f"report.{suffix}"
        out.write_text("old")  # replaced whole, never appended to
        r = CliRunner().invoke(cli, ["vessels", str(files["ais"]), "--events", "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert not list(files["dir"].glob(f".report.{suffix}*"))  # no temporary file left behind
        docs[suffix] = out.read_text()
    listed = json.loads(docs["json"])["vessels"]
    rows = pd.read_csv(io.StringIO(docs["csv"]), dtype=str, keep_default_na=False)
    csv_vessels = rows[rows["record"] == "vessel"]
    features = [f for f in json.loads(docs["geojson"])["features"] if f["properties"]["record"] == "vessel"]
    assert [v["mmsi"] for v in listed] == [412000001, 412000002]
    assert csv_vessels["mmsi"].tolist() == ["412000001", "412000002"]
    assert [f["properties"]["mmsi"] for f in features] == [412000001, 412000002]
    for v, (_, row), f in zip(listed, csv_vessels.iterrows(), features):
        assert list(v) == list(VESSEL_COLUMNS)
        assert {k: v[k] for k in VESSEL_COLUMNS} == {k: f["properties"][k] for k in VESSEL_COLUMNS}
        assert {k: "" if v[k] is None else str(v[k]) for k in VESSEL_COLUMNS} == {k: row[k] for k in VESSEL_COLUMNS}
        assert f["geometry"] == {"type": "Point", "coordinates": [v["last_lon"], v["last_lat"]]}
    assert listed[0]["name"] == HOSTILE and listed[0]["last_lon"] == pytest.approx(119.43 + 0.04 * 9)
    assert listed[1]["flag"] == "CN" and listed[1]["positions"] == 37
