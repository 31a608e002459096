"""`geomap zone` and `geomap distance` from the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from geomap.console.cli import main


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_version_and_help_have_examples():
    assert run("--version").output.startswith("geomap, version")
    for cmd in ("zone", "distance"):
        out = run(cmd, "--help").output
        assert "Example" in out and f"geomap {cmd}" in out


def test_zone_points_table():
    r = run("zone", "26.68,119.72", "39.0392,125.7625")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["lat", "lon", "country", "zone", "overlap_with"]
    assert lines[2].split()[2:] == ["CHN", "internal_waters"]  # Sansha Bay, behind the 1996 baseline
    assert lines[3].split()[2:] == ["PRK", "inland_water"]


def test_zone_distances_columns():
    r = run("zone", "26.40,120.10", "--distances", "--format", "json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.output)[0]
    assert row["zone"] in ("internal_waters", "territorial_sea", "none")  # behind the 1996 baseline
    assert row["coast_km"] == pytest.approx(row["coast_nm"] * 1.852)


def test_zone_csv_file_keeps_columns_and_rows(tmp_path):
    src = tmp_path / "pos.csv"
    src.write_text('id,Latitude,Longitude,note\n007,26.68,119.72,"a, b"\n8,35.5,123.5,x\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    r = run("zone", "--points", str(src), "--format", "csv", "-o", str(out))
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "id,Latitude,Longitude,note,country,zone,overlap_with"
    assert lines[1] == '007,26.68,119.72,"a, b",CHN,internal_waters,'
    # the Yellow Sea point lies on the median line: an approximate EEZ claimed by both
    assert lines[2] in ("8,35.5,123.5,x,CHN,eez,KOR", "8,35.5,123.5,x,KOR,eez,CHN")


def test_zone_stdin_and_geojson_output():
    r = run("zone", "--points", "-", "--format", "geojson", input="y,x\n26.68,119.72\n")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    feat = doc["features"][0]
    assert feat["geometry"]["coordinates"] == [119.72, 26.68]
    assert feat["properties"]["country"] == "CHN"


def test_zone_geojson_input(tmp_path):
    src = tmp_path / "p.geojson"
    src.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "ship"},
                        "geometry": {"type": "Point", "coordinates": [119.72, 26.68]},
                    }
                ],
            }
        )
    )
    r = run("zone", "--points", str(src), "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == [{"name": "ship", "country": "CHN", "zone": "internal_waters", "overlap_with": ""}]


def test_zone_geoparquet_input(tmp_path):
    import geopandas as gpd
    import shapely

    src = tmp_path / "p.parquet"
    gpd.GeoDataFrame({"mmsi": ["1"]}, geometry=[shapely.Point(125.7625, 39.0392)], crs=4326).to_parquet(src)
    r = run("zone", "--points", str(src), "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[1] == "1,PRK,inland_water,"


def test_distance_command():
    from pyproj import Geod

    r = run("distance", "40.1292,124.3947", "39.0392,125.7625")
    assert r.exit_code == 0, r.output
    km = float(r.output.split()[0])
    _, _, m = Geod(ellps="WGS84").inv(124.3947, 40.1292, 125.7625, 39.0392)
    assert km == pytest.approx(m / 1000, abs=0.001)
    assert float(r.output.split()[2]) == pytest.approx(km / 1.852, abs=0.001)


@pytest.mark.parametrize(
    "content,needle",
    [
        ("lat,lon\n26.68,119.72\nabc,119.7\n", "row 2 (line 3) has lat='abc'"),
        ("lat,lon\n26.68,119.72\n95,119.7\n", "row 2 (line 3) has lat='95'"),
        ("lat,lon\n26.68,\n", "row 1 (line 2)"),
        ("name,value\nx,1\n", "no coordinate columns; found name, value"),
        ("", "file is empty"),
    ],
)
def test_bad_csv_rows_name_file_row_and_value(tmp_path, content, needle):
    src = tmp_path / "bad.csv"
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    r = run("zone", "--points", str(src), "--format", "csv", "-o", str(out))
    assert r.exit_code == 2
    assert needle in r.output and "bad.csv" in r.output
    assert "Traceback" not in r.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv*"))


def test_missing_and_binary_files(tmp_path):
    r = run("zone", "--points", str(tmp_path / "nope.csv"))
    assert r.exit_code == 2 and "no such file" in r.output
    binf = tmp_path / "bin.csv"
    binf.write_bytes(b"\xff\xfe\x00\x01lat,lon\n")
    r = run("zone", "--points", str(binf))
    assert r.exit_code == 2 and "bin.csv" in r.output and "Traceback" not in r.output
    other = tmp_path / "p.shp"
    other.write_text("x")
    r = run("zone", "--points", str(other))
    assert r.exit_code == 2 and "unknown file kind" in r.output


@pytest.mark.parametrize("arg", ["26.68", "abc,1", "91,10", "10,181"])
def test_bad_point_arguments(arg):
    r = run("zone", arg)
    assert r.exit_code == 2
    assert arg in r.output
    assert "Traceback" not in r.output


def test_existing_output_not_clobbered(tmp_path):
    out = tmp_path / "o.csv"
    out.write_text("keep me")
    r = run("zone", "26.68,119.72", "--format", "csv", "-o", str(out))
    assert r.exit_code == 2 and "--force" in r.output
    assert out.read_text() == "keep me"
    r = run("zone", "26.68,119.72", "--format", "csv", "-o", str(out), "--force")
    assert r.exit_code == 0
    assert "CHN" in out.read_text()


def test_unwritable_output_dir(tmp_path):
    r = run("zone", "26.68,119.72", "-o", str(tmp_path / "no" / "such" / "dir.csv"))
    assert r.exit_code == 2 and "does not exist" in r.output


def test_table_output_neutralises_control_characters(tmp_path):
    src = tmp_path / "ctl.csv"
    src.write_text('name,lat,lon\n"a\x1b[2Jb\tc",26.68,119.72\n', encoding="utf-8")
    r = run("zone", "--points", str(src))
    assert r.exit_code == 0, r.output
    assert "\x1b" not in r.output and "\t" not in r.output
    assert "a?[2Jb c" in r.output
