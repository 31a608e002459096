"""``geomap render --ais`` as a reader sees it, in a real headless Chromium.

A scripted AIS file holds a vessel that falls silent for 14 hours, two tankers
drifting side by side far offshore (an encounter, loitering, anchorage stops), a
vessel that stops in Keelung and renames itself (a port call, a name change) and
one MMSI reported in two places at once. The page must draw a dashed line over
the silence, a symbol for every kind of event where it happened, popups in the
map's own style with the event's facts, and vessel names as text, never markup.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geomap.render.chromium import Chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("GEOMAP_SKIP_BROWSER") == "1", reason="GEOMAP_SKIP_BROWSER=1"),
]

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
HOSTILE = "<img src=x onerror=\"window.__pwned=1\">&amp; 'A'"
OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND",)
KN_DEG_MIN = 1852 / 60 / 111_320  # degrees of latitude per minute at one knot


def _fixes(mmsi, minutes, lat, lon, sog, name) -> list[tuple]:
    n = len(minutes)
    lat, lon = np.broadcast_to(lat, n), np.broadcast_to(lon, n)
    names = [name] * n if isinstance(name, str) else list(name)
    return [
        (mmsi, (T0 + pd.Timedelta(minutes=float(m))).strftime("%Y-%m-%dT%H:%M:%SZ"), round(a, 6), round(o, 6), sog, nm)
        for m, a, o, nm in zip(minutes, lat, lon, names)
    ]


@pytest.fixture(scope="module")
def ais_map(tmp_path_factory):
    """The scripted file, its analysis (events as JSON) and the rendered page."""
    folder = tmp_path_factory.mktemp("ais_map")
    east = KN_DEG_MIN / np.cos(np.radians(26.0))
    before = np.arange(0, 125, 5)
    after = before[-1] + 14 * 60 + np.arange(0, 65, 5)  # 14 h of silence
    lon_before = 122.0 + before * 10 * east
    lon_after = lon_before[-1] + 0.6 + (after - after[0]) * 10 * east
    drift = np.arange(0, 245, 5)
    rows = [
        *_fixes(412000001, np.r_[before, after], 26.0, np.r_[lon_before, lon_after], 10.0, HOSTILE),
        *_fixes(412000002, drift, 23.5 + drift * 0.3 * KN_DEG_MIN, 125.5, 0.3, "TANKER <ONE>"),
        *_fixes(412000003, drift + 1, 23.5015 + drift * 0.3 * KN_DEG_MIN, 125.5, 0.3, "TANKER TWO"),
        *_fixes(412000004, drift, 25.15, 121.745, 0.1, ["OLD NAME"] * 25 + ["NEW NAME"] * 24),  # in Keelung
        *_fixes(412000005, np.arange(0, 240, 10), 24.0, 119.0, 8.0, "TWIN"),
        *_fixes(412000005, np.arange(5, 240, 30), 21.0, 117.0, 8.0, "TWIN"),  # the same MMSI elsewhere
    ]
    ais = folder / "ais.csv"
    pd.DataFrame(rows, columns=["mmsi", "timestamp", "lat", "lon", "sog", "name"]).to_csv(ais, index=False)
    from geomap.console.cli import main

    report = folder / "events.json"
    r = CliRunner().invoke(main, ["vessels", str(ais), "--events", "-o", str(report)])
    assert r.exit_code == 0, r.output
    page = folder / "map.html"
    r = CliRunner().invoke(
        main, ["render", "--ais", str(ais), "-o", str(page), "--no-zones", "--no-borders", "--basemap", "none"]
    )
    assert r.exit_code == 0, r.output
    events = json.loads(report.read_text())["events"]
    return page, events, (lon_before[-1], lon_after[0])


# every drawn vector of the map: polylines (dashed or not), circle markers with their layer, style and popup
_DRAWN = """(function(){var r=geomap.maps[Object.keys(geomap.maps)[0]], map=r.map, out={lines:[], points:[]};
  map.eachLayer(function(l){
    if (l instanceof L.CircleMarker) {
      var ll=l.getLatLng(), p=map.latLngToContainerPoint(ll);
      out.points.push({layer:l.options.gmLayer, lat:ll.lat, lon:ll.lng, color:l.options.color,
        fill:l.options.fillColor, x:p.x, y:p.y, popup:!!l.getPopup()});
    } else if (l instanceof L.Polyline && !(l instanceof L.Polygon)) {
      var ls=l.getLatLngs(); if (ls.length && !Array.isArray(ls[0])) {ls=[ls];}
      out.lines.push({layer:l.options.gmLayer, dash:l.options.dashArray || null,
        path:l._path ? l._path.getAttribute('stroke-dasharray') : null,
        parts:ls.map(function(s){return s.map(function(q){return [q.lng, q.lat];});})});
    }});
  var s=map.getSize(); out.w=s.x; out.h=s.y; return out;})()"""

# open the popup of the k-th circle marker of a layer, and read it back as the page shows it
_POPUP = """(function(layer, k){var r=geomap.maps[Object.keys(geomap.maps)[0]], map=r.map, found=[];
  map.eachLayer(function(l){ if (l instanceof L.CircleMarker && l.options.gmLayer===layer) {found.push(l);} });
  map.closePopup(); found[k].openPopup();
  var box=found[k].getPopup().getElement(), c=box.querySelector('.leaflet-popup-content');
  var title=c.querySelector('.gm-popup-title'), rows={};
  Array.prototype.forEach.call(c.querySelectorAll('tr'), function(tr){
    rows[tr.querySelector('th').textContent]=tr.querySelector('td').textContent;});
  return {cls:box.className, inner:c.firstElementChild ? c.firstElementChild.className : '',
    title:title ? title.textContent : null, rows:rows, elements:c.querySelectorAll('*').length,
    tags:Array.prototype.map.call(c.querySelectorAll('*'), function(e){return e.tagName;}),
    font:getComputedStyle(c).fontFamily, mapFont:getComputedStyle(map.getContainer()).fontFamily,
    shown:map.hasLayer(found[k].getPopup()),
    pwned:window.__pwned===1};})"""


def _layer_of(kind: str) -> str:
    from geomap.layers.vessels import EVENT_SYMBOLS

    return EVENT_SYMBOLS[kind][0]


def test_the_gap_is_a_dashed_line_between_the_fixes_around_it(ais_map):
    page, _, (lon_out, lon_in) = ais_map
    with Chromium(width=1000, height=700, extra_args=OFFLINE) as b:
        b.open(page)
        drawn = b.evaluate(_DRAWN)
        assert b.console_errors() == []
    dashed = [ln for ln in drawn["lines"] if ln["dash"]]
    over_gap = [
        ln
        for ln in dashed
        for part in ln["parts"]
        if len(part) == 2
        and part[0] == pytest.approx([lon_out, 26.0], abs=2e-3)  # lines are stored to about 100 m
        and part[1] == pytest.approx([lon_in, 26.0], abs=2e-3)
    ]
    assert len(over_gap) == 1, dashed
    assert over_gap[0]["path"] and over_gap[0]["path"] == over_gap[0]["dash"].replace(",", " ")  # drawn dashed
    solid = [ln for ln in drawn["lines"] if not ln["dash"] and ln["layer"] == "Vessel tracks"]
    assert solid, "the tracks themselves are solid lines"
    for ln in solid:  # no solid track bridges the silence
        for part in ln["parts"]:
            lons = [p[0] for p in part if p[1] == pytest.approx(26.0)]
            assert not (lons and min(lons) < lon_out + 2e-3 and max(lons) > lon_in - 2e-3)


def test_every_kind_of_event_has_its_symbol_where_it_happened(ais_map):
    from geomap.layers.vessels import EVENT_SYMBOLS

    page, events, _ = ais_map
    kinds = {e["event"] for e in events}
    assert kinds == set(EVENT_SYMBOLS) - {"reappearing"}, kinds  # the script covers every kind
    with Chromium(width=1000, height=700, extra_args=OFFLINE) as b:
        b.open(page)
        drawn = b.evaluate(_DRAWN)
    expected = [(e["event"], e["lon"], e["lat"]) for e in events]
    expected += [("reappearing", e["end_lon"], e["end_lat"]) for e in events if e["event"] == "going_dark"]
    for kind, lon, lat in expected:
        name, color, fill = EVENT_SYMBOLS[kind]
        hits = [
            p
            for p in drawn["points"]
            if p["layer"] == name
            and p["lon"] == pytest.approx(lon, abs=1e-5)
            and p["lat"] == pytest.approx(lat, abs=1e-5)
        ]
        assert len(hits) == 1, (kind, lon, lat, [p for p in drawn["points"] if p["layer"] == name])
        assert (hits[0]["color"], hits[0]["fill"]) == (color, fill) and hits[0]["popup"]
        assert 0 <= hits[0]["x"] <= drawn["w"] and 0 <= hits[0]["y"] <= drawn["h"], f"{kind} is out of the first view"
    counts = {name: sum(p["layer"] == name for p in drawn["points"]) for name, _, _ in EVENT_SYMBOLS.values()}
    assert counts == {EVENT_SYMBOLS[k][0]: sum(k == e for e, _, _ in expected) for k in EVENT_SYMBOLS}


def test_event_popups_show_the_facts_in_the_map_style_and_names_as_text(ais_map):
    page, events, _ = ais_map
    dark = next(e for e in events if e["event"] == "going_dark")
    meet = next(e for e in events if e["event"] == "encounter")
    call = next(e for e in events if e["event"] == "port_call")
    with Chromium(width=1000, height=700, extra_args=OFFLINE) as b:
        b.open(page)
        seen = {
            kind: b.evaluate(f"{_POPUP}({json.dumps(_layer_of(kind))}, 0)")
            for kind in ("going_dark", "reappearing", "encounter", "port_call", "name_change", "identity_conflict")
        }
        assert b.console_errors() == []
    for kind, pop in seen.items():
        assert "gm-popup-box" in pop["cls"] and pop["inner"] == "gm-popup", kind  # the map's popup, not a bare one
        assert pop["font"] == pop["mapFont"], kind
        assert set(pop["tags"]) <= {"DIV", "TABLE", "TBODY", "TR", "TH", "TD"}, pop["tags"]
        assert not pop["pwned"] and pop["shown"]
    going = seen["going_dark"]
    assert going["title"] == f"{HOSTILE} (412000001)"  # the hostile name shown as the text it is
    assert going["rows"]["From (UTC)"] == dark["start_time"] and going["rows"]["To (UTC)"] == dark["end_time"]
    assert going["rows"]["Duration"] == f"{dark['duration_h']:.2f} h"
    assert f"silent {dark['duration_h']:.1f} h" in going["rows"][""]
    assert seen["reappearing"]["rows"]["Time (UTC)"] == dark["end_time"]
    encounter = seen["encounter"]
    assert encounter["title"] == "TANKER <ONE> (412000002) and TANKER TWO (412000003)"
    assert "ship-to-ship transfer candidate" in encounter["rows"][""] and meet["sts_candidate"] is True
    assert seen["port_call"]["rows"]["Port"] == call["port"] and "Keelung" in call["port"]
    assert seen["name_change"]["rows"][""] == "was OLD NAME"
    assert "nm away at the same time" in seen["identity_conflict"]["rows"][""]
