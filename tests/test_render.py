"""Rendering without a browser: escaping, view fitting, encoding, determinism, outputs, errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from geomap.compose import read_layer, render
from geomap.console.cli import main
from geomap.errors import InputError
from geomap.layers.base import Layer
from geomap.render import escape
from geomap.render.embed import fragment_html, iframe_html, page_html
from geomap.render.map import GeoMap
from geomap.render.view import encode_lines, encode_polygons, fit_view

ROOT = Path(__file__).resolve().parents[1]
# no shipped layers needed: points and user layers only
BARE = {"zones": False, "borders": False, "basemap": "none"}


def _square(x, y, d=0.5):
    return shapely.box(x, y, x + d, y + d)


# -- escaping --------------------------------------------------------------------------


def test_text_escapes_markup_and_quotes():
    assert escape.text('<img src=x onerror="a()">\'') == "&lt;img src=x onerror=&quot;a()&quot;&gt;&#x27;"
    assert escape.text(None) == "" and escape.text(float("nan")) == ""


def test_script_json_cannot_close_the_script_and_round_trips():
    value = {"s": '</script><script>alert(1)</script> <!-- & \u2028 `${x}` \\ "'}
    out = escape.script_json(value)
    assert "<" not in out and ">" not in out and "\u2028" not in out
    assert json.loads(out) == value


# -- view and encoding -----------------------------------------------------------------


def test_fit_view_zoom_and_resolution_follow_the_area():
    wide = fit_view((119.0, 26.0, 126.0, 41.0), width=1000, height=700)
    narrow = fit_view((124.0, 39.8, 124.8, 40.3), width=1000, height=700)
    assert narrow.zoom > wide.zoom
    assert narrow.tolerance < wide.tolerance
    # the clip area contains the fitted bounds
    for v, b in ((wide, (119.0, 26.0, 126.0, 41.0)), (narrow, (124.0, 39.8, 124.8, 40.3))):
        assert v.clip[0] < b[0] and v.clip[1] < b[1] and v.clip[2] > b[2] and v.clip[3] > b[3]


def test_polygons_are_clipped_and_small_parts_and_holes_dropped():
    view = fit_view((0.0, 0.0, 10.0, 10.0), width=1000, height=700)
    big = shapely.Polygon(
        shapely.box(-50, -50, 50, 50).exterior,
        [shapely.box(1, 1, 3, 3).exterior, shapely.box(5, 5, 5.001, 5.001).exterior],
    )
    islet = shapely.box(6, 6, 6.0005, 6.0005)
    enc = encode_polygons(np.array([big, islet], dtype=object), view)
    assert list(enc) == [0]  # the islet is below a pixel
    (rings,) = enc[0]
    assert len(rings) == 2  # exterior + the large hole; the tiny hole is gone
    q = view.quantum
    xs = np.cumsum(rings[0][0::2]) / q
    assert xs.min() >= view.clip[0] - 1 / q and xs.max() <= view.clip[2] + 1 / q


def test_lines_are_simplified_to_the_view():
    view = fit_view((0.0, 0.0, 10.0, 10.0), width=1000, height=700)
    x = np.linspace(1, 9, 5000)
    wiggle = shapely.LineString(np.c_[x, 5 + 1e-5 * np.sin(x * 1000)])
    (line,) = encode_lines(np.array([wiggle], dtype=object), view)[0]
    assert len(line) // 2 < 20


# -- map output ------------------------------------------------------------------------


def test_page_is_self_contained_with_no_external_reference():
    m = render(points=["40.12,124.39,Dandong"], title="Dandong", **BARE)
    html = page_html(m)
    assert isinstance(m, GeoMap)
    # nothing is loaded from elsewhere: no script src, no stylesheet link, no remote url() or @import
    assert not re.search(r"<script[^>]*\ssrc=", html)
    assert not re.search(r"<link\b", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html) and "@import" not in html
    assert "cdn." not in html.lower()
    assert 'id="geomap_' in html and "var geomap_" in html


def test_same_inputs_give_identical_bytes_and_different_inputs_differ():
    a = page_html(render(points=["40.12,124.39,Dandong", "39.03,125.75,Pyongyang"], title="t", **BARE))
    b = page_html(render(points=["40.12,124.39,Dandong", "39.03,125.75,Pyongyang"], title="t", **BARE))
    c = page_html(render(points=["40.12,124.39,Dandong"], title="t", **BARE))
    assert a == b
    assert a != c
    assert re.findall(r'id="(geomap_\w+)"', a) != re.findall(r'id="(geomap_\w+)"', c)


def test_same_inputs_give_identical_files_across_processes(tmp_path):
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / f"m{seed}.html"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        code = (
            "from geomap.compose import render; from geomap.render.embed import write_html;"
            f"write_html(render(points=['40.12,124.39,A','26.68,119.72,B'], title='x', zones=False, borders=False,"
            f" basemap='none'), {str(out)!r})"
        )
        subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_hostile_text_never_appears_raw_in_the_page():
    payload = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    gdf = gpd.GeoDataFrame({"name": [payload], "note": [payload]}, geometry=[shapely.Point(124.4, 40.1)], crs=4326)
    layer = Layer(name=payload, gdf=gdf, tooltip="name", popup_title="name", popup=(("note", "note"),))
    m = render(layers=[layer], points=[f"40,124,{payload}"], title=payload, **BARE)
    for html in (page_html(m), fragment_html(m)):
        assert payload not in html
        assert "<img src=x" not in html
        assert html.count("</script>") == html.count("<script>")


def test_fragment_has_one_container_and_scopes_its_script():
    m = render(points=["40.12,124.39,Dandong"], **BARE)
    frag = fragment_html(m, height=420)
    assert frag.count('class="folium-map geomap"') == 1
    assert "<html" not in frag and "<body" not in frag
    assert "height:420px" in frag
    assert f'geomap.draw("{m.get_name()}"' in frag


def test_iframe_snippet_holds_the_escaped_page():
    m = render(points=["40.12,124.39,Dandong"], **BARE)
    snip = iframe_html(m, title='A "map"')
    assert snip.startswith('<div class="geomap-embed"') and "<iframe " in snip
    assert 'title="A &quot;map&quot;"' in snip
    assert "<script>" not in snip  # the page sits escaped inside srcdoc


def test_user_layers_from_files(tmp_path):
    gj = tmp_path / "area.geojson"
    gpd.GeoDataFrame({"name": ["box"]}, geometry=[_square(124, 39.5)], crs=4326).to_file(gj, driver="GeoJSON")
    pq = tmp_path / "line.parquet"
    gpd.GeoDataFrame(
        {"vessel_name": ["ALPHA"]}, geometry=[shapely.LineString([(124, 39), (125, 40)])], crs=4326
    ).to_parquet(pq)
    csv = tmp_path / "pts.csv"
    csv.write_text("lat,lon,name,speed\n40.0,124.2,one,3.5\n39.8,124.6,two,\n")
    layers = [read_layer(p) for p in (gj, pq, csv)]
    assert [lyr.name for lyr in layers] == ["area", "line", "pts"]
    assert [lyr.kind for lyr in layers] == ["polygon", "line", "point"]
    m = render(layers=[gj, pq, csv], **BARE)
    names = [lyr["name"] for lyr in m.spec["layers"]]
    assert names == ["area", "line", "pts"]
    assert [len(lyr["f"]) for lyr in m.spec["layers"]] == [1, 1, 2]
    # a layer without a style gets one from the palette; styles differ between layers
    colours = [lyr["style"]["color"] for lyr in m.spec["layers"]]
    assert len(set(colours)) == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.geojson", "{not json", "cannot read it"),
        (
            "nogeom.geojson",
            '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"a":1}}]}',
            "no geometry",
        ),
        ("pts.csv", "a,b\n1,2\n", "latitude and longitude columns"),
        ("x.shp2", "", "unknown file type"),
    ],
)
def test_bad_layer_files_raise_input_errors(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_text(content)
    with pytest.raises(InputError, match=message):
        read_layer(p)


def test_bad_options_raise_input_errors():
    with pytest.raises(InputError, match="unknown basemap 'sat'"):
        render(points=["1,2"], basemap="sat", zones=False, borders=False)
    with pytest.raises(InputError, match="LAT comes first"):
        render(points=["124.4,40.1"], **BARE)
    with pytest.raises(InputError, match="MINLON,MINLAT,MAXLON,MAXLAT"):
        render(points=["1,2"], bounds=(10, 0, 5, 1), **BARE)


# -- command line ----------------------------------------------------------------------


def test_cli_writes_html_and_reports(tmp_path):
    out = tmp_path / "map.html"
    res = CliRunner().invoke(
        main,
        [
            "render",
            "--point",
            "40.12,124.39,Dandong",
            "--no-zones",
            "--no-borders",
            "--basemap",
            "none",
            "-o",
            str(out),
            "--title",
            "T",
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layer", "{missing}"], "file not found"),
        (["--layer", "{nogeom}"], "no geometry"),
        (["--basemap", "satellite"], "is not one of"),
        (["-o", "{nodir}/map.html"], "does not exist"),
    ],
)
def test_cli_bad_input_exits_2_and_keeps_the_old_output(tmp_path, args, message):
    nogeom = tmp_path / "nogeom.geojson"
    nogeom.write_text('{"type":"FeatureCollection","features":[]}')
    out = tmp_path / "map.html"
    out.write_text("old map")
    subs = {"{missing}": str(tmp_path / "missing.geojson"), "{nogeom}": str(nogeom), "{nodir}": str(tmp_path / "no")}
    args = [subs.get(a, a.replace("{nodir}", str(tmp_path / "no"))) for a in args]
    base = ["render", "--point", "40.12,124.39,Dandong", "--no-zones", "--no-borders"]
    if "-o" not in args:
        base += ["-o", str(out)]
    res = CliRunner().invoke(main, base + args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert out.read_text() == "old map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html", "nogeom.geojson"]


def test_cli_article_without_places_writes_a_notice_and_exits_2(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("nothing here but weather and lunch, said the spokesperson on tuesday.\n")
    out = tmp_path / "map.html"
    res = CliRunner().invoke(
        main, ["render", str(art), "-o", str(out), "--no-zones", "--no-borders", "--basemap", "none"]
    )
    assert res.exit_code == 2, res.output
    assert "no places were found" in res.output
    html = out.read_text()
    assert "No places were found in the article." in html


def test_place_names_are_looked_up_and_unknown_names_rejected():
    m = render(place_names=["Pyongyang"], **BARE)
    assert m.places["name"].tolist() == ["Pyongyang"]
    lat, lon = float(m.places["lat"].iloc[0]), float(m.places["lon"].iloc[0])
    assert 38.5 < lat < 39.5 and 125.0 < lon < 126.5
    assert m.spec["layers"][-1]["name"] == "Places"
    with pytest.raises(InputError, match="not in the gazetteer"):
        render(place_names=["Qwxzzy Town"], **BARE)


def test_article_places_become_markers_with_their_evidence():
    text = (ROOT / "examples" / "article.txt").read_text()
    m = render(text, **BARE)
    names = set(m.places["name"])
    assert {"Dandong", "Pyongyang", "Sansha Bay"} <= names
    (layer,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == "Places"]
    assert len(layer["f"]) == len(m.places)
    popups = " ".join(f[3] for f in layer["f"])
    for label in ("Country", "Coordinates", "Zone", "Sentence", "Score"):
        assert f"<th>{label}</th>" in popups
    assert "Sansha Bay, on the coast of Fujian" in popups  # the sentence that names it
    # the view is fitted to the local places, not to a country's centre point
    minlon, minlat, maxlon, maxlat = m.spec["bounds"]
    assert 115 < minlon < 119.7 and 125.8 < maxlon < 130 and 24 < minlat < 26.7 and 40.2 < maxlat < 43


def test_cli_fragment_and_iframe_outputs(tmp_path):
    base = ["render", "--point", "40.12,124.39,Dandong", "--no-zones", "--no-borders", "--basemap", "none"]
    frag, snip = tmp_path / "f.html", tmp_path / "i.html"
    assert CliRunner().invoke(main, base + ["--fragment", "-o", str(frag), "--height", "400"]).exit_code == 0
    assert CliRunner().invoke(main, base + ["--iframe", "-o", str(snip)]).exit_code == 0
    assert frag.read_text().startswith('<div class="geomap-fragment" style="width:100%;height:400px')
    assert "<iframe " in snip.read_text() and "srcdoc=" in snip.read_text()
    res = CliRunner().invoke(main, base + ["--fragment", "--iframe", "-o", str(frag)])
    assert res.exit_code == 2 and "exclude each other" in res.output


def test_jupyter_display_is_the_self_contained_page():
    m = render(points=["40.12,124.39,Dandong"], **BARE)
    shown = m._repr_html_()
    assert "<iframe" in shown and "srcdoc=" in shown
    assert "cdn." not in shown.lower() and "&lt;script src=" not in shown


def test_tiles_only_when_asked():
    assert "tile.openstreetmap.org" not in page_html(render(points=["40,124"], zones=False, borders=False))
    m = render(points=["40,124"], zones=False, borders=False, basemap="osm")
    assert m.spec["tiles"]["url"].startswith("https://tile.openstreetmap.org/")
    assert all(lyr["name"] != "Land" for lyr in m.spec["layers"])


def test_zone_layers_follow_the_shipped_data(monkeypatch):
    import geomap.geodata as geodata

    real_load = geodata.load_layer
    eez = gpd.GeoDataFrame({"country": ["CHN"]}, geometry=[shapely.box(118, 24, 126, 34)], crs=4326)

    def load(name, *, bbox=None):
        return eez if name == "eez" else real_load(name, bbox=bbox)

    shipped = [n for n in geodata.available_layers() if n not in ("eez", "contiguous_zone")]
    monkeypatch.setattr(geodata, "available_layers", lambda: shipped)
    m = render(points=["26.68,119.72,Sansha Bay"], borders=False, basemap="none")
    before = [lyr["name"] for lyr in m.spec["layers"]]
    monkeypatch.setattr(geodata, "available_layers", lambda: [*shipped, "eez"])
    monkeypatch.setattr(geodata, "load_layer", load)
    m = render(points=["26.68,119.72,Sansha Bay"], borders=False, basemap="none")
    after = [lyr["name"] for lyr in m.spec["layers"]]
    assert "Exclusive economic zone (200 nm, approximate)" not in before
    assert after[0] == "Exclusive economic zone (200 nm, approximate)" and after[1:] == before


def test_every_map_credits_osm_geonames_and_natural_earth():
    world = render(bounds=(-180, -60, 180, 75), zones=False, borders=False)
    local = render(points=["26.68,119.72,Sansha Bay"], zones=False, borders=False, basemap="none")
    for m in (world, local):
        credits = " | ".join(m.spec["attribution"])
        for source in ("OpenStreetMap contributors (ODbL)", "GeoNames (CC BY 4.0)", "Natural Earth"):
            assert source in credits
