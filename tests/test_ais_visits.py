"""Visits to an area: interpolated boundary crossings, gap splits, zone specs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geomap.errors import InputError
from geomap.vessels.areas import file_area
from geomap.vessels.read import read_positions
from geomap.vessels.visits import crossings, find_visits
from geomap.zones import parse_zone

T0 = pd.Timestamp("2024-01-01T00:00:00Z")


@pytest.fixture
def bay(bay_file):
    return file_area(bay_file)


def _write(tmp_path, fixes, name="track.csv"):
    """fixes: (mmsi, minutes after T0, lat, lon) tuples."""
    df = pd.DataFrame(fixes, columns=["mmsi", "minutes", "lat", "lon"])
    df["timestamp"] = [(T0 + pd.Timedelta(minutes=float(m))).strftime("%Y-%m-%dT%H:%M:%SZ") for m in df["minutes"]]
    df["name"] = "BAY RUNNER"
    f = tmp_path / name
    df[["mmsi", "timestamp", "lat", "lon", "name"]].to_csv(f, index=False)
    return f


def test_sailing_into_a_bay_and_out_has_one_visit_with_interpolated_entry_and_exit(tmp_path, bay):
    # due east along lat 26.6 at 0.04 deg lon per 10 min; fixes at 119.43, 119.47, ... 119.79
    lons = 119.43 + 0.04 * np.arange(10)
    f = _write(tmp_path, [(1, 10 * i, 26.6, lon) for i, lon in enumerate(lons)])
    pos = read_positions(f, mask=bay)
    v = find_visits(pos, bay, zone_name=bay.name)
    assert len(v) == 1
    visit = v.iloc[0]
    # last fix outside 119.47 (10 min), first inside 119.51 (20 min): 119.5 is crossed at 17.5 min
    assert visit["entry_time"] == T0 + pd.Timedelta(minutes=17.5)
    # last inside 119.67 (60 min), first outside 119.71 (70 min): 119.7 is crossed at 67.5 min
    assert visit["exit_time"] == T0 + pd.Timedelta(minutes=67.5)
    assert visit["entry_kind"] == "crossing" and visit["exit_kind"] == "crossing" and not visit["split"]
    assert visit["positions"] == 5  # 119.51 .. 119.67
    assert visit["duration_h"] == pytest.approx(50 / 60, abs=1 / 3600)
    assert visit["entry_lon"] == pytest.approx(119.5, abs=1e-6)
    assert visit["mmsi"] == 1 and visit["name"] == "BAY RUNNER" and visit["zone"] == "bay"


def test_entry_is_between_the_last_fix_outside_and_the_first_inside_not_on_a_fix(tmp_path, bay):
    # irregular spacing: outside at 119.45 (t=0), inside at 119.55 (t=40): crossing at 119.5, t=20
    f = _write(tmp_path, [(7, 0, 26.55, 119.45), (7, 40, 26.55, 119.55), (7, 50, 26.55, 119.56)])
    v = find_visits(read_positions(f, mask=bay), bay)
    assert len(v) == 1
    assert v.iloc[0]["entry_time"] == T0 + pd.Timedelta(minutes=20)
    assert v.iloc[0]["exit_kind"] == "track_end" and v.iloc[0]["exit_time"] == T0 + pd.Timedelta(minutes=50)


def test_a_long_gap_splits_a_visit_and_the_split_is_marked(tmp_path, bay):
    fixes = [(3, 0, 26.6, 119.45), (3, 10, 26.6, 119.52), (3, 20, 26.6, 119.54)]
    fixes += [(3, 20 + 7 * 60, 26.6, 119.56), (3, 30 + 7 * 60, 26.6, 119.58), (3, 60 + 7 * 60, 26.6, 119.72)]
    f = _write(tmp_path, fixes)
    pos = read_positions(f, mask=bay)
    v = find_visits(pos, bay, max_gap_h=6)
    assert len(v) == 2
    first, second = v.iloc[0], v.iloc[1]
    assert first["entry_kind"] == "crossing" and first["exit_kind"] == "gap" and first["split"]
    assert first["exit_time"] == T0 + pd.Timedelta(minutes=20)  # its last fix: no interpolation over a gap
    assert second["entry_kind"] == "gap" and second["exit_kind"] == "crossing" and second["split"]
    assert second["entry_time"] == T0 + pd.Timedelta(minutes=20 + 7 * 60)
    assert (first["positions"], second["positions"]) == (2, 2)
    # a longer allowed gap keeps it one visit
    whole = find_visits(pos, bay, max_gap_h=8)
    assert len(whole) == 1 and not whole.iloc[0]["split"] and whole.iloc[0]["positions"] == 4


def test_vessels_in_interleaved_rows_get_their_own_visits(tmp_path, bay):
    a = [(10, 10 * i, 26.6, 119.42 + 0.04 * i) for i in range(10)]
    b = [(20, 10 * i + 5, 26.65, 119.6) for i in range(5)]  # anchored inside all along
    f = _write(tmp_path, sorted(a + b, key=lambda r: r[1]))
    v = find_visits(read_positions(f, mask=bay), bay)
    assert list(v["mmsi"]) == [10, 20]
    anchored = v.iloc[1]
    assert anchored["entry_kind"] == "track_start" and anchored["exit_kind"] == "track_end"
    assert anchored["positions"] == 5 and anchored["duration_h"] == pytest.approx(40 / 60)


def test_a_vessel_that_never_enters_has_no_visit(tmp_path, bay):
    f = _write(tmp_path, [(5, 10 * i, 25.0, 119.42 + 0.04 * i) for i in range(10)])
    assert len(find_visits(read_positions(f, mask=bay), bay)) == 0


def test_crossings_are_found_for_many_segments_at_once(bay):
    lon0 = np.array([119.4, 119.45, 119.6])
    lat0 = np.array([26.6, 26.6, 26.4])
    lon1 = np.array([119.6, 119.55, 119.6])
    lat1 = np.array([26.6, 26.6, 26.6])
    f = crossings(lon0, lat0, lon1, lat1, bay)
    assert f == pytest.approx([0.5, 0.5, 0.5], abs=1e-8)


def test_zone_spec_errors_list_the_valid_zones():
    spec = parse_zone("chn:territorial_sea", need_country=True)
    assert (spec.country, spec.zones) == ("CHN", ("territorial_sea",))
    assert parse_zone("CHN:internal_waters+territorial_sea").zones == ("internal_waters", "territorial_sea")
    with pytest.raises(InputError, match="unknown zone 'territorial'.*valid zones are .*territorial_sea"):
        parse_zone("CHN:territorial")
    with pytest.raises(InputError, match="COUNTRY:zone"):
        parse_zone("territorial_sea", need_country=True)
    with pytest.raises(InputError, match="three-letter"):
        parse_zone("China:eez")


def test_area_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        file_area(tmp_path / "none.geojson")
    line = tmp_path / "line.geojson"
    line.write_text(json.dumps({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}))
    with pytest.raises(InputError, match="no Polygon"):
        file_area(line)


def test_visits_to_a_zone_of_the_zone_engine(tmp_path):
    """A tanker from the East China Sea into Sansha Bay enters CHN:internal_waters (behind the 1996 baseline)."""
    from geomap.vessels.areas import zone_area
    from geomap.zones.grid import classify_arrays

    area = zone_area("CHN:internal_waters")
    n = 200  # about 1.6 km per fix, 10 min apart: 5 kn
    lon = np.linspace(122.5, 119.72, n)
    lat = np.linspace(25.6, 26.68, n)
    f = _write(tmp_path, [(9, 10 * i, la, lo) for i, (lo, la) in enumerate(zip(lon, lat))])
    pos = read_positions(f, mask=area)
    country, zone = classify_arrays(lon, lat)
    inside = (country == "CHN") & (zone == "internal_waters")
    assert inside[-1] and not inside[0]
    assert np.array_equal(pos.inside, inside)
    v = find_visits(pos, area, zone_name=area.name)
    runs = np.count_nonzero(np.diff(np.r_[0, inside.astype(int)]) == 1)
    assert len(v) == runs >= 1
    last = v.iloc[-1]
    assert last["zone"] == "CHN:internal_waters" and last["exit_kind"] == "track_end"
    first = v.iloc[0]
    j = int(first["_first"])  # first fix inside; j - 1 is the last outside
    assert T0 + pd.Timedelta(minutes=10 * (j - 1)) < first["entry_time"] <= T0 + pd.Timedelta(minutes=10 * j)
    # the interpolated entry point is on the boundary: a step back is outside, a step on inside
    d_lon, d_lat = (lon[j] - lon[j - 1]) * 1e-4, (lat[j] - lat[j - 1]) * 1e-4
    back = area(np.array([first["entry_lon"] - d_lon]), np.array([first["entry_lat"] - d_lat]))
    on = area(np.array([first["entry_lon"] + d_lon]), np.array([first["entry_lat"] + d_lat]))
    assert not back[0] and on[0]


def test_geoparquet_area_in_another_crs_gives_the_same_visits(tmp_path, bay, bay_ring):
    import geopandas as gpd
    from shapely.geometry import Polygon

    gdf = gpd.GeoDataFrame({"name": ["bay"]}, geometry=[Polygon(bay_ring)], crs=4326).to_crs(3857)
    gdf.to_parquet(tmp_path / "bay.parquet")
    other = file_area(tmp_path / "bay.parquet")
    lons = 119.43 + 0.04 * np.arange(10)
    f = _write(tmp_path, [(1, 10 * i, 26.6, lon) for i, lon in enumerate(lons)])
    a = find_visits(read_positions(f, mask=bay), bay)
    b = find_visits(read_positions(f, mask=other), other)
    assert len(a) == len(b) == 1
    assert abs(a.iloc[0]["entry_time"] - b.iloc[0]["entry_time"]) <= pd.Timedelta(seconds=1)
