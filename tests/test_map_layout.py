"""What a reader sees on a map, measured in a real headless Chromium and read back by OCR.

Three stories are drawn: the example article (Sansha Bay, Dandong, Pyongyang), a
shipping story round Singapore with two stray matches (a person called Lincoln, a
village called Tanjung in Borneo) and a border story in Poland, Ukraine and Lithuania.
Each is opened at 1000×700 and 600×400 and the page's own boxes are measured:
popups, labels, markers, controls and the title.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from geomap.compose import render
from geomap.render import pdf_bytes, png_bytes, write_html
from geomap.render.chromium import Chromium

pytestmark = pytest.mark.skipif(os.environ.get("GEOMAP_SKIP_BROWSER") == "1", reason="GEOMAP_SKIP_BROWSER=1")

OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND",)
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SIZES = [(1000, 700), (600, 400)]

# boxes in the map container's pixels: {l, t, r, b}
_MEASURE = """(function(){var id=Object.keys(geomap.maps)[0], r=geomap.maps[id], map=r.map,
  el=map.getContainer(), cb=el.getBoundingClientRect();
  function box(e){var b=e.getBoundingClientRect();
    return {l:b.left-cb.left,t:b.top-cb.top,r:b.right-cb.left,b:b.bottom-cb.top};}
  function all(sel){return Array.prototype.map.call(el.querySelectorAll(sel), function(e){
    var o=box(e); o.text=e.textContent; o.cls=e.className; return o;});}
  var size=map.getSize(), v=map.getBounds();
  return {w:size.x, h:size.y, labels:all('.gm-label'), places:all('.gm-label-place'),
    controls:all('.leaflet-control'), head:all('.gm-head'), title:all('.gm-title'),
    titleFits: Array.prototype.every.call(el.querySelectorAll('.gm-title'), function(t){
      return t.scrollWidth <= t.clientWidth + 1 && t.scrollHeight <= t.clientHeight + 1;}),
    markers:r.markers.filter(function(m){return map.hasLayer(m);}).map(function(m){
      var p=map.latLngToContainerPoint(m.getLatLng()); return {x:p.x,y:p.y,r:m.getRadius(),
      name:m.getTooltip()?m.getTooltip().getContent():''};}),
    view:[v.getWest(), v.getSouth(), v.getEast(), v.getNorth()],
    centre:[map.getCenter().lat, map.getCenter().lng]};})()"""


def _story(name: str) -> str:
    return (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")


def _map(name: str, width: int, height: int, **kw):
    text = _story(name)
    return render(text, title=text.splitlines()[0], width=width, height=height, **kw)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The three stories written once per size."""
    folder = tmp_path_factory.mktemp("stories")
    out = {}
    for name in ("article", "strait", "border"):
        for w, h in SIZES:
            page = folder / f"{name}-{w}.html"
            write_html(_map(name, w, h), page)
            out[name, w] = page
    return out


def _measure(page: Path, width: int, height: int, *, media: str | None = None) -> dict:
    with Chromium(width=width, height=height, extra_args=OFFLINE, media=media) as b:
        b.open(page)
        data = b.evaluate(_MEASURE)
        assert b.requests() == [page.resolve().as_uri()], "the page made a request"
        assert b.console_errors() == []
    return data


def _overlap(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] - 0.5 and b["l"] < a["r"] - 0.5 and a["t"] < b["b"] - 0.5 and b["t"] < a["b"] - 0.5


def _inside(x: float, y: float, box: dict) -> bool:
    return box["l"] <= x <= box["r"] and box["t"] <= y <= box["b"]


@pytest.mark.parametrize("name", ["article", "strait", "border"])
@pytest.mark.parametrize("size", SIZES)
def test_no_marker_under_a_control_and_the_title_is_whole(pages, name, size):
    w, h = size
    m = _measure(pages[name, w], w, h)
    furniture = m["controls"] + m["head"]
    shown = [k for k in m["markers"] if 0 <= k["x"] <= w and 0 <= k["y"] <= h]
    assert shown, "no marker in the first view"
    for k in shown:
        for c in furniture:
            assert not _inside(k["x"], k["y"], c), f"marker {k['name']} at {k['x']:.0f},{k['y']:.0f} under {c['cls']}"
    (title,) = m["title"]
    assert m["titleFits"], "the title is cut"
    assert title["l"] >= 0 and title["r"] <= w and title["t"] >= 0
    assert not any(_overlap(title, c) for c in m["controls"]), "a control covers the title"


@pytest.mark.parametrize("name", ["article", "strait", "border"])
@pytest.mark.parametrize("size", SIZES)
def test_labels_do_not_overlap_each_other_markers_or_controls(pages, name, size):
    w, h = size
    m = _measure(pages[name, w], w, h)
    labels = m["labels"]
    for i, a in enumerate(labels):
        assert a["l"] >= 0 and a["t"] >= 0 and a["r"] <= w and a["b"] <= h, f"label {a['text']} leaves the map"
        for b in labels[i + 1 :]:
            assert not _overlap(a, b), f"labels {a['text']!r} and {b['text']!r} overlap"
        for c in m["controls"] + m["head"]:
            assert not _overlap(a, c), f"label {a['text']!r} under {c['cls']}"
        for k in m["markers"]:  # no label covers a marker's centre
            assert not _inside(k["x"], k["y"], a), f"label {a['text']!r} covers marker {k['name']}"
    # every place whose marker is in view has its label
    in_view = {k["name"] for k in m["markers"] if 0 <= k["x"] <= w and 0 <= k["y"] <= h}
    named = {a["text"] for a in m["places"]}
    assert len(in_view & named) >= 0.9 * len(in_view), f"unlabelled: {sorted(in_view - named)}"


def test_popups_are_readable_and_do_not_move_the_map(pages):
    for w, h in SIZES:
        page = pages["article", w]
        with Chromium(width=w, height=h, extra_args=OFFLINE) as b:
            b.open(page)
            m = b.evaluate(_MEASURE)
            for k in [k for k in m["markers"] if 10 < k["x"] < w - 10 and 10 < k["y"] < h - 10]:
                b.evaluate(
                    "(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]];r.map.closePopup();return 1;})()"
                )
                b.pump(0.3)  # a closed popup fades out for 200 ms
                b.click(k["x"], k["y"])
                b.pump(0.25)
                box = b.evaluate("""(function(){var p=Array.from(document.querySelectorAll('.leaflet-popup'))
                  .filter(function(e){return e.style.opacity!=='0';});
                  if (p.length!==1) return null; var w=p[0].querySelector('.leaflet-popup-content-wrapper'),
                  c=p[0].querySelector('.leaflet-popup-content'), b=w.getBoundingClientRect();
                  return {l:b.left,t:b.top,r:b.right,b:b.bottom,w:b.width,h:b.height,
                          text:c.textContent, scroll:c.scrollHeight>c.clientHeight+1};})()""")
                assert box is not None, f"no popup for {k['name']}"
                assert min(240, w - 40) - 1 <= box["w"] <= 340, f"popup of {k['name']} is {box['w']:.0f} px wide"
                assert box["h"] <= min(340, h - 20), f"popup of {k['name']} is {box['h']:.0f} px tall"
                assert box["l"] >= 0 and box["r"] <= w and box["t"] >= 0 and box["b"] <= h, "popup leaves the map"
                assert "Sentence" in box["text"]
                after = b.evaluate(_MEASURE)
                assert after["centre"] == m["centre"], "opening a popup moved the map"
            assert b.console_errors() == []


def _contains(view: list, lon: float, lat: float) -> bool:
    return view[0] <= lon <= view[2] and view[1] <= lat <= view[3]


@pytest.mark.parametrize("size", SIZES)
def test_first_view_is_on_the_region_of_each_story(pages, size):
    w, h = size
    art = _measure(pages["article", w], w, h)["view"]
    for lon, lat in ((119.72, 26.68), (124.39, 40.13), (125.75, 39.03)):  # Sansha Bay, Dandong, Pyongyang
        assert _contains(art, lon, lat)
    assert art[2] - art[0] < 45
    strait = _measure(pages["strait", w], w, h)["view"]
    for lon, lat in (
        (103.85, 1.29),
        (104.02, 1.15),
        (101.39, 3.0),
        (106.85, -6.21),
    ):  # Singapore, Batam, Klang, Jakarta
        assert _contains(strait, lon, lat)
    assert not _contains(strait, -96.67, 40.8)  # Lincoln, Nebraska: a person's name
    assert strait[2] - strait[0] < 25 and strait[3] - strait[1] < 20
    border = _measure(pages["border", w], w, h)["view"]
    for lon, lat in (
        (23.80, 51.15),
        (22.77, 49.78),
        (24.02, 49.84),
        (25.28, 54.69),
    ):  # Dorohusk, Przemyśl, Lviv, Vilnius
        assert _contains(border, lon, lat)
    assert border[2] - border[0] < 45 and border[0] > -15 and border[2] < 50  # Europe, not the world


def test_the_key_is_collapsed_on_small_maps_and_has_no_checkboxes_in_print(pages):
    js = """(function(){var k=document.querySelector('.gm-legend'), b=k.querySelector('.gm-legend-body');
      return {collapsed:k.classList.contains('gm-collapsed'), body:b.offsetHeight,
        checks:Array.from(k.querySelectorAll('input')).filter(function(i){return i.offsetParent!==null;}).length,
        rows:k.querySelectorAll('.gm-legend-row').length, layerControls:document.querySelectorAll('.leaflet-control-layers').length};})()"""
    for (w, h), collapsed in ((SIZES[0], False), (SIZES[1], True)):
        for media, _checks in ((None, True), ("print", False)):
            with Chromium(width=w, height=h, extra_args=OFFLINE, media=media) as b:
                b.open(pages["article", w])
                k = b.evaluate(js)
                assert k["layerControls"] == 1  # legend and layer switch are one box
                if media == "print":
                    assert k["body"] > 0 and k["checks"] == 0
                else:
                    assert k["collapsed"] is collapsed and (k["body"] == 0) is collapsed
                    assert (k["checks"] > 0) is (not collapsed)
                    if collapsed:  # one click opens it
                        b.evaluate("document.querySelector('.gm-legend-toggle').click()")
                        assert b.evaluate(js)["checks"] == k["rows"]


def test_legend_swatches_match_the_zone_colours_on_the_map(pages):
    with Chromium(extra_args=OFFLINE) as b:
        b.open(pages["article", 1000])
        rows = b.evaluate("""(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]];
          return Array.from(document.querySelectorAll('.gm-legend-row')).map(function(row){
            var s=row.querySelector('.gm-swatch');
            return [row.textContent, getComputedStyle(s).backgroundColor];});})()""")
        spec = b.evaluate("""(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]];
          return [r.spec.sea, r.spec.layers.filter(function(l){return l.pane==='gmZones';}).map(function(l){
            return [l.name, l.style.fillColor, l.style.fillOpacity];})];})()""")
    sea, zones = spec
    seen = dict(rows)
    fills = set()
    for name, fill, alpha in zones:
        want = [round(int(fill[i : i + 2], 16) * alpha + int(sea[i : i + 2], 16) * (1 - alpha)) for i in (1, 3, 5)]
        got = [int(v) for v in re.findall(r"\d+", seen[name])[:3]]
        assert max(abs(a - c) for a, c in zip(want, got)) <= 1, (name, want, got)
        fills.add(tuple(got))
    assert len(fills) == len(zones) == 3  # three rungs, three different colours


def _ocr(png: bytes, folder: Path) -> str:
    path = folder / "map.png"
    path.write_bytes(png)
    res = subprocess.run(["tesseract", str(path), "-", "--psm", "11"], capture_output=True, text=True, check=True)
    return res.stdout


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isalnum()).casefold()


def _legible(name: str, text: str) -> bool:
    """True if ``name`` is in the OCR text allowing one wrong letter in five."""
    want, have = _fold(name), _fold(text)
    if want in have:
        return True
    n, budget = len(want), max(1, len(want) // 5)
    for i in range(0, max(1, len(have) - n + 1)):
        if sum(a != b for a, b in zip(want, have[i : i + n])) <= budget:
            return True
    return False


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr")
@pytest.mark.parametrize("name", ["article", "strait", "border"])
@pytest.mark.parametrize("size", SIZES)
def test_place_names_are_legible_in_the_png(tmp_path, pages, name, size):
    w, h = size
    m = _map(name, w, h)
    text = _ocr(png_bytes(m, width=w, height=h), tmp_path)
    labelled = _measure(pages[name, w], w, h, media="print")["places"]
    names = [a["text"] for a in labelled]
    assert len(names) >= 4
    legible = [n for n in names if _legible(n, text)]
    assert len(legible) >= 0.8 * len(names), f"legible {legible} of {names}; OCR read: {text!r}"


def test_png_at_scale_two_and_a_vector_pdf():
    m = _map("article", 600, 400)
    png = png_bytes(m, width=600, height=400, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 1200 and int.from_bytes(png[20:24], "big") == 800
    pdf = pdf_bytes(m, width=600, height=400)
    assert pdf[:5] == b"%PDF-"
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
    assert box and abs(float(box[1]) - 450) < 2 and abs(float(box[2]) - 300) < 2  # 600×400 px at 72/96
    assert (
        pdf.count(b"/Type /Page\n")
        + pdf.count(b"/Type /Page\r")
        + pdf.count(b"/Type /Page/")
        + len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        >= 1
    )


def test_alt_text_describes_the_map_for_screen_readers(pages):
    with Chromium(extra_args=OFFLINE) as b:
        b.open(pages["article", 1000])
        alt = b.evaluate("""(function(){var el=document.querySelector('.geomap'),
          d=document.getElementById(el.getAttribute('aria-describedby'));
          return {text:d.textContent, w:d.getBoundingClientRect().width, role:el.getAttribute('role')};})()""")
    assert alt["role"] == "region" and alt["w"] <= 1  # read aloud, not drawn
    for word in ("Tankers idle in a quiet bay", "Dandong", "Pyongyang", "Sansha Bay", "territorial sea"):
        assert word in alt["text"]


def test_view_takes_in_layer_features_and_tracks(tmp_path):
    import geopandas as gpd
    import shapely

    from geomap.layers.base import Layer

    track = gpd.GeoDataFrame(
        {"name": ["route"]}, geometry=[shapely.LineString([(119.7, 26.7), (130.0, 33.0)])], crs=4326
    )
    m = render(points=["26.68,119.72,Sansha Bay"], layers=[Layer(name="Track", gdf=track)], width=1000, height=700)
    page = tmp_path / "track.html"
    write_html(m, page)
    view = _measure(page, 1000, 700)["view"]
    assert _contains(view, 119.7, 26.7) and _contains(view, 130.0, 33.0)


def test_a_place_whose_label_finds_no_room_is_named_under_the_title(tmp_path):
    # twenty towns a few km apart: at 600x400 not every label fits beside its marker
    points = [f"{50.0 + 0.02 * (i % 5):.2f},{20.0 + 0.03 * (i // 5):.2f},Town number {i}" for i in range(20)]
    m = render(points=points, title="Twenty towns", width=600, height=400)
    page = tmp_path / "crowded.html"
    write_html(m, page)
    with Chromium(width=600, height=400, extra_args=OFFLINE) as b:
        b.open(page)
        data = b.evaluate(_MEASURE)
        line = b.evaluate("(function(){var e=document.querySelector('.gm-unlabelled');return e?e.textContent:'';})()")
        # zoom in: more labels fit, and the line follows
        b.evaluate(
            "(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]];r.map.setZoom(r.map.getZoom()+3,{animate:false});return 1;})()"
        )
        b.pump(0.3)
        after = b.evaluate("(function(){var e=document.querySelector('.gm-unlabelled');return e?e.textContent:'';})()")
    placed = {a["text"] for a in data["places"]}
    assert line.startswith("Not labelled at this zoom: ")
    listed = set(line.removeprefix("Not labelled at this zoom: ").split(", "))
    names = {f"Town number {i}" for i in range(20)}
    assert placed and listed and placed | listed == names and not placed & listed
    furniture = data["controls"] + data["head"]
    for k in data["markers"]:
        assert not any(_inside(k["x"], k["y"], c) for c in furniture), f"marker {k['name']} under a control"
    assert len(after) < len(line)


@pytest.mark.parametrize("size", SIZES)
def test_no_marker_is_cut_by_the_map_edge(pages, size):
    w, h = size
    js = """(function(){var el=document.querySelector('.geomap'), cb=el.getBoundingClientRect();
      return Array.prototype.map.call(el.querySelectorAll('path.leaflet-interactive'), function(p){
        var b=p.getBoundingClientRect(); return {l:b.left-cb.left,t:b.top-cb.top,r:b.right-cb.left,b:b.bottom-cb.top,
          shown:getComputedStyle(p).visibility!=='hidden', arc:/a/.test(p.getAttribute('d')||'')};}).filter(function(b){
          return b.arc;});})()"""  # Leaflet draws circle markers as two arcs
    markers = 0
    for name in ("article", "strait", "border"):
        with Chromium(width=w, height=h, extra_args=OFFLINE) as b:
            b.open(pages[name, w])
            boxes = b.evaluate(js)
        markers += len(boxes)
        for box in boxes:
            across = (
                box["l"] < 0 < box["r"] or box["l"] < w < box["r"] or box["t"] < 0 < box["b"] or box["t"] < h < box["b"]
            )
            if across:
                assert not box["shown"], f"{name}: a marker is cut by the edge at {box}"
    assert markers >= 20


def test_line_swatches_draw_the_line_the_map_draws(pages):
    with Chromium(extra_args=OFFLINE) as b:
        b.open(pages["border", 1000])
        got = b.evaluate("""(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]], out={};
          r.spec.layers.filter(function(l){return l.kind==='line';}).forEach(function(l){
            var row=Array.from(document.querySelectorAll('.gm-legend-row')).filter(function(e){
              return e.textContent.indexOf(l.legend||l.name)===0;})[0], ln=row&&row.querySelector('svg line');
            var path=r.map.getPane(l.pane).querySelector('path');
            out[l.name]={swatch: ln?[ln.getAttribute('stroke'), ln.getAttribute('stroke-dasharray')]:null,
                         map: path?[path.getAttribute('stroke'), path.getAttribute('stroke-dasharray')]:null};});
          return out;})()""")
    assert "Land borders" in got
    for name, v in got.items():
        assert v["swatch"] is not None and v["swatch"] == v["map"], (name, v)


@pytest.mark.parametrize("name", ["article", "strait", "border"])
@pytest.mark.parametrize("size", SIZES)
def test_every_place_is_named_on_the_map(pages, name, size):
    """Each place is labelled at its marker, or named under the title (outside the view, or no room)."""
    import html

    w, h = size
    m = _measure(pages[name, w], w, h)
    places = {html.unescape(k["name"]) for k in m["markers"]}
    labelled = {a["text"] for a in m["places"]}
    (head,) = m["head"]
    listed = set()
    for line in re.findall(r"(?:outside this view|at this zoom): ([^:]*?)(?=Not labelled|$)", head["text"]):
        listed |= {n.strip() for n in line.split(", ")}
    assert len(places) >= 6
    assert places <= labelled | listed, f"not named anywhere: {sorted(places - labelled - listed)}"


def test_a_view_across_the_180th_meridian_in_the_browser(tmp_path):
    points = ["64.73,177.51,Anadyr", "64.5,-165.41,Nome", "63.78,-171.74,Gambell", "53.89,-166.54,Dutch Harbor"]
    write_html(render(points=points, title="Bering Sea", width=1000, height=700), tmp_path / "bering.html")
    m = _measure(tmp_path / "bering.html", 1000, 700)
    west, _, east, _ = m["view"]
    assert west < 180 < east and east - west < 60, m["view"]
    inside = [k for k in m["markers"] if 0 <= k["x"] <= 1000 and 0 <= k["y"] <= 700]
    assert len(inside) == 4
    assert {a["text"] for a in m["places"]} == {"Anadyr", "Nome", "Gambell", "Dutch Harbor"}


def test_a_label_is_not_set_beside_another_place_s_marker(tmp_path):
    """Hormuz story at 600x400: Dubai, Fujairah and Sohar crowd the coast. The labels of Dubai and
    Sohar lie nearer their own markers than the other two (once, "Sohar" sat under Dubai's marker);
    Fujairah's label is set off with a leader line."""
    import html

    text = (EXAMPLES / "stories" / "hormuz.txt").read_text(encoding="utf-8")
    write_html(render(text, title=text.splitlines()[0], width=600, height=400), tmp_path / "hormuz.html")
    m = _measure(tmp_path / "hormuz.html", 600, 400)

    def gap(box, k):
        x, y = max(box["l"], min(k["x"], box["r"])), max(box["t"], min(k["y"], box["b"]))
        return ((x - k["x"]) ** 2 + (y - k["y"]) ** 2) ** 0.5

    marker = {html.unescape(k["name"]): k for k in m["markers"]}
    labels = {a["text"]: a for a in m["places"]}
    trio = ("Dubai", "Fujairah", "Sohar")
    assert set(trio) <= set(labels)
    for name in ("Dubai", "Sohar"):
        mine = gap(labels[name], marker[name])
        for other in trio:
            if other != name:
                assert gap(labels[name], marker[other]) > mine, f"label {name!r} is nearer {other}'s marker"
