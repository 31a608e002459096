"""The ``geomap places`` command: formats, output files, batches and bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from geomap.console.cli import main

STORY = (
    "Freight trains again cross the bridge between Dandong, China, and Sinuiju. "
    "Tankers sheltered in Sansha Bay during the storm.\n"
)


@pytest.fixture(scope="module")
def cli():
    return main


@pytest.fixture
def story(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(STORY, encoding="utf-8")
    return p


def run(cli, args, **kw):
    return CliRunner().invoke(cli, ["places", *args], **kw)


def test_table(cli, story):
    r = run(cli, [str(story)])
    assert r.exit_code == 0, r.output
    assert "Dandong" in r.stdout and "Sansha Bay" in r.stdout
    assert r.stdout.splitlines()[0].split()[:3] == ["name", "kind", "country"]


def test_json_has_evidence(cli, story):
    r = run(cli, [str(story), "--format", "json"])
    assert r.exit_code == 0, r.output
    recs = json.loads(r.stdout)
    (d,) = [x for x in recs if x["name"] == "Dandong"]
    assert d["country"] == "CN" and d["gazetteer_id"] == 2037886
    assert "Dandong" in d["sentence"] and d["reasons"]
    assert 0 <= d["score"] <= 1


def test_csv_and_geojson(cli, story):
    r = run(cli, [str(story), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {"name", "lat", "lon", "score", "sentence", "reasons"} <= set(rows[0])
    r = run(cli, [str(story), "--format", "geojson"])
    fc = json.loads(r.stdout)
    assert fc["type"] == "FeatureCollection"
    (bay,) = [f for f in fc["features"] if f["properties"]["name"] == "Sansha Bay"]
    lon, lat = bay["geometry"]["coordinates"]
    assert abs(lat - 26.68) < 0.2 and abs(lon - 119.72) < 0.2


def test_output_file(cli, story, tmp_path):
    out = tmp_path / "places.geojson"
    r = run(cli, [str(story), "--format", "geojson", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["features"]


def test_stdin(cli):
    r = run(cli, ["-", "--format", "json"], input=STORY)
    assert r.exit_code == 0, r.output
    assert "Sinŭiju" in {x["name"] for x in json.loads(r.stdout)}


def test_user_gazetteer_option(cli, story, tmp_path):
    gaz = tmp_path / "gaz.csv"
    gaz.write_text("name,lat,lon\nSansha Bay,26.5,119.9\n", encoding="utf-8")
    r = run(cli, [str(story), "--format", "json", "--gazetteer", str(gaz)])
    (bay,) = [x for x in json.loads(r.stdout) if x["name"] == "Sansha Bay"]
    assert (bay["lat"], bay["lon"]) == (26.5, 119.9)


# ---- batches ---------------------------------------------------------------------------


def _batch(tmp_path, lines):
    p = tmp_path / "batch.jsonl"
    p.write_bytes(b"\n".join(lines) + b"\n")
    return p


def test_jsonl_batch_in_order(cli, tmp_path):
    p = _batch(
        tmp_path,
        [
            json.dumps({"id": "b", "text": "Ships left Dandong."}).encode(),
            json.dumps({"id": "a", "text": "A parade in Pyongyang."}).encode(),
        ],
    )
    r = run(cli, ["--jsonl", str(p)])
    assert r.exit_code == 0, r.output
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", "a"]
    (m,) = [m for m in out[0]["mentions"] if m["text"] == "Dandong"]
    assert {"start", "end", "text", "lat", "lon", "score"} <= set(m)
    assert (m["start"], m["end"]) == (11, 18)


def test_jsonl_bad_line_is_reported_and_skipped(cli, tmp_path):
    p = _batch(
        tmp_path,
        [
            json.dumps({"id": 1, "text": "Ships left Dandong."}).encode(),
            b'{"id": 2, "text": "unterminated',
            b"\xff\xfe not utf-8",
            json.dumps({"id": 4, "text": ""}).encode(),
            json.dumps({"id": 5, "text": "Nampo port"}).encode(),
        ],
    )
    r = run(cli, ["--jsonl", str(p)])
    assert r.exit_code == 0
    assert [json.loads(line)["id"] for line in r.stdout.splitlines()] == [1, 5]
    assert f"{p}:2: malformed JSON" in r.stderr
    assert f"{p}:3: not UTF-8" in r.stderr
    assert f"{p}:4: the text is empty" in r.stderr
    assert "Traceback" not in r.output


def test_jsonl_strict_stops(cli, tmp_path):
    p = _batch(tmp_path, [json.dumps({"id": 1, "text": "Ships left Dandong."}).encode(), b"[1, 2"])
    r = run(cli, ["--jsonl", "--strict", str(p)])
    assert r.exit_code == 2
    assert f"{p}:2:" in r.stderr and "Traceback" not in r.output


def test_jsonl_output_file(cli, tmp_path):
    p = _batch(tmp_path, [json.dumps({"id": "x", "text": "Ships left Dandong."}).encode()])
    out = tmp_path / "out.jsonl"
    r = run(cli, ["--jsonl", str(p), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert json.loads(out.read_text(encoding="utf-8"))["id"] == "x"


# ---- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expect",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        ("Caf\xe9 in Dandong".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"  \n\n ", "empty"),
    ],
)
def test_bad_article(cli, tmp_path, data, expect):
    p = tmp_path / "article.txt"
    p.write_bytes(data)
    r = run(cli, [str(p)])
    assert r.exit_code == 2
    assert str(p) in r.stderr and expect in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_missing_file(cli, tmp_path):
    r = run(cli, [str(tmp_path / "nope.txt")])
    assert r.exit_code == 2 and "not found" in r.stderr


def test_bad_gazetteer_option(cli, story, tmp_path):
    gaz = tmp_path / "gaz.csv"
    gaz.write_text("name,lat,lon\nSomewhere,abc,1\n", encoding="utf-8")
    r = run(cli, [str(story), "--gazetteer", str(gaz)])
    assert r.exit_code == 2
    assert f"{gaz}:2:" in r.stderr and "Traceback" not in r.output


def test_output_is_deterministic(cli, story, tmp_path):
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson"
    for p in (a, b):
        assert run(cli, [str(story), "--format", "geojson", "-o", str(p)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_no_places_table(cli, tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("nothing to see here, move along.\n", encoding="utf-8")
    r = run(cli, [str(p)])
    assert r.exit_code == 0 and "(no places found)" in r.stdout


def test_every_format_has_one_schema_with_offsets(cli, story, tmp_path):
    from geomap.text import COLUMNS

    recs = json.loads(run(cli, [str(story), "--format", "json"]).stdout)
    rows = list(csv.DictReader(io.StringIO(run(cli, [str(story), "--format", "csv"]).stdout)))
    fc = json.loads(run(cli, [str(story), "--format", "geojson"]).stdout)
    batch = _batch(tmp_path, [json.dumps({"id": 1, "text": STORY}).encode()])
    (line,) = run(cli, ["--jsonl", str(batch)]).stdout.splitlines()
    mentions = json.loads(line)["mentions"]
    assert list(recs[0]) == list(rows[0]) == list(COLUMNS)
    assert set(fc["features"][0]["properties"]) | {"lat", "lon"} == set(COLUMNS)
    assert all(list(m) == list(COLUMNS) for m in mentions)
    for rec in recs:  # offsets point at the first mention of each place
        assert STORY[rec["start"] : rec["end"]] == rec["text"]
    (bay,) = [r for r in rows if r["name"] == "Sansha Bay"]
    assert (int(bay["start"]), int(bay["end"])) == (STORY.index("Sansha Bay"), STORY.index("Sansha Bay") + 10)
    (f,) = [f for f in fc["features"] if f["properties"]["name"] == "Dandong"]
    assert f["properties"]["start"] == STORY.index("Dandong")
    table = run(cli, [str(story)]).stdout.splitlines()
    assert {"start", "end", "country_alpha3"} <= set(table[0].split())
    (dandong,) = [line for line in table if line.startswith("Dandong")]
    assert str(STORY.index("Dandong")) in dandong.split()


def test_alpha3_codes_beside_alpha2(cli, story):
    recs = json.loads(run(cli, [str(story), "--format", "json"]).stdout)
    codes = {r["text"]: (r["country"], r["country_alpha3"]) for r in recs}
    assert codes["Dandong"] == ("CN", "CHN") and codes["Sinuiju"] == ("KP", "PRK")


def test_no_demonyms(cli, tmp_path):
    p = tmp_path / "d.txt"
    p.write_text("Canadian troops trained with French officers near Riga.", encoding="utf-8")
    names = {r["name"] for r in json.loads(run(cli, [str(p), "--format", "json"]).stdout)}
    assert {"Canada", "France", "Riga"} <= names
    r = run(cli, [str(p), "--format", "json", "--no-demonyms"])
    assert r.exit_code == 0, r.output
    assert {x["name"] for x in json.loads(r.stdout)} == {"Riga"}
    from geomap import geoparse

    assert [m.text for m in geoparse("Canadian troops near Riga.", demonyms=False)] == ["Riga"]
    assert "Canadian" in [m.text for m in geoparse("Canadian troops near Riga.")]
