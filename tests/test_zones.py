"""The zone engine on the shipped data: no mocks, real polygons."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geomap.errors import InputError
from geomap.geodata import available_layers, load_layer
from geomap.zones.grid import ZONES, classify, classify_arrays, zone_mask

# (lat, lon) of places checked by hand on the source data.
SANSHA_BAY = [(26.68, 119.72), (26.70, 119.75), (26.64, 119.79)]
PYONGYANG = (39.0392, 125.7625)  # the city's own coordinates fall on the Taedong river
SINUIJU = (40.1006, 124.3981)
DANDONG = (40.1292, 124.3947)
SEOUL = (37.5665, 126.9780)
# More than 200 nm from any baseline (checked in tests/test_eez.py); the Yellow Sea at
# (35.5, 123.5), once "none" here, is now an approximate EEZ (CHN, contested with KOR).
OPEN_SEA = [(30.0, 150.0), (0.0, -140.0), (-40.0, 10.0)]


def one(lat: float, lon: float) -> tuple[str, str]:
    country, zone = classify_arrays([lon], [lat])
    return str(country[0]), str(zone[0])


@pytest.mark.parametrize("lat,lon", SANSHA_BAY)
def test_sansha_bay_is_chinese_water(lat, lon):
    assert one(lat, lon) == ("CHN", "internal_waters")  # behind China's 1996 straight baseline


@pytest.mark.parametrize("lat,lon,country", [(*PYONGYANG, "PRK"), (*SINUIJU, "PRK"), (*SEOUL, "KOR")])
def test_cities_are_land_or_inland_water_never_sea(lat, lon, country):
    c, z = one(lat, lon)
    assert c == country
    assert z in ("land", "inland_water")


def test_pyongyang_on_the_taedong_is_inland_water():
    assert one(*PYONGYANG) == ("PRK", "inland_water")


def test_dandong_and_sinuiju_face_each_other_across_the_yalu():
    assert one(*DANDONG) == ("CHN", "land")
    assert one(*SINUIJU) == ("PRK", "land")


@pytest.mark.parametrize("lat,lon", OPEN_SEA)
def test_open_sea_beyond_200_nm_is_none(lat, lon):
    assert one(lat, lon) == ("", "none")


def test_lakes_are_inland_water_not_sea():
    assert one(47.7, -87.5)[1] == "inland_water"  # Lake Superior
    assert one(-1.0, 33.0)[1] == "inland_water"  # Lake Victoria
    assert one(53.5, 108.0) == ("RUS", "inland_water")  # Lake Baikal


def test_grid_answer_agrees_with_exact_polygon_test():
    """Points answered by the cell grid get the same class as a brute-force test of every piece."""
    from geomap.zones.grid import _index

    idx = _index()
    rng = np.random.default_rng(7)
    lon = rng.uniform(119.0, 121.0, 20000)
    lat = rng.uniform(25.5, 27.5, 20000)
    ids = idx.class_ids(lon, lat)
    expected = np.zeros(lon.size, dtype=np.int64)
    for tx in (119, 120):
        for ty in (25, 26, 27):
            geoms, cls = idx._tile((ty + 90) * 360 + tx + 180)
            sel = np.flatnonzero((np.floor(lon) == tx) & (np.floor(lat) == ty))
            todo = np.ones(sel.size, dtype=bool)
            for g, c in zip(geoms, cls):  # pieces come highest priority first
                hit = todo & shapely.intersects_xy(g, lon[sel], lat[sel])
                expected[sel[hit]] = c
                todo &= ~hit
    grid_answered = (
        idx.grid[np.floor((lat + 90) * idx.res).astype(int), np.floor((lon + 180) * idx.res).astype(int)] != 0xFFFF
    )
    assert grid_answered.sum() > 10000  # most points are answered by the grid alone
    assert np.array_equal(ids, expected)


def test_classify_frame_and_vectorised_shape():
    frame = classify([119.72, 150.0], [26.68, 30.0])
    assert list(frame.columns) == ["country", "zone", "overlap_with"]
    assert frame.zone.tolist() == ["internal_waters", "none"]
    assert set(frame.zone) <= set(ZONES)


def test_zone_mask():
    lon, lat = np.array([119.72, 150.0, 125.7625, 122.75]), np.array([26.68, 30.0, 39.0392, 37.2])
    assert zone_mask(lon, lat, country="CHN", zone="internal_waters").tolist() == [True, False, False, False]
    assert zone_mask(lon, lat, country="CHN", zone="territorial_sea").tolist() == [False, False, False, True]
    with pytest.raises(InputError, match="valid zones"):
        zone_mask(np.array([0.0]), np.array([0.0]), country="CHN", zone="teritorial_sea")


@pytest.mark.parametrize(
    "lon,lat,bad", [([200.0], [10.0], "200.0"), ([10.0], [-91.0], "-91.0"), ([np.nan], [1.0], "nan")]
)
def test_bad_coordinates_name_the_value(lon, lat, bad):
    with pytest.raises(InputError, match=bad):
        classify_arrays(lon, lat)


def test_antimeridian_and_poles_do_not_crash():
    country, zone = classify_arrays([180.0, -180.0, 0.0, 0.0], [0.0, 0.0, 90.0, -90.0])
    assert len(zone) == 4
    assert zone[0] == zone[1] == "none"  # mid-Pacific on the antimeridian


def test_distances_against_pyproj_geod():
    """Distance to coast equals the brute-force geodesic minimum over the coastline."""
    from pyproj import Geod

    lat, lon = 26.40, 120.10  # off Fujian
    frame = classify([lon], [lat], distances=True)
    coast = load_layer("coastline", bbox=(lon - 1.5, lat - 1.5, lon + 1.5, lat + 1.5))
    pts = shapely.get_coordinates(shapely.segmentize(coast.geometry.values, 0.001))
    _, _, d = Geod(ellps="WGS84").inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
    brute_km = d.min() / 1000
    assert frame.coast_km[0] == pytest.approx(brute_km, abs=0.15)
    assert frame.coast_nm[0] == pytest.approx(frame.coast_km[0] / 1.852)
    assert frame.border_km[0] > 100  # the nearest land border is far from the Fujian coast


def test_distance_to_border_between_dandong_and_sinuiju_is_short():
    frame = classify([DANDONG[1], SINUIJU[1]], [DANDONG[0], SINUIJU[0]], distances=True)
    assert (frame.border_km < 3).all()


def test_layers_present_and_loadable():
    names = available_layers()
    for name in ("land", "maritime", "territorial_sea", "borders", "coastline", "ne_countries"):
        assert name in names
    borders = load_layer("borders", bbox=(123, 39, 126, 42))
    pairs = {tuple(sorted(p)) for p in zip(borders.country_a, borders.country_b)}
    assert ("CHN", "PRK") in pairs
    land = load_layer("land", bbox=(124, 39, 126, 41))
    assert land.crs.to_epsg() == 4326
    assert {"CHN", "PRK"} <= set(land.country)
    with pytest.raises(InputError, match="valid layers"):
        load_layer("lands")
