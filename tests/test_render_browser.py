"""Maps in a real headless Chromium: offline, drawn, inert to hostile text, fragments, PNG.

Chromium (Debian package ``chromium``) is driven over the DevTools pipe by
:mod:`geomap.render.chromium`. Every page is opened from a local file with host name
resolution disabled, and the DevTools network log must show no request but the page.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geomap.compose import render
from geomap.layers.base import Layer
from geomap.layers.places import places_layer
from geomap.render.chromium import Chromium
from geomap.render.embed import fragment_html, write_html
from geomap.render.screenshot import write_png

pytestmark = pytest.mark.browser

OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND",)
BARE = {"zones": False, "borders": False, "basemap": "none"}

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "</script><script>window.__pwned=3</script>",
    "${window.__pwned=4}`;window.__pwned=4;`",
    "'); window.__pwned=5; ('",
    '\\"; window.__pwned=6; //\\',
    "<svg/onload=window.__pwned=7>",
    '"><b onmouseover="window.__pwned=8">quote & <!-- comment',
]

# map helpers evaluated in the page -------------------------------------------------------
_MARKERS = """(function(){
  var out=[]; for (var id in geomap.maps) { var r=geomap.maps[id], map=r.map,
  box=map.getContainer().getBoundingClientRect();
  r.markers.forEach(function(m){ var p=map.latLngToContainerPoint(m.getLatLng());
    out.push([id, box.left+p.x, box.top+p.y]); }); }
  return out; })()"""


_RESET = """(function(){for (var id in geomap.maps) { var r=geomap.maps[id], b=r.spec.bounds;
  r.map.closePopup(); r.map.closeTooltip && r.map.eachLayer(function(l){ if (l.closeTooltip) l.closeTooltip(); });
  r.map.fitBounds([[b[1],b[0]],[b[3],b[2]]], {animate:false}); } return true;})()"""


# the one tooltip / popup shown (Leaflet fades closed ones out for 200 ms before removing them)
_SHOWN = """(function(){var t=Array.from(document.querySelectorAll('%s')).filter(function(e){
  return e.style.opacity !== '0';});
  return t.length === 1 ? t[0].%s : 'expected one, found ' + t.length;})()"""
_TIP = _SHOWN % (".leaflet-tooltip", "textContent")
_POPUP = _SHOWN % (".leaflet-popup", "querySelector('.leaflet-popup-content').textContent")


def _screen_xy(browser: Chromium, lat: float, lon: float) -> tuple[float, float]:
    return tuple(
        browser.evaluate(
            "(function(){var m=geomap.maps[Object.keys(geomap.maps)[0]].map,b=m.getContainer().getBoundingClientRect(),"
            f"p=m.latLngToContainerPoint([{lat},{lon}]);return [b.left+p.x,b.top+p.y];}})()"
        )
    )


def _open(browser: Chromium, path: Path) -> None:
    browser.open(path)
    assert browser.evaluate("document.querySelectorAll('.geomap[data-geomap-ready]').length") >= 1


def _assert_clean(browser: Chromium, page: Path) -> None:
    assert browser.requests() == [page.resolve().as_uri()], "the page made a request"
    assert browser.console_errors() == []
    assert browser.dialogs() == []
    assert browser.evaluate("typeof window.__pwned") == "undefined"


def _hostile_map(folder: Path):
    n = len(PAYLOADS)
    vessels = folder / "vessels.csv"  # a user file: vessel names and properties are hostile too
    pd.DataFrame(
        {"lat": [36.2] * n, "lon": [120 + i for i in range(n)], "vessel_name": PAYLOADS, "flag": PAYLOADS[::-1]}
    ).to_csv(vessels, index=False)
    places = gpd.GeoDataFrame(
        {
            "name": PAYLOADS,
            "country": PAYLOADS[::-1],
            "sentence": [f"Said: {p}" for p in PAYLOADS],
            "score": [0.9] * n,
            "kind": ["city"] * n,
            "gazetteer_id": list(range(n)),
        },
        geometry=[shapely.Point(120 + i, 34.7) for i in range(n)],
        crs=4326,
    )
    boxes = gpd.GeoDataFrame(
        {"label": PAYLOADS[:4], "note": PAYLOADS[4:8]},
        geometry=[shapely.box(120 + 2 * i, 31.0, 121 + 2 * i, 32.0) for i in range(4)],
        crs=4326,
    )
    area_layer = Layer(
        name=PAYLOADS[2],
        gdf=boxes,
        tooltip="label",
        popup_title="label",
        popup=((PAYLOADS[0], "note"),),
        legend=PAYLOADS[6],
    )
    points = [f"{33.5},{120 + i},{p}" for i, p in enumerate(PAYLOADS)]
    return render(
        layers=[area_layer, places_layer(places, name=PAYLOADS[1]), vessels],
        points=points,
        title=PAYLOADS[3],
        bounds=(117.0, 29.0, 134.0, 38.0),
        **BARE,
    )  # room for the controls


def test_hostile_text_is_shown_literally_and_never_runs(tmp_path):
    page = tmp_path / "hostile.html"
    write_html(_hostile_map(tmp_path), page)
    with Chromium(width=1200, height=900, extra_args=OFFLINE) as b:
        _open(b, page)
        assert len(b.evaluate(_MARKERS)) == 3 * len(PAYLOADS)
        seen_popups, seen_tips = [], []
        for k in range(3 * len(PAYLOADS)):
            b.evaluate(_RESET)  # an open popup pans the map: start each marker from the fitted view
            _, x, y = b.evaluate(_MARKERS)[k]
            b.hover(1, 899)  # leave the previous marker first
            b.hover(x, y)
            seen_tips.append(b.evaluate(_TIP))
            b.click(x, y)
            seen_popups.append(b.evaluate(_POPUP))
        # places first (their pane is on top but the layer order is places, then points)
        for p in PAYLOADS:
            assert p in seen_tips
            assert any(text and text.startswith(p) and f"Said: {p}" in text for text in seen_popups)
        # polygon tooltips and popups
        for i, p in enumerate(PAYLOADS[:4]):
            b.evaluate(_RESET)
            cx, cy = _screen_xy(b, 31.5, 120.5 + 2 * i)
            b.hover(1, 899)
            b.hover(cx, cy)
            assert b.evaluate(_TIP) == p
            b.click(cx, cy)
            assert b.evaluate(_POPUP) == p + PAYLOADS[0] + PAYLOADS[4 + i]
        controls = b.evaluate("document.querySelector('.leaflet-control-layers-overlays').textContent")
        assert PAYLOADS[2] in controls and PAYLOADS[1] in controls
        assert PAYLOADS[6] in b.evaluate("document.querySelector('.gm-legend').textContent")
        assert b.evaluate("document.querySelector('.gm-title').textContent") == PAYLOADS[3]
        assert b.evaluate("document.title") == PAYLOADS[3]
        # nothing from the payloads became an element
        assert b.evaluate("document.querySelectorAll('.geomap img, .geomap svg svg, .geomap b').length") == 0
        assert b.evaluate("document.scripts.length") == 2  # geomap's two: the libraries and the map
        _assert_clean(b, page)


def test_regional_map_draws_markers_zones_borders_offline(tmp_path):
    m = render(place_names=["Dandong", "Sinuiju", "Pyongyang", "Sansha Bay"], title="Region")
    page = tmp_path / "region.html"
    write_html(m, page)
    assert page.stat().st_size <= 1_000_000
    with Chromium(extra_args=OFFLINE) as b:
        _open(b, page)
        count = "document.querySelectorAll('.leaflet-{}-pane path').length"
        assert b.evaluate(count.format("gmPlaces")) == 4
        assert b.evaluate(count.format("gmZones")) > 0
        assert b.evaluate(count.format("gmLines")) > 0
        assert b.evaluate(count.format("gmBase")) > 0
        overlays = b.evaluate("document.querySelector('.leaflet-control-layers-overlays').textContent")
        assert "territorial sea (12 nm)" in overlays and "Land borders" in overlays
        scale = b.evaluate("document.querySelector('.leaflet-control-scale').textContent")
        assert " nm" in scale and " km" in scale
        attribution = b.evaluate("document.querySelector('.leaflet-control-attribution').textContent")
        for credit in ("OpenStreetMap contributors (ODbL)", "GeoNames (CC BY 4.0)"):
            assert credit in attribution
        _assert_clean(b, page)


def test_measure_tool_reads_geodesic_nautical_miles(tmp_path):
    page = tmp_path / "m.html"
    write_html(render(points=["1,-0.5,A", "-1,1.5,B"], **BARE), page)
    with Chromium(extra_args=OFFLINE) as b:
        _open(b, page)
        xy = [_screen_xy(b, 0, 0), _screen_xy(b, 0, 1)]
        b.evaluate("document.querySelector('.gm-measure-btn').click()")
        for x, y in xy:
            b.click(x, y)
        text = b.evaluate("document.querySelector('.gm-measure-out').textContent")
        nm, km = text.replace("(", "").replace(")", "").split(" nm ")
        # one degree of longitude on the WGS84 equator is 111.319 km = 60.11 nm (clicks land within a pixel)
        assert abs(float(nm) - 60.11) < 0.5 and abs(float(km.split()[0]) - 111.3) < 1.0
        # the distance is on the ellipsoid: Vincenty's Flinders Peak - Buninyong test line, 54 972.271 m
        flinders = b.evaluate("geomap.geodesic(-37.95103342, 144.42486789, -37.65282114, 143.92649554)")
        assert abs(flinders - 54972.271) < 0.01
        assert abs(b.evaluate("geomap.geodesic(0, 0, 0, 1)") - 111319.491) < 0.01
        _assert_clean(b, page)


def test_two_fragments_on_one_page_both_work(tmp_path):
    a = render(points=["40.13,124.39,Dandong"], **BARE)
    c = render(points=["26.68,119.72,Sansha Bay", "26.5,119.9,Other"], **BARE)
    page = tmp_path / "report.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title></head><body>"
        "<h1>Report</h1><p>First map:</p>"
        + fragment_html(a, height=300)
        + "<p>Second map:</p>"
        + fragment_html(c, height=300)
        + "</body></html>",
        encoding="utf-8",
    )
    with Chromium(height=900, extra_args=OFFLINE) as b:
        _open(b, page)
        ids = b.evaluate("Array.from(document.querySelectorAll('.geomap')).map(function(e){return e.id})")
        assert len(ids) == 2 and len(set(ids)) == 2
        assert b.evaluate("document.querySelectorAll('.geomap[data-geomap-ready]').length") == 2
        counts = b.evaluate("Object.keys(geomap.maps).sort().map(function(k){return geomap.maps[k].markers.length})")
        assert sorted(counts) == [1, 2]
        assert b.evaluate("document.querySelectorAll('[id]').length") == len(
            set(b.evaluate("Array.from(document.querySelectorAll('[id]')).map(function(e){return e.id})"))
        )
        _assert_clean(b, page)


def test_png_shows_the_drawn_map(tmp_path):
    m = render(points=["40.13,124.39,Dandong", "26.68,119.72,Sansha Bay"], title="PNG")
    png = tmp_path / "map.png"
    write_png(m, png, width=640, height=480)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (640, 480)
    # decode the PNG in the browser and count sea, land and marker pixels
    page = tmp_path / "probe.html"
    page.write_text("<!DOCTYPE html><img id=i src='data:image/png;base64," + base64.b64encode(data).decode() + "'>")
    with Chromium(extra_args=OFFLINE) as b:
        b.open(page, wait_for_map=False)
        b.wait_for("document.getElementById('i').complete")
        counts = json.loads(
            b.evaluate("""(function(){var i=document.getElementById('i'),
          c=document.createElement('canvas');c.width=i.naturalWidth;c.height=i.naturalHeight;
          var x=c.getContext('2d');x.drawImage(i,0,0);var d=x.getImageData(0,0,c.width,c.height).data,
          k={sea:0,land:0,marker:0};
          function near(o,r,g,b){return Math.abs(d[o]-r)<12&&Math.abs(d[o+1]-g)<12&&Math.abs(d[o+2]-b)<12;}
          for(var o=0;o<d.length;o+=4){ if(near(o,0xd5,0xe6,0xf3))k.sea++; else if(near(o,0xf3,0xef,0xe6))k.land++;
            else if(near(o,0xf4,0xd0,0x3f))k.marker++; }
          return JSON.stringify(k);})()""")
        )
    total = 640 * 480
    assert counts["sea"] > 0.05 * total
    assert counts["land"] > 0.05 * total
    assert counts["marker"] > 2 * 40  # two filled dots of radius 6


def test_cli_renders_the_example_article_to_html_and_png(tmp_path):
    import importlib
    import importlib.util

    from click.testing import CliRunner

    root = Path(__file__).resolve().parents[1]
    try:
        main = importlib.import_module("geomap.console.cli").main
    except ModuleNotFoundError:  # editable installs may not map the repository root
        spec = importlib.util.spec_from_file_location("geomap_cli_png", root / "cli.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        main = mod.main
    html, png = tmp_path / "map.html", tmp_path / "map.png"
    res = CliRunner().invoke(
        main,
        [
            "render",
            str(root / "examples" / "article.txt"),
            "-o",
            str(html),
            "--png",
            str(png),
            "--width",
            "800",
            "--height",
            "560",
        ],
    )
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png.read_bytes()[16:24]) == (800, 560)
    assert html.stat().st_size <= 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html", "map.png"]


def test_iframe_snippet_draws_in_a_report_page(tmp_path):
    from geomap.render.embed import iframe_html

    m = render(points=["40.13,124.39,Dandong", "26.68,119.72,Sansha Bay"], title="Embedded")
    page = tmp_path / "report.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>"
        "<script>window.drawn=[];window.addEventListener('message',function(e){"
        "if(e.data&&e.data.geomapReady)window.drawn.push(e.data.geomapReady);});</script></head>"
        "<body style='margin:0'><div style='width:800px'>" + iframe_html(m, aspect=0.6) + "</div></body></html>",
        encoding="utf-8",
    )
    with Chromium(width=800, height=600, extra_args=OFFLINE) as b:
        b.open(page, wait_for_map=False)
        b.wait_for("window.drawn.length === 1")
        assert b.evaluate("window.drawn[0]") == m.get_name()
        assert b.evaluate("document.querySelector('iframe').getBoundingClientRect().height") == 480
        assert [u for u in b.requests() if not u.startswith("about:")] == [page.resolve().as_uri()]
        assert b.console_errors() == []
