"""Hostile text through every sink of ``geomap render`` and every output, without a browser.

Each sink of :mod:`hostile` is run through the real command line (page, ``--fragment``,
``--iframe``) and the Python API (``save``, ``render``, ``get_root().render()``,
Jupyter's ``_repr_html_``). Every output is parsed as HTML: nothing may have run (no
:data:`hostile.MARKER` directory, no ``123321``, no user id), the page may hold only
geomap's own elements, and every payload must come out as the same text it went in.
What Chromium shows of the same outputs is checked in ``test_security_browser.py``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the corpus sits beside the tests
import hostile  # noqa: E402

from geomap.compose import render  # noqa: E402
from geomap.console.cli import main  # noqa: E402
from geomap.render import escape  # noqa: E402
from geomap.render.embed import fragment_html, iframe_html, page_html  # noqa: E402

BARE = list(hostile.BARE)
SINKS = hostile.SINKS
MODES = {"page": [], "fragment": ["--fragment"], "iframe": ["--iframe"]}
# geomap's own markup: the page, and the HTML strings of the spec (popups)
PAGE_TAGS = {"html", "head", "meta", "title", "style", "script", "body", "div"}
SPEC_TAGS = {"div", "table", "tr", "th", "td"}
SPEC_CLASSES = {"gm-popup", "gm-popup-title"}


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run in a fresh directory, where a template payload would create ``hostile.MARKER``."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    assert not any(p.name == hostile.MARKER for p in tmp_path.rglob("*")), "a template payload ran"


# -- reading an output back ---------------------------------------------------------------------


class _Markup(HTMLParser):
    """Tags, attributes and text nodes of an HTML string."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.texts: list[str] = []
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        self.texts.append(data)


def unwrap(output: str) -> tuple[str, str]:
    """``(kind, page or fragment)`` of an output; an iframe snippet's page is read from its srcdoc."""
    if output.startswith('<div class="geomap-embed"'):
        outer = _Markup(output)
        assert [t for t, _ in outer.tags] == ["div", "iframe"]
        attrs = dict(outer.tags[1][1])
        assert attrs["sandbox"] == "allow-scripts allow-popups"
        assert not any(k.startswith("on") for k, _ in outer.tags[1][1])
        return "page", attrs["srcdoc"]
    return ("fragment" if output.startswith('<div class="geomap-fragment"') else "page"), output


def specs(doc: str) -> list[dict]:
    """The JSON specs handed to ``geomap.draw`` in a page or fragment."""
    out = []
    for match in re.finditer(r'geomap\.draw\("[A-Za-z0-9_-]+", ', doc):
        spec, _ = json.JSONDecoder().raw_decode(doc, match.end())
        out.append(spec)
    return out


def shown_texts(spec: dict) -> list[str]:
    """Every text a reader can see in a spec: layer names, legends, title, notice, credits,
    tooltips and popup cells, after checking that each HTML string is geomap's own markup."""
    strings = [spec.get("title") or "", spec.get("notice") or ""] + list(spec["attribution"])
    for lyr in spec["layers"]:
        strings += [lyr["name"], lyr["legend"] or ""]
        strings += [s for f in lyr["f"] for s in f[2:4]]
    texts = []
    for s in strings:
        m = _Markup(s)
        for tag, attrs in m.tags:
            assert tag in SPEC_TAGS, f"element <{tag}> in the map's text"
            assert all(k == "class" and v in SPEC_CLASSES for k, v in attrs), f"attributes {attrs} in the map's text"
        texts += m.texts
    return texts


def check_output(output: str, expected: list[str] | None, *, title: str | None = None) -> list[str]:
    """Assert an output is inert and shows ``expected`` texts (and ``title``) literally; return its texts."""
    assert hostile.EVALUATED not in output and "uid=" not in output
    kind, doc = unwrap(output)
    markup = _Markup(doc)
    tags = [t for t, _ in markup.tags]
    assert set(tags) <= PAGE_TAGS, f"unexpected elements {set(tags) - PAGE_TAGS}"
    assert tags.count("script") == 2  # the libraries and the map
    assert not any(k.startswith("on") or k.startswith("data-") for _, attrs in markup.tags for k, _ in attrs)
    if kind == "page":
        assert tags[:4] == ["html", "head", "meta", "title"]
        assert _page_title(doc) == (title or "geomap")
    (spec,) = specs(doc)
    texts = shown_texts(spec)
    for want in expected or ():
        assert want in texts, f"{want[:60]!r} is not shown as it was given"
    if title:
        assert spec["title"] and _Markup(spec["title"]).texts == [title]
    return texts


def _page_title(doc: str) -> str:
    m = re.search(r"<title>(.*?)</title>", doc, re.DOTALL)
    return html.unescape(m.group(1))


def run_cli(args: list[str], out: Path) -> str:
    res = CliRunner().invoke(main, ["render", *args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    return out.read_text(encoding="utf-8")


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sink", SINKS)
def test_every_sink_and_output_of_the_cli_is_inert_and_literal(in_tmp, sink, mode):
    args, expected = SINKS[sink](in_tmp)
    texts = check_output(run_cli(args + MODES[mode], in_tmp / "out.html"), expected)
    if sink == "article":  # most payloads come through whole (the others are cut at a full stop)
        whole = [p for p in hostile.PAYLOADS if "." not in p and "!" not in p and not hostile.breaks_lines(p)]
        assert sum(any(p in t for t in texts) for p in whole) >= len(whole) - 3


@pytest.mark.parametrize("mode", MODES)
def test_every_title_is_inert_and_literal(in_tmp, mode):
    for i, p in enumerate(hostile.PAYLOADS):
        output = run_cli(["--point", "30,120,A", "--title", p] + BARE + MODES[mode], in_tmp / f"t{i}.html")
        check_output(output, [p], title=p)


def test_each_hostile_area_file_name_is_literal(in_tmp):
    ais = hostile.write_ais(in_tmp, ["SHIP"])
    for i, name in enumerate(hostile.file_name_payloads()):
        area = hostile.write_area(in_tmp / f"{name}.geojson")
        output = run_cli(["--ais", str(ais), "--ais-area", str(area)] + BARE, in_tmp / f"a{i}.html")
        check_output(output, [name])


def test_fragment_id_names_the_element_and_bad_ids_are_refused(in_tmp):
    base = ["--point", "30,120,A"] + BARE + ["--fragment"]
    one = run_cli(base + ["--id", "map-1"], in_tmp / "one.html")
    two = run_cli(base + ["--id", "map_2"], in_tmp / "two.html")
    default = run_cli(base, in_tmp / "default.html")
    assert 'id="map-1"' in one and 'geomap.draw("map-1", ' in one
    assert 'id="map_2"' in two and one.replace("map-1", "map_2") == two
    assert re.search(r'id="geomap_[0-9a-f]{16}"', default)
    for bad in ('x" onmouseover="alert(1)', "1abc", "", "a b", "{{7*7}}", "a" * 65, "é"):
        res = CliRunner().invoke(main, ["render", *base, "--id", bad, "-o", str(in_tmp / "bad.html")])
        assert res.exit_code == 2 and "Traceback" not in res.output
        assert "--id" in res.output or "map id" in res.output
        assert not (in_tmp / "bad.html").exists()
    res = CliRunner().invoke(main, ["render", "--point", "30,120,A", *BARE, "--id", "x", "-o", str(in_tmp / "p.html")])
    assert res.exit_code == 2 and "--fragment" in res.output


# -- the Python API -----------------------------------------------------------------------------


def _api_map(folder: Path):
    from geomap.layers.vessels import vessel_layers
    from geomap.vessels import analyse

    layers = [hostile.write_property_values(folder), *hostile.write_property_keys(folder)]
    layers += vessel_layers(analyse(hostile.write_ais(folder), area=None, events=True))
    points = [(30.0, 120 + 0.05 * i, p) for i, p in enumerate(hostile.PAYLOADS)]
    return render(layers=layers, points=points, title=hostile.PAYLOADS[0], zones=False, borders=False, basemap="none")


def test_every_python_output_is_the_same_inert_page(in_tmp):
    m = _api_map(in_tmp)
    m.save(str(in_tmp / "saved.html"))
    saved = (in_tmp / "saved.html").read_text(encoding="utf-8")
    page = page_html(m)
    assert saved == page == m.render() == m.get_root().render()
    shown = m._repr_html_()
    assert html.unescape(re.search(r'srcdoc="([^"]*)"', shown).group(1)) == page
    expected = list(hostile.PAYLOADS)
    for output in (page, shown, fragment_html(m), iframe_html(m)):
        check_output(output, expected, title=hostile.PAYLOADS[0])


def test_pages_are_built_without_any_template_engine(in_tmp, monkeypatch):
    m = _api_map(in_tmp)

    def refuse(*args, **kwargs):
        raise AssertionError("a template engine was used")

    for name in ("render", "make_module", "_get_default_module", "generate", "stream"):
        monkeypatch.setattr(jinja2.Template, name, refuse)
    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    monkeypatch.setattr(jinja2.Environment, "from_string", refuse)
    page = page_html(m)
    assert m.render() == page and m.get_root().render() == page
    m.save(str(in_tmp / "m.html"))
    fragment_html(m)
    iframe_html(m)
    m._repr_html_()


def test_the_structure_alone_keeps_templates_inert(in_tmp, monkeypatch):
    """With the second wall down ({ } left as they are), no payload is evaluated either."""
    monkeypatch.setattr(escape, "_HTML_BRACES", {})
    monkeypatch.setattr(escape, "_STRING_BRACES", {})
    m = _api_map(in_tmp)
    page = page_html(m)
    assert "{{ 111*1111 }}" in page.replace("\\u0026", "&").replace("&#x27;", "'")
    check_output(page, list(hostile.PAYLOADS), title=hostile.PAYLOADS[0])


def test_braces_reach_the_page_only_as_escapes():
    m = render(
        points=["30,120,{{ 111*1111 }} {% x %} {# y #}"], title="{{ 7*7 }}", zones=False, borders=False, basemap="none"
    )
    for output in (page_html(m), fragment_html(m)):
        data = output[output.index("geomap.draw(") :]
        assert "{{" not in data and "{%" not in data and "{#" not in data
        assert "\\u0026#123;\\u0026#123; 111*1111" in data
    assert "<title>&#123;&#123; 7*7 &#125;&#125;</title>" in page_html(m)
    assert json.loads(escape.script_json({"{k}": "{{v}}"})) == {"{k}": "{{v}}"}


def test_hostile_pages_are_deterministic(in_tmp):
    a, b = _api_map(in_tmp), _api_map(in_tmp)
    assert page_html(a) == page_html(b)
    assert fragment_html(a, element_id="x") == fragment_html(b, element_id="x")
    assert iframe_html(a) == iframe_html(b)


def test_folium_elements_added_by_the_caller_stay_apart_from_geomaps_data(in_tmp):
    import folium

    from geomap.render.embed import FOLIUM_END, FOLIUM_START

    m = render(points=["30,120,{{ 111*1111 }}"], title="{{ 111*1111 }}", zones=False, borders=False, basemap="none")
    plain = page_html(m)
    assert FOLIUM_START not in plain
    folium.Marker([30.5, 120.5], tooltip="mine").add_to(m)
    page = page_html(m)
    assert page == page_html(m)  # rendering twice gives the same page
    assert page.count(FOLIUM_START) == 1
    start, end = page.index(FOLIUM_START), page.index(FOLIUM_END)
    assert page.index("geomap.draw(") < start  # after the data script
    part = page[start:end]
    assert "L.marker(" in part and "geomap.draw" not in part and "111*1111" not in part
    # the rest of the page is the page without the element
    assert page[:start] + page[end + len(FOLIUM_END) + 1 :] == plain
    assert hostile.EVALUATED not in page


def test_a_geomap_inside_another_folium_figure_is_refused():
    import folium

    m = render(points=["30,120,A"], zones=False, borders=False, basemap="none")
    figure = folium.Figure()
    figure.add_child(m)
    with pytest.raises(TypeError, match="cannot be rendered inside another folium"):
        figure.render()
