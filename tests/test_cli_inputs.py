"""Command-line inputs: negative coordinates, finite numbers, the far south, column names, size limits."""

from __future__ import annotations

import csv
import io
import json

import click
import numpy as np
import pytest
from click.testing import CliRunner

from geomap.console.cli import main
from geomap.errors import InputError
from geomap.files import MAX_ARTICLE_BYTES
from geomap.zones.grid import SOUTH_EDGE_LAT, classify_arrays, zone_mask

BARE = ["--no-zones", "--no-borders", "--basemap", "none"]


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


# ---- negative coordinates as people type them ----------------------------------------------


def test_zone_takes_negative_coordinates():
    r = run("zone", "-33.9,18.4", "26.68,119.72", "-34.0,-58.3", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert [(row["lat"], row["lon"]) for row in rows] == [(-33.9, 18.4), (26.68, 119.72), (-34.0, -58.3)]
    assert [row["country"] for row in rows][:2] == ["ZAF", "CHN"]
    r = run("zone", "-33.9,18.4")  # the table path, first and only argument
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[2].split()[:4] == ["-33.900", "18.400", "ZAF", "territorial_sea"]


def test_zone_negative_coordinates_mix_with_options():
    r = run("zone", "--format", "csv", "-.5,-0.5", "--distances", "-33.9,18.4")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(r_["lat"], r_["lon"]) for r_ in rows] == [("-0.5", "-0.5"), ("-33.9", "18.4")]
    assert all(float(r_["coast_km"]) >= 0 for r_ in rows)
    r = run("zone", "-33.9,18.4", "--", "-34.0,18.5")  # an explicit -- still works
    assert r.exit_code == 0, r.output and len(r.stdout.splitlines()) == 4


def test_distance_takes_negative_coordinates():
    r = run("distance", "-33.9,151.2", "51.5,-0.1")
    assert r.exit_code == 0, r.output
    km = float(r.stdout.split()[0])
    assert 16_900 < km < 17_100  # Sydney to London
    assert run("distance", "51.5,-0.1", "-33.9,151.2").stdout == r.stdout


def test_render_point_takes_negative_coordinates(tmp_path):
    out = tmp_path / "m.html"
    r = run("render", "--point", "-33.9,18.4,Cape Town", "-o", str(out), *BARE)
    assert r.exit_code == 0, r.output
    assert "Cape Town" in out.read_text()


@pytest.mark.parametrize(
    "args, words",
    [
        (["zone", "-33.9"], ["'-33.9'", "one number", "-33.9,18.4"]),
        (["zone", "-33.9", "18.4"], ["'-33.9'", "one number"]),
        (["distance", "-33.9", "51.5,-0.1"], ["'-33.9'", "one number"]),
        (["zone", "-95,10"], ["'-95,10'", "out of range"]),
        (["zone", "-3x,10"], ["'-3x,10'", "not LAT,LON"]),
    ],
)
def test_a_lone_negative_number_gets_a_clear_message(args, words, one_line_error):
    line = one_line_error(run(*args))
    for word in words:
        assert word in line
    assert "No such option" not in line


def test_unknown_options_are_still_reported():
    r = run("zone", "-33.9,18.4", "--formt", "csv")
    assert r.exit_code == 2 and "No such option" in r.output and "--formt" in r.output


# ---- nan and inf are not numbers -----------------------------------------------------------

NUMERIC_OPTIONS = [
    ("vessels", "--max-gap"),
    ("vessels", "--max-speed"),
    ("vessels", "--loiter-speed"),
    ("vessels", "--loiter-hours"),
    ("vessels", "--encounter-distance"),
    ("vessels", "--encounter-speed"),
    ("vessels", "--encounter-hours"),
    ("vessels", "--dark-hours"),
    ("vessels", "--workers"),
    ("vessels", "--stop-speed"),
    ("vessels", "--stop-hours"),
    ("vessels", "--port-radius"),
    ("vessels", "--sts-shore"),
    ("places", "--threshold"),
    ("places", "--max-bytes"),
    ("render", "--width"),
    ("render", "--height"),
    ("render", "--max-bytes"),
    ("render", "--scale"),
]


def test_every_numeric_option_is_listed_and_uses_the_finite_types():
    from geomap.console.cli import Count, Number

    found = set()
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if isinstance(p.type, (click.types.FloatParamType, click.types.IntParamType)):
                assert isinstance(p.type, (Number, Count)), (name, p.name)
                found.add((name, max(p.opts, key=len)))
    assert found == set(NUMERIC_OPTIONS)


@pytest.mark.parametrize("command, option", NUMERIC_OPTIONS)
@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_non_finite_numbers_are_refused(tmp_path, command, option, value, one_line_error):
    art = tmp_path / "a.txt"
    art.write_text("Ships left Dandong.\n")
    first = {
        "vessels": [str(art), "--zone", "CHN:territorial_sea"],
        "places": [str(art)],
        "render": [str(art), "-o", str(tmp_path / "m.html")],
    }[command]
    line = one_line_error(run(command, *first, f"{option}={value}"))
    assert option in line and repr(value) in line
    assert list(tmp_path.iterdir()) == [art]


def test_max_gap_nan_no_longer_disables_the_check(tmp_path, one_line_error):
    line = one_line_error(run("vessels", str(tmp_path / "ais.csv"), "--max-gap", "nan", "--zone", "CHN:eez"))
    assert line == "Error: Invalid value for '--max-gap': 'nan' is not a finite number; give one in the range x>0"


def test_coordinates_nan_and_inf_are_refused(one_line_error):
    for text in ("nan,10", "10,inf", "-inf,0"):
        assert "out of range" in one_line_error(run("zone", text))
    assert one_line_error(run("render", "--point", "nan,10,x", "-o", "x.html"))
    assert one_line_error(run("render", "--point", "10,10,x", "--bounds", "nan,0,10,10", "-o", "x.html"))


# ---- the far south is Antarctica ------------------------------------------------------------


@pytest.mark.parametrize("lat", [SOUTH_EDGE_LAT - 0.0001, -85.5, -86.0, -89.9, -90.0])
def test_south_of_the_data_edge_is_antarctic_land(lat):
    lon = np.array([-180.0, -135.0, -90.0, -45.0, 0.0, 10.0, 45.0, 90.0, 135.0, 179.99, 180.0])
    country, zone, overlap = classify_arrays(lon, np.full(lon.size, lat), overlap=True)
    assert set(country) == {"ATA"} and set(zone) == {"land"} and set(overlap) == {""}
    assert zone_mask(lon, np.full(lon.size, lat), country="ATA", zone="land").all()


def test_zone_cli_answers_the_south_pole():
    r = run("zone", "-90,0", "-89.9,45", "-86,-120", "--format", "json")
    assert r.exit_code == 0, r.output
    assert {(row["country"], row["zone"]) for row in json.loads(r.stdout)} == {("ATA", "land")}


def test_the_southern_ocean_north_of_the_edge_is_still_water():
    _, zone = classify_arrays([0.0, -120.0], [-60.0, -58.0])
    assert list(zone) == ["none", "none"]


# ---- input columns called like the added ones -----------------------------------------------


def test_zone_keeps_input_columns_called_zone_and_country(tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("id,lat,lon,zone,country,coast_km\n1,26.68,119.72,Z1,Narnia,7\n")
    r = run("zone", "--points", str(src), "--distances", "--format", "csv")
    assert r.exit_code == 0, r.output
    (row,) = csv.DictReader(io.StringIO(r.stdout))
    assert (row["zone"], row["country"], row["coast_km"]) == ("Z1", "Narnia", "7")
    assert (row["geomap_country"], row["geomap_zone"]) == (
        "CHN",
        "internal_waters",
    )  # Sansha Bay, behind the 1996 baseline
    assert float(row["geomap_coast_km"]) >= 0 and "geomap_overlap_with" in row


def test_zone_prefixes_again_when_the_prefixed_name_is_taken_too(tmp_path):
    src = tmp_path / "pts.geojson"
    feat = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [119.72, 26.68]},
        "properties": {"overlap_with": "x", "geomap_zone": "y"},
    }
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}))
    r = run("zone", "--points", str(src), "--format", "geojson", "--zone-type", "CHN")
    assert r.exit_code == 0, r.output
    props = json.loads(r.stdout)["features"][0]["properties"]
    assert (props["overlap_with"], props["geomap_zone"]) == ("x", "y")
    assert props["geomap_geomap_zone"] == "internal_waters" and props["geomap_geomap_country"] == "CHN"


def test_zone_without_collision_keeps_plain_names_and_says_so_in_help(tmp_path):
    src = tmp_path / "pts.csv"
    src.write_text("name,lat,lon\na,26.68,119.72\n")
    r = run("zone", "--points", str(src), "--format", "csv")
    assert r.stdout.splitlines()[0] == "name,lat,lon,country,zone,overlap_with"
    assert "geomap_" in " ".join(run("zone", "--help").output.split())


# ---- bounded reads ----------------------------------------------------------------------------


def test_article_above_the_limit_names_it_and_the_option(tmp_path, one_line_error):
    art = tmp_path / "big.txt"
    art.write_bytes(b"Ships left Dandong. " * 60)  # 1200 bytes
    for cmd in (["places", str(art)], ["render", str(art), "-o", str(tmp_path / "m.html"), *BARE]):
        line = one_line_error(run(*cmd, "--max-bytes", "1000"))
        assert "1000 bytes" in line and "--max-bytes" in line
        assert run(*cmd, "--max-bytes", "2000").exit_code == 0
    assert MAX_ARTICLE_BYTES == 5 * 1024 * 1024
    assert f"default: {MAX_ARTICLE_BYTES}" in " ".join(run("places", "--help").output.split())


def test_dev_zero_is_refused_without_reading_it_all(one_line_error):
    for args in (
        ["places", "/dev/zero"],
        ["render", "/dev/zero", "-o", "/tmp/never.html"],
        ["places", "--jsonl", "/dev/zero"],
    ):
        line = one_line_error(run(*args))
        assert "/dev/zero" in line
    assert "larger than the limit" in one_line_error(run("places", "-", "--max-bytes", "10", input=b"\0" * 100))


def test_long_jsonl_line_is_a_bad_line_and_the_batch_goes_on(tmp_path):
    batch = tmp_path / "b.jsonl"
    long_text = json.dumps({"id": 1, "text": "Dandong " * 200})
    batch.write_text(long_text + "\n" + json.dumps({"id": 2, "text": "Ships left Dandong."}) + "\n")
    r = run("places", "--jsonl", str(batch), "--max-bytes", "1000")
    assert r.exit_code == 0, r.output
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [2]
    assert f"{batch}:1: line longer than 1000 bytes" in r.stderr


def test_read_article_in_python_takes_max_bytes(tmp_path):
    from geomap import read_article

    art = tmp_path / "a.txt"
    art.write_text("x" * 50)
    assert read_article(str(art), max_bytes=50) == "x" * 50
    with pytest.raises(InputError, match="max_bytes"):
        read_article(art, max_bytes=49)
    art.write_text("")
    assert read_article(str(art), allow_empty=True) == ""  # a map of an empty article shows a notice
    with pytest.raises(InputError, match="empty"):
        read_article(str(art))


# ---- messages show values ---------------------------------------------------------------------


def test_coordinate_messages_show_plain_numbers(tmp_path, one_line_error):
    src = tmp_path / "pts.geojson"
    feat = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.0, 95.0]}, "properties": {}}
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [feat]}))
    line = one_line_error(run("zone", "--points", str(src)))
    assert "latitude 95.0" in line and "longitude 10.0" in line and "np." not in line


def test_parquet_coordinate_messages_show_plain_numbers(tmp_path, one_line_error):
    import pandas as pd

    src = tmp_path / "pts.parquet"
    pd.DataFrame({"lat": [95.0], "lon": [10.0]}).to_parquet(src)
    line = one_line_error(run("zone", "--points", str(src)))
    assert "lat=95.0, lon=10.0" in line and "np." not in line


def test_coast_distances_ignore_the_cut_lines_of_the_source_data():
    """The South Pole is about 1,300 km from the Ross Ice Shelf front (about 78.5 S), not 550 km
    from the line where the source data is cut at the web-Mercator limit."""
    from geomap.zones.grid import classify

    got = classify([0.0, 100.0, 180.0, 119.72], [-90.0, -89.0, -80.0, 26.68], distances=True)["coast_km"].tolist()
    assert 1150 < got[0] < 1400 and 1150 < got[1] < 1400
    assert 150 < got[2] < 300  # on the Ross Ice Shelf, south of its front: not 0 at the antimeridian cut
    assert got[3] < 5
