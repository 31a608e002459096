"""Property-based fuzzing of every reader but the AIS one (points, layers, areas, JSON Lines, gazetteers).

Inputs are structured but broken: valid files whose values, types and nesting are
mutated, then sometimes truncated or sprinkled with random bytes. Whatever the input,
the run ends with exit code 0 or 2, never a traceback, and leaves no partial output:
no ``.part`` file, and no output file at all when it fails.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.console.cli import main

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW_FUZZ = settings(FUZZ, max_examples=12)
RENDER_FAST = ("--no-zones", "--no-borders", "--basemap", "none", "--point", "1,2")

# ---- strategies -------------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**25), max_value=10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "nan", "{{ 7*7 }}", "<script>", "\u2028", "\u202e", "007"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
lons = st.floats(min_value=-180, max_value=180)
lats = st.floats(min_value=-90, max_value=90)
heights = st.floats(allow_nan=False, allow_infinity=False)
positions = st.one_of(
    st.tuples(lons, lats), st.tuples(lons, lats, heights), st.tuples(lons, lats, heights, heights)
).map(list)


@st.composite
def geometries(draw, kinds=("Point", "LineString", "Polygon", "MultiPoint")):
    kind = draw(st.sampled_from(kinds))
    if kind == "Point":
        coords = draw(positions)
    elif kind in ("LineString", "MultiPoint"):
        coords = draw(st.lists(positions, min_size=2, max_size=4))
    else:
        ring = draw(st.lists(positions, min_size=3, max_size=5))
        coords = [ring + [ring[0]]]
    return {"type": kind, "coordinates": coords}


@st.composite
def feature_collections(draw, kinds=("Point",)):
    feats = draw(
        st.lists(
            st.builds(
                lambda g, p: {"type": "Feature", "geometry": g, "properties": p},
                geometries(kinds),
                st.dictionaries(st.sampled_from(["name", "id", "a", "geometry", "zone"]), json_values, max_size=3),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return {"type": "FeatureCollection", "features": feats}


@st.composite
def mutated(draw, doc):
    """``doc`` with a few nodes replaced by arbitrary JSON values (or left alone)."""
    for _ in range(draw(st.integers(0, 3))):
        doc = _replace_one(draw, doc)
    return doc


def _replace_one(draw, node):
    if isinstance(node, (dict, list)) and node and draw(st.booleans()):
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = draw(st.sampled_from(keys))
        copy = dict(node) if isinstance(node, dict) else list(node)
        copy[key] = _replace_one(draw, node[key])
        return copy
    return draw(json_values)


@st.composite
def damaged(draw, raw: bytes) -> bytes:
    """``raw`` unchanged, truncated, with bytes overwritten, or with random bytes inserted."""
    how = draw(st.sampled_from(["keep", "keep", "truncate", "overwrite", "insert"]))
    if how == "keep" or not raw:
        return raw
    at = draw(st.integers(0, len(raw) - 1))
    if how == "truncate":
        return raw[:at]
    junk = draw(st.binary(min_size=1, max_size=8))
    return raw[:at] + junk + raw[at + (len(junk) if how == "overwrite" else 0) :]


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-1000, 1000).map(str),
    st.text(max_size=8),
    st.sampled_from(["", "nan", "inf", "-0", "1e400", "95", "-181", '"', "a,b", "\n", "\r", " 12.5 "]),
)
column_names = st.one_of(
    st.sampled_from(
        ["lat", "lon", "latitude", "Longitude", "x", "y", "name", "id", " lat", "zone", "aliases", "type", "country"]
    ),
    st.text(max_size=5),
)


@st.composite
def csv_files(draw, required=("lat", "lon")) -> bytes:
    header = draw(st.lists(column_names, max_size=4))
    if draw(st.integers(0, 3)):  # usually a usable header
        header = list(required) + header
    rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=5))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return draw(damaged(buf.getvalue().encode("utf-8", "surrogatepass")))


@st.composite
def geojson_files(draw, kinds=("Point",)) -> bytes:
    doc = draw(mutated(draw(feature_collections(kinds))))
    return draw(damaged(json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass")))


coordinate_floats = st.one_of(st.floats(allow_nan=True, allow_infinity=True), lons)


@st.composite
def parquet_files(draw, *, geo: bool) -> bytes:
    n = draw(st.integers(0, 4))
    x = draw(st.lists(coordinate_floats, min_size=n, max_size=n))
    y = draw(st.lists(coordinate_floats, min_size=n, max_size=n))
    extra = draw(
        st.sampled_from(
            [
                st.lists(st.text(max_size=6), min_size=n, max_size=n),
                st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n),
                st.lists(st.lists(st.integers(0, 9), max_size=3), min_size=n, max_size=n),
                st.lists(st.one_of(st.none(), st.floats()), min_size=n, max_size=n),
            ]
        )
    )
    frame = pd.DataFrame({"name": draw(extra)}, index=pd.RangeIndex(n))
    if geo:
        geoms = list(shapely.points(x, y)) if n else []
        if n and draw(st.booleans()):
            geoms[0] = draw(st.sampled_from([None, shapely.LineString([(0, 0), (1, 1)]), shapely.Point()]))
        data = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, index=frame.index, crs=4326))
    else:
        data = frame.assign(lat=y, lon=x)
    buf = io.BytesIO()
    data.to_parquet(buf)
    return draw(damaged(buf.getvalue()))


@st.composite
def jsonl_files(draw) -> bytes:
    line = st.one_of(
        st.builds(lambda i, t: json.dumps({"id": i, "text": t}, allow_nan=True), json_values, st.text(max_size=40)),
        json_values.map(lambda v: json.dumps(v, allow_nan=True)),
        st.sampled_from(
            [
                '{"id": "\\ud800", "text": "Ships left Dandong."}',
                '{"id": %s, "text": "x"}' % ("9" * 5000),
                '{"text": %s}' % ("[" * 3000),
                '{"id": 1, "text": "Ships left Dandong."}',
            ]
        ),
    )
    lines = draw(st.lists(line, min_size=1, max_size=4))
    raw = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    return draw(damaged(raw))


# ---- the property -----------------------------------------------------------------------------


def _check_run(args: list[str], out: Path, *, written_on_error: bool = False):
    unraisable = []  # "Exception ignored in ..." would print a traceback on a real stderr
    hook, sys.unraisablehook = sys.unraisablehook, unraisable.append
    try:
        result = CliRunner().invoke(main, args)
    finally:
        sys.unraisablehook = hook
    assert not unraisable, [repr(u.exc_value) for u in unraisable]
    assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:], repr(result.exception))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert not list(out.parent.glob("*.part*")), "a partial output file was left behind"
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1, result.stderr[-2000:]
        assert written_on_error or not out.exists(), "an output file was written by a failed run"
    else:
        assert out.exists()
    return result


def _strict_json(text: str):
    def refuse(name):
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _run_on(files: dict[str, bytes], args: list[str], out_name: str, *, json_out: bool = False):
    """Write ``files`` to a fresh folder, run ``args`` (``{d}`` is the folder) with ``-o``, check the run.

    Returns the result and the output text (None when the run failed).
    """
    with tempfile.TemporaryDirectory() as d:
        for name, data in files.items():
            Path(d, name).write_bytes(data)
        out = Path(d, "out", out_name)
        out.parent.mkdir()
        result = _check_run([a.format(d=d) for a in args] + ["-o", str(out)], out)
        text = out.read_text(encoding="utf-8") if result.exit_code == 0 else None
    if text is not None and json_out:
        _strict_json(text)
    return result, text


@pytest.mark.parametrize("kind", ["csv", "geojson"])
@FUZZ
@given(data=st.data())
def test_zone_points_text_files(kind, data):
    raw = data.draw(csv_files() if kind == "csv" else geojson_files())
    fmt = data.draw(st.sampled_from(["csv", "json", "geojson", "table"]))
    _run_on(
        {f"in.{kind}": raw},
        ["zone", "--points", f"{{d}}/in.{kind}", "--format", fmt],
        f"result.{fmt}",
        json_out=fmt in ("json", "geojson"),
    )


@pytest.mark.parametrize("geo", [True, False])
@FUZZ
@given(data=st.data())
def test_zone_points_parquet(geo, data):
    raw = data.draw(parquet_files(geo=geo))
    _run_on(
        {"in.parquet": raw}, ["zone", "--points", "{d}/in.parquet", "--format", "json"], "result.json", json_out=True
    )


@pytest.mark.parametrize("kind", ["geojson", "parquet", "csv"])
@SLOW_FUZZ
@given(data=st.data())
def test_render_layer_files(kind, data):
    if kind == "geojson":
        raw = data.draw(geojson_files(kinds=("Point", "LineString", "Polygon", "MultiPoint")))
    elif kind == "parquet":
        raw = data.draw(parquet_files(geo=True))
    else:
        raw = data.draw(csv_files())
    _run_on({f"layer.{kind}": raw}, ["render", "--layer", f"{{d}}/layer.{kind}", *RENDER_FAST], "map.html")


@SLOW_FUZZ
@given(raw=jsonl_files(), strict=st.booleans())
def test_places_jsonl(raw, strict):
    result, text = _run_on(
        {"batch.jsonl": raw},
        ["places", "--jsonl", *(["--strict"] if strict else []), "{d}/batch.jsonl"],
        "mentions.jsonl",
    )
    if text is not None:
        lines = text.splitlines()
        for line in lines:
            _strict_json(line)
        nonblank = [chunk for chunk in raw.split(b"\n") if chunk.strip()]
        bad = sum(1 for line in result.stderr.splitlines() if line.startswith("geomap: skipped "))
        assert len(lines) + bad == len(nonblank)  # every line is either answered or counted


@SLOW_FUZZ
@given(raw=csv_files(required=("name", "lat", "lon")))
def test_places_gazetteer(raw):
    story = b"Tankers sheltered in Sansha Bay near Foo.\n"
    _run_on(
        {"story.txt": story, "gaz.csv": raw},
        ["places", "{d}/story.txt", "--gazetteer", "{d}/gaz.csv", "--format", "json"],
        "places.json",
        json_out=True,
    )


AIS = (
    b"MMSI,BaseDateTime,LAT,LON,SOG,COG,VesselName\n"
    b"1,2024-01-01T00:00:00,26.6,119.7,1,1,A\n1,2024-01-01T01:00:00,26.61,119.71,1,1,A\n"
)


@SLOW_FUZZ
@given(raw=geojson_files(kinds=("Polygon", "Point", "LineString")))
def test_vessels_area_files(raw):
    _run_on(
        {"ais.csv": AIS, "area.geojson": raw},
        ["vessels", "{d}/ais.csv", "--area", "{d}/area.geojson", "--format", "json"],
        "visits.json",
        json_out=True,
    )
