"""The story behind a map, without a browser: first view, drop/only, highlight, labels, alt text."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from geomap.compose import render
from geomap.console.cli import main
from geomap.errors import InputError
from geomap.render.view import fit_view, split_antimeridian, story_mask

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BARE = {"zones": False, "borders": False, "basemap": "none"}


def _mask(places, **kw):
    lon, lat, kinds = zip(*places)
    return story_mask(np.array(lon), np.array(lat), kinds=np.array(kinds), weights=np.ones(len(lon)), **kw).tolist()


def test_first_view_leaves_out_a_stray_match_far_from_the_story():
    korea = [(124.39, 40.13, "city"), (124.40, 40.10, "city"), (125.75, 39.03, "capital"), (119.72, 26.68, "bay")]
    assert _mask(korea + [(-77.03, -12.04, "city")]) == [True] * 4 + [False]  # Lima
    # a doubtful match (low score) is a stray from 1000 km
    assert _mask(korea + [(113.3, 23.1, "city")], scores=np.array([0.9] * 4 + [0.2]))[-1] is False  # Guangzhou
    assert _mask(korea + [(113.3, 23.1, "city")], scores=np.array([0.9] * 5))[-1] is True


def test_first_view_uses_area_centre_points_only_when_nothing_finer_is_named():
    assert _mask([(124.39, 40.13, "city"), (105.0, 35.0, "country"), (117.9, 26.5, "admin1")]) == [True, False, False]
    assert _mask([(105.0, 35.0, "country"), (117.9, 26.5, "admin1")]) == [False, True]
    assert _mask([(105.0, 35.0, "country"), (127.0, 40.0, "country")]) == [True, True]


def test_a_story_told_in_two_regions_keeps_both():
    europe = [(4.35, 50.85, "city"), (2.35, 48.85, "city"), (13.4, 52.5, "city")]
    asia = [(121.5, 31.2, "city"), (114.1, 22.3, "city"), (120.2, 30.3, "city")]
    assert _mask(europe + asia) == [True] * 6


def test_story_view_is_regional_for_the_shipping_story():
    text = (EXAMPLES / "strait.txt").read_text(encoding="utf-8")
    m = render(text, **BARE)
    minlon, minlat, maxlon, maxlat = m.spec["bounds"]
    assert 99 < minlon < 101.4 and 106.9 < maxlon < 110 and -8 < minlat < -6.2 and 3.8 < maxlat < 6
    assert "Singapore" not in m.spec["also"]
    inside = m.places[m.places["name"].isin(m.spec["also"])]
    assert not ((inside["lon"].between(minlon, maxlon)) & (inside["lat"].between(minlat, maxlat))).any()


def test_drop_and_only_edit_the_places_from_the_api_and_the_command_line(tmp_path):
    text = (EXAMPLES / "article.txt").read_text(encoding="utf-8")
    names = set(render(text, **BARE).places["name"])
    assert {"China", "Fujian"} <= names
    dropped = set(render(text, drop=["china", "FUJIAN"], **BARE).places["name"])
    assert dropped == names - {"China", "Fujian"}
    # the article's wording matches too (Sinuiju is geocoded as Sinŭiju)
    assert set(render(text, only=["Dandong", "Sinuiju"], **BARE).places["name"]) == {"Dandong", "Sinŭiju"}
    with pytest.raises(InputError, match="no place of that name.*Dandong"):
        render(text, drop=["Lima"], **BARE)
    article = EXAMPLES / "article.txt"
    out = tmp_path / "map.html"
    res = CliRunner().invoke(
        main,
        [
            "render",
            str(article),
            "--drop",
            "China",
            "--only",
            "Dandong",
            "--only",
            "China",
            "--basemap",
            "none",
            "--no-zones",
            "--no-borders",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "1 place(s)" in res.output
    res = CliRunner().invoke(main, ["render", str(article), "--only", "Atlantis", "-o", str(out)])
    assert res.exit_code == 2 and "only 'Atlantis'" in res.output and "Traceback" not in res.output


def test_highlight_puts_one_zone_forward():
    m = render(points=["26.68,119.72,Sansha Bay"], highlight="chn:territorial_sea", borders=False, basemap="none")
    names = [lyr["name"] for lyr in m.spec["layers"]]
    hl = "Internal waters and territorial sea (12 nm) of CHN"
    assert hl in names and names.index(hl) > names.index("Internal waters and territorial sea (12 nm)")
    (layer,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == hl]
    assert layer["f"] and layer["pane"] == "gmLines"
    for bad, why in (("CHN", "COUNTRY:ZONE"), ("CHN:land", "COUNTRY:ZONE"), ("XXX:eez", "no exclusive|no eez")):
        with pytest.raises(InputError, match=why):
            render(points=["26.68,119.72"], highlight=bad, **BARE)


def test_polygons_across_the_antimeridian_are_cut_not_drawn_as_bands():
    # a ring from 179° to -179° (Chukotka-like) and a polar ring (Antarctica-like) left alone
    across = shapely.Polygon([(179, 65), (-179, 65), (-179, 66), (179, 66)])
    polar = shapely.Polygon([(-180, -90), (180, -90), (180, -70), (0, -65), (-180, -70)])
    out = split_antimeridian(np.array([across, polar, shapely.box(0, 0, 1, 1)], dtype=object))
    west, east = sorted(shapely.get_parts(out[0]).tolist(), key=lambda g: g.bounds[0])
    assert west.bounds == (-180.0, 65.0, -179.0, 66.0) and east.bounds == (179.0, 65.0, 180.0, 66.0)
    assert out[1].equals(polar) and out[2].equals(shapely.box(0, 0, 1, 1))
    m = render(bounds=(-180, -60, 180, 75), zones=False, borders=False)
    for lyr in m.spec["layers"]:
        for f in lyr["f"]:
            rings = [poly[0] for poly in f[1]] if f[0] == 2 else []
            for r in rings:
                x = np.cumsum(np.array(r[0::2])) / lyr["q"]
                y = np.cumsum(np.array(r[1::2])) / lyr["q"]
                if y.min() > -60:  # no edge of a ring jumps across the map (Antarctica's ring is polar)
                    assert np.abs(np.diff(x)).max() < 180, lyr["name"]


def test_labels_and_alt_text_are_plain_text_in_the_spec():
    payload = "</script><b>Dandong & co</b>"
    m = render(points=[f"40.12,124.39,{payload}"], title="<i>T</i>", zones=False, borders=False)
    (pts,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == "Points"]
    feature = pts["f"][0]
    assert feature[4] == payload and "&lt;/script&gt;" in feature[2]  # label plain, tooltip escaped
    assert m.spec["alt"].startswith("Map: <i>T</i>.")  # set with textContent by the runtime
    assert "</script>" not in m.spec_json and "\\u003c/script\\u003e" in m.spec_json


def test_country_and_sea_labels_come_from_the_shipped_data():
    from geomap.geolabels import geo_labels

    view = fit_view((117.0, 24.0, 130.0, 42.0), width=1000, height=700)
    rows = geo_labels(view, skip=["Korea Bay"])
    names = {r[2]: r[3] for r in rows}
    assert names.get("Yellow Sea") == "sea" and names.get("South Korea") == "country"
    assert "Korea Bay" not in names
    for lon, lat, _text, _kind, zoom in rows:
        assert view.visible[0] <= lon / 1e5 <= view.visible[2] and view.visible[1] <= lat / 1e5 <= view.visible[3]
        assert zoom <= view.zoom


def _place_features(m) -> list:
    (places,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == "Places"]
    return places["f"]


def test_labels_give_the_name_as_the_article_writes_it():
    text = (
        "Grain ships queued at the Bosporus on Monday. Polish inspectors held trucks at Dorohusk, "
        "and a haulier from Lublin said the queue reached the Bosporus again by night."
    )
    m = render(text, **BARE)
    labels = {f[4]: f[3] for f in _place_features(m)}  # label -> popup html
    assert "Bosporus" in labels and "Bosphorus" not in labels  # the gazetteer's spelling is in the popup
    assert "Bosphorus" in labels["Bosporus"] and "As written" in labels["Bosporus"]
    assert "Poland" in labels and "Polish" not in labels  # a demonym is never a label
    assert "Lublin" in labels
    assert "As written" not in labels["Dorohusk"]  # same name, no extra row
    ids = re.findall(r"Gazetteer id</th><td>([^<]*)<", labels["Dorohusk"])
    assert ids and ids[0].isdigit(), ids  # 763198, not 763198.0 (the column also holds gaps)
    assert "Bosporus" in m.spec["alt"] and "Bosphorus" not in m.spec["alt"]  # the alt text names what the map shows
    # --drop takes the name as written too
    assert "Lublin" not in {f[4] for f in _place_features(render(text, drop=["Lublin"], **BARE))}


def test_first_view_leaves_out_a_far_capital_named_for_its_government():
    border = [(23.80, 51.15, "city"), (22.77, 49.78, "city"), (24.02, 49.84, "city"), (25.28, 54.69, "capital")]
    border += [(22.0, 50.04, "city"), (23.2, 54.4, "city")]
    assert _mask(border + [(4.35, 50.85, "capital")]) == [True] * 6 + [False]  # "asked Brussels to step in"
    assert _mask(border + [(4.40, 51.22, "city")]) == [True] * 7  # a port 1,300 km away is part of the story
    assert _mask(border + [(30.52, 50.45, "capital")]) == [True] * 7  # Kyiv, 500 km away, is too


def test_the_border_story_opens_on_the_border_not_on_brussels():
    text = (EXAMPLES / "border.txt").read_text(encoding="utf-8")
    m = render(text, **BARE)
    minlon, minlat, maxlon, maxlat = m.spec["bounds"]
    assert 10 < minlon < 22 and 30.5 < maxlon < 36 and "Brussels" in m.spec["also"]


def test_the_readme_picture_commands_still_run(tmp_path):
    import re
    import shlex

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\*`geomap (render [^`]*--png docs/[\w.-]+\.png)`", readme, flags=re.M)
    assert len(commands) >= 3
    for command in commands:
        args = shlex.split(command)
        args = [str(tmp_path / Path(a).name) if a.endswith((".html", ".png")) else a for a in args]
        args = [str(EXAMPLES.parent / a) if a.startswith("examples/") else a for a in args]
        args = args[: args.index("--png")] + args[args.index("--png") + 2 :]  # the browser parts are tested apart
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, (command, res.output)


@pytest.mark.parametrize(
    "points",
    [
        # Suva, Lautoka, Apia, Nuku'alofa, Pago Pago
        [
            "-18.14,178.44,Suva",
            "-17.62,177.45,Lautoka",
            "-13.83,-171.77,Apia",
            "-21.14,-175.2,Nukualofa",
            "-14.28,-170.7,Pago",
        ],
        # Anadyr, Nome, Gambell, Dutch Harbor, Petropavlovsk-Kamchatsky
        [
            "64.73,177.51,Anadyr",
            "64.5,-165.41,Nome",
            "63.78,-171.74,Gambell",
            "53.89,-166.54,Dutch",
            "53.05,158.65,Petro",
        ],
    ],
)
def test_a_story_across_the_180th_meridian_gets_a_regional_view(points):
    from geomap.units import haversine_km

    m = render(points=points, width=1000, height=700)
    minlon, minlat, maxlon, maxlat = m.spec["bounds"]
    assert maxlon > 180 and maxlon - minlon < 60, m.spec["bounds"]  # not a world map
    assert "° W" in m.spec["alt"] and "° E" in m.spec["alt"]  # the alt text speaks of 170° W, not 190° E
    # sea and country names come from both sides of the meridian, at the view's copy
    geo = [(g[0] / 1e5, g[2]) for g in m.spec["geo"]]
    assert geo and all(minlon - 30 < x < maxlon + 30 for x, _ in geo), geo
    if points[0].startswith("64.73"):  # the Bering Strait lies east of 180
        assert any(x > 180 and name == "Bering Strait" for x, name in geo), geo
    (layer,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == "Points"]
    xs = [f[1][0] / layer["pq"] for f in layer["f"]]
    assert all(minlon <= x <= maxlon for x in xs), xs  # every marker drawn on the view's side of the meridian
    # the markers keep their true distances: drawn longitude minus 360 is the given one
    for x, text in zip(xs, points):
        lat, lon = (float(v) for v in text.split(",")[:2])
        assert haversine_km(x, lat, lon, lat) < 1e-6
    # land and zones are drawn on both sides of the meridian, with no band round the world
    for name in ("Land", "Exclusive economic zone (200 nm, approximate)"):
        (lyr,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == name]
        # exterior rings are delta-encoded [x0, y0, dx1, dy1, ...] in 1/q degree
        rings = [np.cumsum(poly[0][0::2]) / lyr["q"] for f in lyr["f"] for poly in f[1]]
        flat = np.concatenate(rings)
        assert flat.min() < 180 < flat.max(), name
        assert flat.max() - flat.min() < 120, name
    # the pieces of a row cut at 180° in the data are joined, so no outline runs along the meridian
    # (pieces stored as separate rows, tiles of the EEZ, may still meet there: one sliver of land is allowed)
    for name, most in (("Internal waters and territorial sea (12 nm)", 0), ("Land", 1)):
        (lyr,) = [lyr for lyr in m.spec["layers"] if lyr["name"] == name]
        rings = [np.cumsum(poly[0][0::2]) / lyr["q"] for f in lyr["f"] for poly in f[1]]
        on_seam = [np.abs(r - 180) < 2 / lyr["q"] for r in rings]
        assert sum(int((s[1:] & s[:-1]).sum()) for s in on_seam) <= most, name


def test_pad_bounds_takes_the_short_way_round():
    from geomap.render.view import pad_bounds

    fiji_samoa = np.array([[177.4, -18.2, 178.5, -17.6], [-171.8, -13.8, -171.7, -13.8]])
    minlon, _, maxlon, _ = pad_bounds(fiji_samoa)
    assert 175 < minlon < 178 and 188 < maxlon < 191
    europe = np.array([[-9.1, 38.7, -9.1, 38.7], [24.0, 49.8, 24.0, 49.8]])
    assert pad_bounds(europe)[0] == pytest.approx(-12.41) and pad_bounds(europe)[2] == pytest.approx(27.31)
    spread = np.array(
        [[-170, 0, -160, 1], [-10, 0, 0, 1], [100, 0, 110, 1]]
    )  # the widest gap is the Atlantic-Pacific one
    assert pad_bounds(spread)[::2] == pytest.approx((-31.0, 221.0))
