"""Broken input files end a run with one line naming the file, the feature/row/line and the value (exit 2).

Every reader but the AIS one: point tables (``zone --points``), layer files (``render --layer``),
polygon files (``vessels --area``), JSON Lines batches (``places --jsonl``) and user gazetteers.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from geomap.console.cli import main

RENDER_FAST = ("--no-zones", "--no-borders", "--basemap", "none")
AIS = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,VesselName\n"
    "1,2024-01-01T00:00:00,26.6,119.7,1,1,A\n1,2024-01-01T01:00:00,26.61,119.71,1,1,A\n"
)


def run(*args: str):
    """Run the command with every warning recorded; return the result and the warnings.

    An exception that Python could only report as "Exception ignored in ..." (a traceback
    on a real stderr) fails the test.
    """
    unraisable = []
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = CliRunner().invoke(main, [str(a) for a in args])
    finally:
        sys.unraisablehook = hook
    assert not unraisable, [repr(u.exc_value) for u in unraisable]
    return result, caught


def assert_one_line_error(result, *needles: str) -> str:
    """Exit 2, exactly one line on stderr holding every needle, no traceback, no uncaught exception."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _fc(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _point(lon, lat, **props) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}


GOOD_POLYGON = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "Polygon", "coordinates": [[[119, 26], [120, 26], [120, 27], [119, 26]]]},
}

# (file content, what the message must say); the fault is always in feature 2
BROKEN_GEOJSON = {
    "feature_not_object": ('{"type":"FeatureCollection","features":[%s, 7]}', "is a number, not a GeoJSON Feature"),
    "feature_is_list": ('{"type":"FeatureCollection","features":[%s, [1, 2]]}', "is a list"),
    "geometry_string": (
        '{"type":"FeatureCollection","features":[%s, {"type":"Feature","properties":{},"geometry":"POINT (1 2)"}]}',
        "geometry is a string",
    ),
    "point_nested_too_deep": (
        '{"type":"FeatureCollection","features":[%s, {"type":"Feature","properties":{},'
        '"geometry":{"type":"Point","coordinates":[[1, 2]]}}]}',
        "[[1, 2]]",
    ),
    "polygon_nested_too_shallow": (
        '{"type":"FeatureCollection","features":[%s, {"type":"Feature","properties":{},'
        '"geometry":{"type":"Polygon","coordinates":[[119, 26], [120, 26], [120, 27]]}}]}',
        "nested wrongly",
    ),
    "properties_string": (
        '{"type":"FeatureCollection","features":[%s, {"type":"Feature","properties":"x",'
        '"geometry":{"type":"Point","coordinates":[1, 2]}}]}',
        '"properties" is a string',
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_GEOJSON))
@pytest.mark.parametrize("command", ["zone", "render", "area"])
def test_broken_geojson_is_one_line_naming_the_feature(tmp_path, case, command):
    template, message = BROKEN_GEOJSON[case]
    first = GOOD_POLYGON if command == "area" else _point(119.7, 26.6, name="ok")
    src = tmp_path / "in.geojson"
    src.write_text(template % json.dumps(first))
    out = tmp_path / "out.txt"
    if command == "zone":
        args = ("zone", "--points", src, "-o", out)
    elif command == "render":
        args = ("render", "--layer", src, "--point", "1,2", *RENDER_FAST, "-o", out)
    else:
        ais = tmp_path / "ais.csv"
        ais.write_text(AIS)
        args = ("vessels", ais, "--area", src, "-o", out)
    result, caught = run(*args)
    assert_one_line_error(result, str(src), "feature 2", message)
    assert not out.exists() and not list(tmp_path.glob("*.part*"))
    assert not caught, [str(w.message) for w in caught]


def test_duplicate_csv_columns_are_refused(tmp_path):
    src = tmp_path / "dup.csv"
    src.write_text("lat,lon,lat\n26.6,119.7,10\n")
    result, _ = run("zone", "--points", src, "--format", "csv", "-o", tmp_path / "out.csv")
    assert_one_line_error(result, str(src), "line 1", "'lat' appears twice")
    assert not (tmp_path / "out.csv").exists()


def test_vessels_area_given_a_csv_is_a_clear_error(tmp_path):
    ais, area = tmp_path / "ais.csv", tmp_path / "area.csv"
    ais.write_text(AIS)
    area.write_text("lat,lon\n26.6,119.7\n")
    result, _ = run("vessels", ais, "--area", area)
    assert_one_line_error(result, str(area), "holds no polygons", "GeoJSON or GeoParquet")


@pytest.mark.parametrize(
    ("coords", "shown"),
    [
        ("[119.7, NaN]", "NaN"),
        ("[119.7, 95.0]", "latitude 95.0"),
        ("[181.5, 26.6]", "longitude 181.5"),
        ("[119.7, Infinity]", "Infinity"),
    ],
)
def test_layer_geojson_coordinates_are_checked(tmp_path, coords, shown):
    src = tmp_path / "layer.geojson"
    src.write_text(
        '{"type":"FeatureCollection","features":[%s, {"type":"Feature","properties":{},'
        '"geometry":{"type":"LineString","coordinates":[[119, 26], %s]}}]}' % (json.dumps(_point(119.7, 26.6)), coords)
    )
    result, _ = run("render", "--layer", src, "--point", "1,2", *RENDER_FAST, "-o", tmp_path / "m.html")
    assert_one_line_error(result, f"layer {src}", "feature 2", shown)
    assert not (tmp_path / "m.html").exists()


@pytest.mark.parametrize(
    ("lat", "lon", "shown"),
    [(95.0, 10.0, "latitude 95.0"), (10.0, -190.0, "longitude -190.0"), (float("nan"), 10.0, "nan")],
)
def test_layer_parquet_and_csv_coordinates_are_checked(tmp_path, lat, lon, shown):
    pq = tmp_path / "layer.parquet"
    gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=shapely.points([119.7, lon], [26.6, lat]), crs=4326).to_parquet(pq)
    result, _ = run("render", "--layer", pq, "--point", "1,2", *RENDER_FAST, "-o", tmp_path / "m.html")
    line = assert_one_line_error(result, f"layer {pq}", "row 2", shown)
    assert "np." not in line
    src = tmp_path / "layer.csv"
    src.write_text(f"name,lat,lon\na,26.6,119.7\nb,{lat},{lon}\n")
    result, _ = run("render", "--layer", src, "--point", "1,2", *RENDER_FAST, "-o", tmp_path / "m.html")
    assert_one_line_error(result, f"layer {src}", "row 2 (line 3)")
    assert not (tmp_path / "m.html").exists()


def test_messages_show_values_not_numpy_reprs(tmp_path):
    geo = tmp_path / "geo.parquet"
    gpd.GeoDataFrame({"id": [1]}, geometry=shapely.points([10.0], [95.0]), crs=4326).to_parquet(geo)
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"lat": [10.0, 95.5], "lon": [10.0, 10.0]}).to_parquet(plain)
    for src, shown in ((geo, "latitude 95.0"), (plain, "lat=95.5")):
        result, _ = run("zone", "--points", src)
        line = assert_one_line_error(result, str(src), "row", shown)
        assert "np.float64" not in line and "np." not in line


MIXED = _fc(_point(10, 20, a={"b": [1, 2]}, c=1, d=None, e=1.5), _point(11, 21, a="x", c="str", d=[{"z": "ü"}], e=True))


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson", "table"])
def test_mixed_and_nested_properties_are_written_not_lost(tmp_path, fmt):
    src = tmp_path / "mixed.geojson"
    src.write_text(MIXED, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    result, caught = run("zone", "--points", src, "--format", fmt, "-o", out)
    assert result.exit_code == 0, (result.output, result.exception)
    assert not caught, [str(w.message) for w in caught]
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert json.loads(rows[0]["a"]) == {"b": [1, 2]} and rows[1]["a"] == "x"
        assert (rows[0]["c"], rows[1]["c"]) == ("1", "str")
        assert json.loads(rows[1]["d"]) == [{"z": "ü"}] and rows[0]["d"] == ""
    elif fmt == "json":
        rows = json.loads(text)
        assert rows[0]["a"] == {"b": [1, 2]} and rows[1]["d"] == [{"z": "ü"}] and rows[1]["c"] == "str"
    elif fmt == "geojson":
        props = [f["properties"] for f in json.loads(text)["features"]]
        assert props[0]["a"] == {"b": [1, 2]} and props[1]["a"] == "x" and props[0]["d"] is None
    else:
        assert '{"b":[1,2]}' in text and '[{"z":"ü"}]' in text


def _jsonl(tmp_path, *lines: str):
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


HOSTILE_LINES = {
    "huge_id": '{"id": %s, "text": "Ships left Dandong."}' % ("9" * 5000),
    "deep": '{"id": 3, "extra": %s1%s, "text": "Ships left Dandong."}' % ("[" * 100_000, "]" * 100_000),
    "surrogate_text": '{"id": 4, "text": "Ships left \\ud800 Dandong."}',
    "surrogate_id": '{"id": "\\udc00", "text": "Ships left Dandong."}',
    "nan_id": '{"id": NaN, "text": "Ships left Dandong."}',
    "float_overflow_id": '{"id": 1e400, "text": "Ships left Dandong."}',
    "nested_id": '{"id": {"a": [1]}, "text": "Ships left Dandong."}',
}


def test_jsonl_hostile_lines_are_skipped_and_counted(tmp_path):
    good = json.dumps({"id": "ok", "text": "A parade in Pyongyang."})
    p = _jsonl(tmp_path, good, *HOSTILE_LINES.values(), good)
    out = tmp_path / "out.jsonl"
    result, _ = run("places", "--jsonl", p, "-o", out)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]  # valid JSON, line by line
    assert [r["id"] for r in rows] == ["ok", "ok"]
    assert f"{len(HOSTILE_LINES)} bad line(s) skipped" in result.stderr
    for lineno in range(2, 2 + len(HOSTILE_LINES)):
        assert f"{p}:{lineno}:" in result.stderr


@pytest.mark.parametrize("case", sorted(HOSTILE_LINES))
def test_jsonl_hostile_line_with_strict_is_one_line(tmp_path, case):
    p = _jsonl(tmp_path, HOSTILE_LINES[case])
    out = tmp_path / "out.jsonl"
    result, _ = run("places", "--jsonl", "--strict", p, "-o", out)
    line = assert_one_line_error(result, f"{p}:1:")
    assert len(line) < 400
    assert not out.exists() and not list(tmp_path.glob("*.part*"))


GAZETTEERS = {
    "too_few_fields": (b"name,lat,lon\nFoo Bay,1,2\nBar Bay\n", ":3:", "1 field(s)"),
    "too_many_fields": (b"name,lat,lon\nFoo Bay,1,2,3\n", ":2:", "4 field(s)"),
    "nan": (b"name,lat,lon\nFoo Bay,nan,2\n", ":2:", "'nan'"),
    "inf": (b"name,lat,lon\nFoo Bay,1,-inf\n", ":2:", "'-inf'"),
    "overflow": (b"name,lat,lon\nFoo Bay,1e400,2\n", ":2:", "'1e400'"),
    "binary": (b"name,lat,lon\n\x89PNG\x00\x01", "", "binary"),
    "not_utf8": (b"name,lat,lon\n\xff\xfe,1,2\n", "", "not UTF-8"),
    "huge_field": (b'name,lat,lon\n"' + b"x" * 200_000 + b'",1,2\n', ":2:", "field larger"),
    "duplicate_column": (b"name,lat,lon,lat\nFoo Bay,1,2,3\n", ":1:", "'lat' appears twice"),
}


@pytest.mark.parametrize("case", sorted(GAZETTEERS))
def test_bad_user_gazetteer_is_one_line_naming_the_line(tmp_path, case):
    data, where, message = GAZETTEERS[case]
    gaz = tmp_path / "gaz.csv"
    gaz.write_bytes(data)
    story = tmp_path / "story.txt"
    story.write_text("Tankers sheltered in Foo Bay.\n")
    out = tmp_path / "out.json"
    result, _ = run("places", story, "--gazetteer", gaz, "--format", "json", "-o", out)
    line = assert_one_line_error(result, f"{gaz}{where}", message)
    assert len(line) < 400
    assert not out.exists()


def test_layer_properties_reach_the_popup_as_json_text_without_warnings(tmp_path):
    from geomap.compose import read_layer

    src = tmp_path / "mixed.geojson"
    src.write_text(MIXED, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = read_layer(src)
    assert not caught, [str(w.message) for w in caught]
    cells = {title: layer.gdf[col].tolist() for title, col in layer.popup}
    assert cells["a"] == ['{"b":[1,2]}', "x"] and cells["c"] == ["1", "str"] and cells["d"] == ["", '[{"z":"ü"}]']


@pytest.mark.parametrize("body", ["26.6,119.7\n26.7\n", '26.6,119.7\n"26.7,119.8\n', "26.6,119.7\n26.7,119.8,5\n"])
def test_ragged_csv_row_names_its_line(tmp_path, body):
    src = tmp_path / "pos.csv"
    src.write_text("lat,lon\n" + body)
    result, _ = run("zone", "--points", src, "-o", tmp_path / "out.csv")
    assert_one_line_error(result, str(src), "line 3", "field(s) where the header has 2")
    result, _ = run("render", "--layer", src, "--point", "1,2", *RENDER_FAST, "-o", tmp_path / "m.html")
    assert_one_line_error(result, f"layer {src}", "line 3")
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "m.html").exists()


def test_layer_positions_with_heights_and_measures_read_as_2d(tmp_path):
    from geomap.compose import read_layer

    src = tmp_path / "mixed_dims.geojson"
    src.write_text(
        _fc(
            {
                "type": "Feature",
                "properties": {"name": "line"},
                "geometry": {"type": "LineString", "coordinates": [[119, 26], [120, 27, 5.0]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "pt"},
                "geometry": {"type": "Point", "coordinates": [119.5, 26.5, 1.0, 2.0]},
            },
        )
    )
    layer = read_layer(src)
    assert [g.wkt for g in layer.gdf.geometry] == ["LINESTRING (119 26, 120 27)", "POINT (119.5 26.5)"]


def test_ragged_row_that_is_not_utf8_names_its_line(tmp_path):
    src = tmp_path / "pos.csv"
    src.write_bytes(b"lat,lon\n26.6,119.7\n\xff\xfe,1,2\n")
    result, _ = run("zone", "--points", src)
    assert_one_line_error(result, str(src), "line 3", "not UTF-8")
