"""Internal waters as the law draws them: historic waters, straight baselines, bay closing lines.

Every point below was checked by hand on a chart of the place (its position inside the
bay, behind the baseline or off the open coast); the answers come from the shipped data
(``internal_waters.npz``, built by ``data/build_internal_waters.py``).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from geomap.console.cli import main
from geomap.zones import classify, classify_arrays, parse_zone, zone_mask
from geomap.zones.distance import geodesic

DATA = Path(__file__).resolve().parents[1] / "data"
NM = 1.852

# (lat, lon, country, basis pattern): inside internal waters
INSIDE = {
    "Bohai, centre": (38.7, 119.8, "CHN", r"^historic waters \(Bohai; PRC Declaration on the Territorial Sea"),
    "Peter the Great Gulf, off Vladivostok": (42.9, 131.9, "RUS", r"^historic waters \(Peter the Great Gulf"),
    "Chesapeake Bay, off the Rappahannock": (37.6, -76.15, "USA", r"^bay closing line \(UNCLOS art\. 10\)"),
    "Delaware Bay": (39.05, -75.2, "USA", r"^bay closing line \(UNCLOS art\. 10\)"),
    "Tokyo Bay": (35.5, 139.85, "JPN", r"^bay closing line \(UNCLOS art\. 10\)"),
    "Port Phillip": (-38.1, 144.9, "AUS", r"^bay closing line \(UNCLOS art\. 10\)"),
    "Sansha Bay, Fujian": (
        26.68,
        119.72,
        "CHN",
        r"^straight baseline, PRC declaration 1996, mainland, points \d+–\d+$",
    ),
    "Hangzhou Bay mouth, behind points 11-12": (30.6, 122.3, "CHN", r"^straight baseline, PRC declaration 1996"),
    "Con Dao to the Mekong, behind A3-A6": (
        9.3,
        106.9,
        "VNM",
        r"^straight baseline, Viet Nam statement 1982, points A",
    ),
}
# open sea that must keep its answer: (lat, lon, country, zone)
OUTSIDE = {
    "open coast of the Outer Banks": (35.5, -75.35, "USA", "territorial_sea"),
    "open coast of New South Wales": (-34.5, 150.98, "AUS", "territorial_sea"),
    "Strait of Gibraltar": (35.96, -5.55, None, "territorial_sea"),
    "Strait of Messina (one state's, open at both ends)": (38.2, 15.62, "ITA", "territorial_sea"),
    "Taiwan Strait, mid-channel": (24.5, 119.5, None, None),
}
LAKES = {"Lake Michigan": (43.5, -87.0), "Lake Geneva": (46.45, 6.55), "Lake Victoria": (-1.0, 33.0)}


def answer(lat: float, lon: float) -> dict:
    return classify([lon], [lat], basis=True).iloc[0].to_dict()


@pytest.mark.parametrize("name", INSIDE)
def test_points_inside_internal_waters_answer_them_with_their_basis(name):
    lat, lon, country, pattern = INSIDE[name]
    got = answer(lat, lon)
    assert (got["country"], got["zone"]) == (country, "internal_waters"), got
    assert re.search(pattern, got["basis"]), got["basis"]


@pytest.mark.parametrize("name", OUTSIDE)
def test_open_coasts_and_straits_are_not_internal_waters(name):
    lat, lon, country, zone = OUTSIDE[name]
    got = answer(lat, lon)
    assert got["zone"] != "internal_waters", got
    if zone:
        assert got["zone"] == zone, got
    if country:
        assert got["country"] == country, got


@pytest.mark.parametrize("name", LAKES)
def test_lakes_stay_inland_water(name):
    lat, lon = LAKES[name]
    assert answer(lat, lon)["zone"] == "inland_water"


def test_the_territorial_sea_is_measured_from_the_straight_baseline():
    # off Shandong, within 12 nm seaward of segment 7-8 (Chaoliandao to Dashandao) and
    # 26 nm from the coastline: only the baseline puts it in the territorial sea
    got = classify([120.7337], [35.4704], basis=True, distances=True).iloc[0]
    assert got["coast_nm"] > 12, got
    assert (got["country"], got["zone"]) == ("CHN", "territorial_sea"), got
    assert got["basis"] == "territorial sea measured from the straight baseline, PRC declaration 1996, mainland"
    farther = classify([121.1], [35.2], basis=True).iloc[0]  # beyond 12 nm of the line
    assert (farther["country"], farther["zone"]) == ("CHN", "eez")


def test_every_internal_waters_answer_has_a_legal_basis():
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(117, 124, 4000), rng.uniform(23, 41, 4000)
    country, zone, basis = classify_arrays(lon, lat, basis=True)
    inside = zone == "internal_waters"
    assert inside.sum() > 100
    kinds = ("straight baseline", "bay closing line", "historic waters")
    assert all(str(b).startswith(kinds) for b in basis[inside])
    assert set(country[inside]) <= {"CHN", "KOR", "PRK", "TWN", "JPN"}


def test_zone_mask_and_filters_select_internal_waters():
    lat = np.array([26.68, 38.7, 35.5])
    lon = np.array([119.72, 119.8, -75.35])
    assert zone_mask(lon, lat, country="CHN", zone="internal_waters").tolist() == [True, True, False]
    assert not zone_mask(lon, lat, country="CHN", zone="territorial_sea")[:2].any()
    spec = parse_zone("CHN:internal_waters")
    assert spec.zones == ("internal_waters",)


def test_vessel_area_for_internal_waters():
    from geomap.vessels.areas import zone_area

    area = zone_area("CHN:internal_waters")
    assert area.name == "CHN:internal_waters"


def test_cli_zone_basis_and_filter(tmp_path):
    r = CliRunner().invoke(main, ["zone", "26.68,119.72", "35.5,-75.35", "--basis"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split()[-1] == "basis"
    assert "internal_waters" in lines[2] and "straight baseline, PRC declaration 1996" in lines[2]
    pts = tmp_path / "p.csv"
    pts.write_text("name,lat,lon\nsansha,26.68,119.72\nbohai,38.7,119.8\nnj,35.5,-75.35\n", encoding="utf-8")
    r = CliRunner().invoke(
        main, ["zone", "--points", str(pts), "--zone-type", "CHN:internal_waters", "--basis", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [row["name"] for row in rows] == ["sansha", "bohai"]
    assert rows[1]["basis"].startswith("historic waters (Bohai")


def test_check_facts_on_internal_waters(tmp_path):
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "claim,point,country,zone\n"
        'ships anchored in Sansha Bay,"26.68,119.72",CHN,internal_waters\n'
        'a tanker in the Bohai,"38.7,119.8",CHN,internal_waters\n',
        encoding="utf-8",
    )
    r = CliRunner().invoke(main, ["check", str(facts)])
    assert r.exit_code == 0, r.output
    assert "historic waters (Bohai" in r.output and "straight baseline" in r.output


def test_internal_waters_are_refused_only_without_their_data(tmp_path):
    import os
    import subprocess
    import sys

    for p in DATA.glob("*.npz"):
        if p.name != "internal_waters.npz":
            (tmp_path / p.name).symlink_to(p)
    code = "from geomap.zones import parse_zone; parse_zone('CHN:internal_waters')"
    env = {**os.environ, "GEOMAP_DATA_DIR": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert res.returncode != 0
    assert re.search(r"internal-waters data .* is not installed.*ask for territorial_sea", res.stderr)
    both = "from geomap.zones import parse_zone; print(parse_zone('CHN:internal_waters+territorial_sea').zones)"
    res = subprocess.run([sys.executable, "-c", both], capture_output=True, text=True, env=env)
    assert res.returncode == 0 and "internal_waters" in res.stdout, res.stderr
    assert parse_zone("CHN:internal_waters").zones == ("internal_waters",)


def test_baselines_table_is_sourced_and_consistent():
    rows = list(csv.DictReader(open(DATA / "baselines.csv", encoding="utf-8")))
    assert {r["country"] for r in rows} >= {"CHN", "VNM"}
    for r in rows:
        assert r["source"] and r["date"] and r["datum"], r
        lat, lon = float(r["lat"]), float(r["lon"])
        # the decimal degrees are the published degrees and minutes
        m = re.match(r"(\d+)° (\d+(?:\.\d+)?)'(?: (\d+(?:\.\d+)?)(?:\"|''))? ([NS])", r["lat_published"])
        value = int(m[1]) + float(m[2]) / 60 + (float(m[3]) / 3600 if m[3] else 0)
        assert lat == pytest.approx(-value if m[4] == "S" else value, abs=1e-6), r
        assert -180 <= lon <= 180
    chn = [r for r in rows if r["system"] == "PRC declaration 1996, mainland"]
    assert [int(r["point"]) for r in chn] == list(range(1, len(chn) + 1))
    # Haijiao, point 12, is 30° 44.1' N 123° 09.4' E in the declaration
    twelve = next(r for r in chn if r["point"] == "12")
    assert geodesic(float(twelve["lat"]), float(twelve["lon"]), 30.735, 123.156667)[()] < 0.1


def test_historic_waters_name_their_claim():
    rows = list(csv.DictReader(open(DATA / "historic_waters.csv", encoding="utf-8")))
    assert {r["name"] for r in rows} >= {"Bohai"}
    assert all(r["claim_source"] and r["point_source"] for r in rows)


def test_cells_answered_without_a_test_agree_with_the_exact_test():
    import numpy as np

    from geomap.zones import internal

    store = internal._store()
    rng = np.random.default_rng(7)
    for layer in ("iw", "ts"):
        ids, _ = store.wholly[layer]
        assert ids.size > 500, layer  # the Bohai and the 12 nm strips off China alone fill hundreds of cells
        cells = rng.choice(ids, 3000)
        rows, cols = np.divmod(cells, 360 * store.res)
        x = (cols + rng.uniform(0.01, 0.99, cells.size)) / store.res - 180.0
        y = (rows + rng.uniform(0.01, 0.99, cells.size)) / store.res - 90.0
        assert (store.inside(layer, x, y) >= 0).all()
        assert (store.hits(layer, x, y) == store.first_hit(layer, x, y)).all()
