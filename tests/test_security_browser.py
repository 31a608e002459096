"""Hostile text in real Chromium: every sink, as a page, fragments, iframes, PNG and in Jupyter.

The maps come from the real command line (or the Python API) fed with the corpus of
:mod:`hostile`. In the browser every tooltip and popup is opened, and what a reader
sees (``textContent`` of tooltips, popup cells, layer control, legend, title) must be
the text given; no element or attribute from a payload may exist and
``window.__pwned`` must stay undefined, in the page and inside embed iframes.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the corpus and browser helpers sit beside the tests
import hostile  # noqa: E402
from test_render_browser import OFFLINE, _assert_clean, _open, pytestmark  # noqa: E402,F401

from geomap.compose import render  # noqa: E402
from geomap.console.cli import main  # noqa: E402
from geomap.render.chromium import Chromium  # noqa: E402
from geomap.render.embed import fragment_html  # noqa: E402

# embed iframes run in this process, so their documents can be read over DevTools
FRAMES = OFFLINE + ("--disable-features=IsolateSandboxedIframes", "--disable-site-isolation-trials")

# open every tooltip and popup of every map on the page; return what a reader sees
_SEEN = """(function(){
  var out = {texts: [], pwned: typeof window.__pwned, scripts: document.scripts.length};
  function add(el){ if (el) out.texts.push(el.textContent); }
  Object.keys(geomap.maps).forEach(function(id){
    var r = geomap.maps[id];
    Object.keys(r.layers).forEach(function(name){
      var g = r.layers[name];
      if (!r.map.hasLayer(g)) { g.addTo(r.map); }
      g.eachLayer(function(l){
        if (l.getTooltip()) { l.openTooltip(); add(l.getTooltip().getElement()); l.closeTooltip(); }
        if (l.getPopup()) {
          l.getPopup().options.autoPan = false;  /* read it where it opens: no panning */
          l.openPopup();
          l.getPopup().getElement().querySelectorAll('.gm-popup-title, th, td').forEach(add);
          l.closePopup();
        }
      });
    });
  });
  document.querySelectorAll('.leaflet-control-layers-overlays label span span')
    .forEach(function(e){ out.texts.push(e.textContent.replace(/^ /, '')); });
  document.querySelectorAll('.gm-legend-label, .gm-title, .gm-notice').forEach(add);
  out.title = document.querySelector('title') ? document.querySelector('title').textContent : null;
  out.injected = document.querySelectorAll(
    '[data-pwned], img, iframe, object, embed, b, i, a[href^="javascript"], svg svg').length;
  out.handlers = Array.from(document.querySelectorAll('*')).filter(function(e){
    return Array.from(e.attributes).some(function(a){ return /^on/i.test(a.name); }); }).length;
  return out;
})()"""


def _run(args: list[str]) -> None:
    res = CliRunner().invoke(main, ["render", *args])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output


def _check_seen(seen: dict, expected: list[str], *, title: str | None = None) -> None:
    assert seen["pwned"] == "undefined"
    assert seen["injected"] == 0 and seen["handlers"] == 0
    for want in expected:
        assert want in seen["texts"], f"{want[:60]!r} is not shown as given"
    if title is not None:
        assert seen["title"] == title and title in seen["texts"]


def _frame_contexts(b: Chromium) -> list[int]:
    """Execution context ids of the page's child frames (its embed iframes), in document order."""
    b.pump()
    frames = [c["frame"]["id"] for c in b.call("Page.getFrameTree")["frameTree"].get("childFrames", [])]
    gone = {e["params"]["executionContextId"] for e in b.events if e["method"] == "Runtime.executionContextDestroyed"}
    latest: dict[str, int] = {}
    for e in b.events:
        if e["method"] == "Runtime.executionContextCreated":
            ctx = e["params"]["context"]
            aux = ctx.get("auxData", {})
            if aux.get("isDefault") and aux.get("frameId") in frames and ctx["id"] not in gone:
                latest[aux["frameId"]] = ctx["id"]
    return [latest[f] for f in frames]


def _evaluate_in(b: Chromium, context: int, expression: str):
    res = b.call("Runtime.evaluate", {"expression": expression, "contextId": context, "returnByValue": True})
    assert "exceptionDetails" not in res, res["exceptionDetails"]
    return res["result"]["value"]


def _report(path: Path, bodies: list[str], *, listen: bool = False) -> Path:
    """A report page holding ``bodies`` (fragments or iframe snippets), small, side by side."""
    script = (
        (
            "<script>window.drawn=[];window.addEventListener('message',function(e){"
            "if(e.data&&e.data.geomapReady)window.drawn.push(e.data.geomapReady);});</script>"
        )
        if listen
        else ""
    )
    cells = "".join(f'<div style="display:inline-block;width:280px;vertical-align:top">{b}</div>' for b in bodies)
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Report</title>{script}</head>"
        f"<body style='margin:0'>{cells}</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not any(p.name == hostile.MARKER for p in tmp_path.rglob("*")), "a template payload ran"


@pytest.fixture(scope="module")
def sinks(tmp_path_factory):
    """Every sink's arguments and expected texts, built once in one folder."""
    folder = tmp_path_factory.mktemp("sinks")
    built = {}
    for name, build in hostile.SINKS.items():
        (folder / name).mkdir()
        built[name] = build(folder / name)
    return built


@pytest.mark.parametrize("sink", hostile.SINKS)
def test_each_sink_as_a_page_shows_its_text_and_runs_nothing(in_tmp, sinks, sink):
    args, expected = sinks[sink]
    page = in_tmp / "map.html"
    _run(args + ["-o", str(page)])
    with Chromium(width=1200, height=900, extra_args=OFFLINE) as b:
        _open(b, page)
        seen = b.evaluate(_SEEN)
        _check_seen(seen, expected)
        assert seen["scripts"] == 2
        _assert_clean(b, page)


def test_every_sink_as_fragments_on_one_report_page(in_tmp, sinks):
    bodies = []
    for i, (args, _) in enumerate(sinks.values()):
        out = in_tmp / f"f{i}.html"
        _run(args + ["--fragment", "--height", "200", "--id", f"map-{i}", "-o", str(out)])
        bodies.append(out.read_text(encoding="utf-8"))
    page = _report(in_tmp / "report.html", bodies)
    with Chromium(width=1200, height=900, extra_args=OFFLINE) as b:
        _open(b, page)
        assert b.evaluate("Object.keys(geomap.maps).sort()") == sorted(f"map-{i}" for i in range(len(bodies)))
        seen = b.evaluate(_SEEN)
        _check_seen(seen, [t for _, expected in sinks.values() for t in expected])
        _assert_clean(b, page)


def test_every_sink_as_iframes_on_one_report_page(in_tmp, sinks):
    bodies = []
    for i, (args, _) in enumerate(sinks.values()):
        out = in_tmp / f"i{i}.html"
        _run(args + ["--iframe", "-o", str(out)])
        bodies.append(out.read_text(encoding="utf-8"))
    page = _report(in_tmp / "report.html", bodies, listen=True)
    with Chromium(width=1200, height=900, extra_args=FRAMES) as b:
        b.open(page, wait_for_map=False)
        b.wait_for(f"window.drawn.length === {len(bodies)}")
        assert b.evaluate("typeof window.__pwned") == "undefined"
        assert b.evaluate("document.querySelectorAll('body *').length") == 3 * len(bodies)  # cell, div, iframe
        contexts = _frame_contexts(b)
        assert len(contexts) == len(bodies)
        for context, (_, expected) in zip(contexts, sinks.values()):
            _check_seen(_evaluate_in(b, context, _SEEN), expected)
        assert b.console_errors() == [] and b.dialogs() == []


@pytest.mark.parametrize("mode", ["page", "fragment", "iframe"])
def test_hostile_titles_are_shown_as_given(in_tmp, mode):
    titles = [p for p in hostile.PAYLOADS if p != hostile.LONG] + [hostile.LONG]
    outs = []
    for i, title in enumerate(titles):
        out = in_tmp / f"t{i}.html"
        extra = {"page": [], "fragment": ["--fragment", "--height", "200"], "iframe": ["--iframe"]}[mode]
        _run(["--point", f"30,120,P{i}", *hostile.BARE, "--title", title, *extra, "-o", str(out)])
        outs.append(out)
    with Chromium(width=1200, height=2400, extra_args=FRAMES) as b:
        if mode == "page":
            for out, title in zip(outs, titles):
                _open(b, out)
                _check_seen(b.evaluate(_SEEN), [], title=title)
            return
        bodies = [o.read_text(encoding="utf-8") for o in outs]
        page = _report(in_tmp / "report.html", bodies, listen=mode == "iframe")
        if mode == "fragment":
            _open(b, page)
            seen = b.evaluate(_SEEN)
            _check_seen(seen, titles)
            assert seen["texts"].count(hostile.TEMPLATE[0]) == 1
            return
        b.open(page, wait_for_map=False)
        b.wait_for(f"window.drawn.length === {len(bodies)}")
        for context, title in zip(_frame_contexts(b), titles):
            _check_seen(_evaluate_in(b, context, _SEEN), [], title=title)
        assert b.evaluate("typeof window.__pwned") == "undefined"


@pytest.mark.parametrize("sink", hostile.SINKS)
def test_each_sink_as_a_png(in_tmp, sinks, sink):
    args, _ = sinks[sink]
    png = in_tmp / "map.png"
    _run(args + ["--png", str(png), "--width", "400", "--height", "300", "--title", hostile.TEMPLATE[0]])
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (400, 300)


def test_python_save_and_jupyter_view_of_a_hostile_map(in_tmp):
    # the CLI tests above cover the other sinks; the page of save() is the same page_html
    points = [(30.0, 120 + 0.05 * i, p) for i, p in enumerate(hostile.PAYLOADS)]
    m = render(
        hostile.write_article(in_tmp).read_text(encoding="utf-8"),
        points=points,
        layers=[hostile.write_property_values(in_tmp)],
        title=hostile.TEMPLATE[0],
        zones=False,
        borders=False,
        basemap="none",
    )
    expected = list(hostile.PAYLOADS) + [s for s in m.places["sentence"] if s]
    saved = in_tmp / "saved.html"
    m.save(str(saved))
    notebook = _report(in_tmp / "notebook.html", [m._repr_html_()], listen=True)
    with Chromium(width=1200, height=900, extra_args=FRAMES) as b:
        _open(b, saved)
        _check_seen(b.evaluate(_SEEN), expected, title=hostile.TEMPLATE[0])
        _assert_clean(b, saved)
        b.open(notebook, wait_for_map=False)
        b.wait_for("window.drawn.length === 1")
        (context,) = _frame_contexts(b)
        _check_seen(_evaluate_in(b, context, _SEEN), expected, title=hostile.TEMPLATE[0])


def test_one_map_pasted_twice_with_two_ids_draws_twice(in_tmp):
    m = render(
        points=["40.13,124.39,Dandong {{ 111*1111 }}", "26.68,119.72,Sansha Bay"],
        zones=False,
        borders=False,
        basemap="none",
    )
    frag = in_tmp / "cli.html"
    _run(["--point", "40.13,124.39,Dandong", *hostile.BARE, "--fragment", "--id", "third", "-o", str(frag)])
    page = _report(
        in_tmp / "twice.html",
        [
            fragment_html(m, height=250, element_id="first"),
            fragment_html(m, height=250, element_id="second"),
            frag.read_text(),
        ],
    )
    with Chromium(width=1200, height=900, extra_args=OFFLINE) as b:
        _open(b, page)
        ids = b.evaluate(
            "Array.from(document.querySelectorAll('.geomap[data-geomap-ready]')).map(function(e){return e.id})"
        )
        assert ids == ["first", "second", "third"]
        counts = b.evaluate("['first','second','third'].map(function(k){return geomap.maps[k].markers.length})")
        assert counts == [2, 2, 1]
        # both copies drew their markers inside their own box
        boxes = b.evaluate("""['first','second'].map(function(k){var r=geomap.maps[k],
          box=r.map.getContainer().getBoundingClientRect(), n=0;
          r.markers.forEach(function(mk){var e=mk.getElement().getBoundingClientRect();
            if(e.left>=box.left&&e.right<=box.right&&e.top>=box.top&&e.bottom<=box.bottom)n++;}); return n;})""")
        assert boxes == [2, 2]
        assert "Dandong {{ 111*1111 }}" in b.evaluate(_SEEN)["texts"]
        _assert_clean(b, page)


def test_folium_elements_added_by_the_caller_draw_beside_geomaps_data(in_tmp):
    import folium

    m = render(points=["30,120,{{ 111*1111 }}"], zones=False, borders=False, basemap="none")
    folium.CircleMarker([30.2, 120.2], radius=6, tooltip="added", popup="mine").add_to(m)
    page = in_tmp / "added.html"
    m.save(str(page))
    with Chromium(width=800, height=600, extra_args=OFFLINE) as b:
        _open(b, page)
        assert b.evaluate("typeof window.__pwned") == "undefined"
        n = b.evaluate(
            "(function(){var n=0; geomap.maps[Object.keys(geomap.maps)[0]].map.eachLayer(function(l){"
            "if(l instanceof L.CircleMarker)n++;}); return n;})()"
        )
        assert n == 2  # geomap's point and the added one
        assert "{{ 111*1111 }}" in b.evaluate(_SEEN)["texts"]
        assert b.console_errors() == []
