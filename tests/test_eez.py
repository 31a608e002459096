"""Contiguous zone, EEZ and high seas on the shipped data: points checked by hand.

Each point's distance is also checked here by brute force (pyproj geodesics to the
densified display coastline), so a test states the geometry it relies on.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod

from geomap.console.cli import main as cli
from geomap.errors import InputError
from geomap.geodata import available_layers, load_layer
from geomap.zones import outer as seazones
from geomap.zones import parse_zone
from geomap.zones.grid import ZONES, classify, classify_arrays, zone_mask

pytestmark = pytest.mark.skipif(not seazones.available(), reason="outer-zone data (outer.npz, baseline.npz) not built")

NM = 1852.0


def one(lat: float, lon: float) -> tuple[str, str, str]:
    country, zone, overlap = classify_arrays([lon], [lat], overlap=True)
    return str(country[0]), str(zone[0]), str(overlap[0])


def coast_points(geoms) -> np.ndarray:
    """Vertices of coastline geometries, densified to 0.001 degree (about 110 m)."""
    lines = shapely.get_parts(np.asarray(geoms, dtype=object))
    lines = lines[(shapely.get_num_coordinates(lines) >= 2) & (shapely.length(lines) > 0)]
    return shapely.get_coordinates(shapely.segmentize(lines, 0.001))


def coast_nm(lat: float, lon: float, *, pad: float = 4.0) -> float:
    """Geodesic distance (nm) to the nearest display coastline vertex (densified to 0.001 degree)."""
    coast = load_layer("coastline", bbox=(lon - pad, lat - pad, lon + pad, lat + pad))
    pts = coast_points(coast.geometry.values)
    _, _, d = Geod(ellps="WGS84").inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
    return float(d.min() / NM)


# Namibia's Skeleton Coast at 21.5 S runs almost north-south, with no island or other
# state within 200 nm offshore: points due west of it, at increasing distances.
NAMIBIA = -21.5


@pytest.mark.parametrize(
    "lon,low,high,zone",
    [
        (13.55, 12.5, 18.0, "contiguous_zone"),  # just outside 12 nm
        (13.35, 20.0, 23.5, "contiguous_zone"),  # just inside 24 nm
        (9.85, 198.5, 199.8, "eez"),  # just inside 200 nm
        (9.80, 200.5, 202.5, "none"),  # just outside 200 nm: high seas
    ],
)
def test_straight_coast_bands(lon, low, high, zone):
    d = coast_nm(NAMIBIA, lon)
    assert low < d < high, f"the test point is {d:.2f} nm from the coast"
    country, got, overlap = one(NAMIBIA, lon)
    assert got == zone
    assert country == ("NAM" if zone != "none" else "")
    assert overlap == ""


def test_territorial_sea_still_answers_first():
    d = coast_nm(NAMIBIA, 13.7)
    assert d < 11
    assert one(NAMIBIA, 13.7)[:2] == ("NAM", "territorial_sea")


# The Bothnian Sea between Sweden (west) and Finland (east) at 62.5 N: opposite coasts.
@pytest.mark.parametrize("lon,owner,other", [(19.0, "SWE", "FIN"), (20.2, "FIN", "SWE")])
def test_median_line_between_opposite_coasts(lon, owner, other):
    lat = 62.5
    west = load_layer("coastline", bbox=(15, 60, 25, 65))
    g = Geod(ellps="WGS84")
    dist = {}
    for code in (owner, other):
        pts = coast_points(west[west.country == code].geometry.values)
        _, _, d = g.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
        dist[code] = d.min() / NM
    assert dist[owner] + 5 < dist[other] < 200  # clearly on the owner's side, both within 200 nm
    country, zone, overlap = one(lat, lon)
    assert country == owner
    assert zone in ("contiguous_zone", "eez")
    assert overlap == other  # both claims stay visible


def test_yellow_sea_is_contested_chinese_or_korean_eez():
    country, zone, overlap = one(35.5, 123.5)
    assert zone == "eez"
    assert {country, overlap} == {"CHN", "KOR"}


@pytest.mark.parametrize("lat,lon", [(30.0, 150.0), (0.0, -140.0), (-40.0, 10.0), (-30.0, -130.0)])
def test_open_ocean_far_from_any_coast_is_high_seas(lat, lon):
    d1, _, _, _ = seazones.nearest_states(np.array([lon]), np.array([lat]))
    assert d1[0] > 200 * 1.852  # no baseline within 200 nm (not even an islet)
    assert one(lat, lon) == ("", "none", "")


def test_small_island_far_from_its_mainland():
    # Minami-Torishima (Marcus Island, about 1.5 km2, 24.28 N 153.98 E) is some
    # 1,800 km from Honshu; 83 nm east of it the water is Japan's EEZ, alone.
    island_lon, island_lat = 153.98, 24.28
    lon, lat = 155.5, 24.28
    _, _, d = Geod(ellps="WGS84").inv(lon, lat, island_lon, island_lat)
    assert 70 < d / NM < 90
    assert one(lat, lon) == ("JPN", "eez", "")


def test_first_rungs_unchanged():
    assert one(26.68, 119.72)[:2] == ("CHN", "internal_waters")  # Sansha Bay, behind the 1996 baseline
    assert one(26.70, 119.75)[:2] == ("CHN", "internal_waters")
    assert one(39.0392, 125.7625)[1] in ("land", "inland_water")  # Pyongyang is not sea


def test_local_sphere_error_against_the_ellipsoid_is_under_half_a_percent():
    """The distance model (chord x local Gaussian radius) against pyproj geodesics, 1-400 km."""
    g = Geod(ellps="WGS84")
    rng = np.random.default_rng(11)
    n = 20000
    lat = rng.uniform(-85, 85, n)
    lon = rng.uniform(-180, 180, n)
    metres = rng.uniform(1e3, 400e3, n)
    lon2, lat2, _ = g.fwd(lon, lat, rng.uniform(0, 360, n), metres)
    chord = np.linalg.norm(seazones.unit(lon, lat) - seazones.unit(np.asarray(lon2), np.asarray(lat2)), axis=1)
    km = seazones.chord_to_km(chord) / seazones.R_KM * seazones.local_radius_km(lat)
    err = np.abs(km - metres / 1000) / (metres / 1000)
    assert err.max() < 0.005


def test_grid_agrees_with_exact_computation():
    """Points answered by the outer grid agree with the exact baseline computation."""
    rng = np.random.default_rng(3)
    lon = rng.uniform(117, 132, 3000)
    lat = rng.uniform(24, 44, 3000)
    country, zone, overlap = classify_arrays(lon, lat, overlap=True)
    outer = np.isin(zone, ("contiguous_zone", "eez", "none")) & ~np.isin(zone, ("land",))
    c2, z2, o2 = seazones.exact_zones(lon[outer], lat[outer])
    assert outer.sum() > 1000
    assert (country[outer] == c2).all()
    assert (zone[outer] == z2).all()
    assert (overlap[outer] == o2).all()


def test_classify_has_overlap_column_and_zone_mask():
    frame = classify([123.5, 150.0], [35.5, 30.0])
    assert list(frame.columns) == ["country", "zone", "overlap_with"]
    assert set(frame.zone) <= set(ZONES)
    assert frame.overlap_with.tolist()[1] == ""
    mask = zone_mask(np.array([155.5, 150.0]), np.array([24.28, 30.0]), country="JPN", zone="eez")
    assert mask.tolist() == [True, False]


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("eez", (None, "eez")),
        ("CHN:eez", ("CHN", "eez")),
        ("chn", ("CHN", None)),
        ("KOR:contiguous_zone", ("KOR", "contiguous_zone")),
    ],
)
def test_parse_zone(spec, expected):
    parsed = parse_zone(spec)
    assert (parsed.country, parsed.zones[0] if parsed.zones else None) == expected


@pytest.mark.parametrize("spec", ["CHN:ez", "exclusive", "CHINA:eez", ":"])
def test_parse_zone_errors_name_the_valid_set(spec):
    with pytest.raises(InputError, match="eez"):
        parse_zone(spec)


def test_cli_zone_type_filter_and_note(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["zone", "35.5,123.5", "26.68,119.72", "24.28,155.5", "--zone-type", "eez"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert "overlap_with" in lines[0]
    assert any("JPN" in line and "eez" in line for line in lines)
    assert not any("territorial_sea" in line for line in lines)
    assert "approximate" in out.output
    only = runner.invoke(cli, ["zone", "35.5,123.5", "24.28,155.5", "--zone-type", "JPN:eez", "--format", "csv"])
    assert only.exit_code == 0
    rows = [r for r in only.stdout.splitlines() if r]
    assert len(rows) == 2 and "JPN" in rows[1]
    bad = runner.invoke(cli, ["zone", "35.5,123.5", "--zone-type", "CHN:ez"])
    assert bad.exit_code == 2
    assert "valid zones" in bad.output


def test_layers_shipped_with_country_and_overlap():
    assert {"contiguous_zone", "eez"} <= set(available_layers())
    eez = load_layer("eez", bbox=(120, 30, 130, 40))
    assert {"country", "overlap_with"} <= set(eez.columns)
    assert {"CHN", "KOR", "JPN"} <= set(eez.country)
    assert eez.geometry.is_valid.all()


def test_map_legend_says_approximate():
    from geomap.layers.maritime import maritime_layers

    layers = maritime_layers((120, 30, 130, 40))
    names = [layer.name for layer in layers]
    assert any("Exclusive economic zone" in n and "approximate" in n for n in names)
    assert any("Contiguous zone" in n and "approximate" in n for n in names)
    for layer in layers:
        if "approximate" in layer.name:
            assert any("approximate" in a or "derived" in a for a in layer.attribution)
