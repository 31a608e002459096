"""Loitering and encounters on scripted tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geomap.vessels.events import encounters, find_events, loitering
from geomap.vessels.read import read_positions

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
DEG_LAT_M = 111_195.0  # metres per degree of latitude on the mean sphere (close enough to place tracks)


def _track(mmsi, name, *, lat, lon, hours, kn, every_min=5, offset_min=0, north=False, sog=True):
    """A straight track at constant speed, due east (or north), one fix every ``every_min``."""
    n = int(hours * 60 / every_min) + 1
    minutes = offset_min + every_min * np.arange(n)
    dist_deg = kn * 1852 * minutes / 60 / DEG_LAT_M
    lats = lat + (dist_deg if north else 0 * dist_deg)
    lons = lon + (0 * dist_deg if north else dist_deg / np.cos(np.radians(lat)))
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "timestamp": [(T0 + pd.Timedelta(minutes=float(m))).strftime("%Y-%m-%dT%H:%M:%SZ") for m in minutes],
            "lat": lats,
            "lon": lons,
            "sog": kn if sog else np.nan,
            "name": name,
        }
    )


def _positions(tmp_path, *tracks):
    f = tmp_path / "tracks.csv"
    pd.concat(tracks, ignore_index=True).sort_values("timestamp", kind="stable").to_csv(f, index=False)
    return read_positions(f)


def test_a_drifter_is_one_loitering_event(tmp_path):
    pos = _positions(
        tmp_path,
        _track(100, "DRIFTER", lat=24.0, lon=121.0, hours=4, kn=0.5, north=True),
        _track(200, "STEAMER", lat=24.5, lon=121.0, hours=4, kn=12),
    )
    ev = loitering(pos)
    assert len(ev) == 1
    e = ev.iloc[0]
    assert e["mmsi"] == 100 and e["name"] == "DRIFTER" and e["event"] == "loitering"
    assert e["start_time"] == T0 and e["end_time"] == T0 + pd.Timedelta(hours=4)
    assert e["duration_h"] == pytest.approx(4.0)
    assert e["avg_speed_kn"] == pytest.approx(0.5)
    # the mean position of a drift of 2 nm due north from 24.0 N
    assert e["lat"] == pytest.approx(24.0 + 1852 / DEG_LAT_M, abs=1e-4) and e["lon"] == pytest.approx(121.0)


def test_loitering_uses_implied_speed_when_sog_is_missing_and_honours_thresholds(tmp_path):
    pos = _positions(tmp_path, _track(100, "DRIFTER", lat=24.0, lon=121.0, hours=3, kn=1.5, north=True, sog=False))
    assert len(loitering(pos)) == 1
    assert loitering(pos)["avg_speed_kn"].iloc[0] == pytest.approx(1.5, rel=0.01)
    assert len(loitering(pos, speed_kn=1.0)) == 0  # faster than the threshold
    assert len(loitering(pos, min_hours=4)) == 0  # shorter than the minimum


def test_two_vessels_side_by_side_are_an_encounter(tmp_path):
    # 300 m apart, 1 kn due east for 3 h, reporting at different minutes
    a = _track(111, "ALPHA", lat=30.0, lon=125.0, hours=3, kn=1.0)
    b = _track(222, "BRAVO", lat=30.0 + 300 / DEG_LAT_M, lon=125.0, hours=3, kn=1.0, offset_min=2)
    far = _track(333, "FAR", lat=30.0 + 2000 / DEG_LAT_M, lon=125.0, hours=3, kn=1.0)  # 2 km away
    pos = _positions(tmp_path, a, b, far)
    ev = encounters(pos)
    assert len(ev) == 1
    e = ev.iloc[0]
    assert (e["mmsi"], e["other_mmsi"]) == (111, 222)
    assert (e["name"], e["other_name"]) == ("ALPHA", "BRAVO")
    assert e["min_distance_m"] == pytest.approx(300, abs=5)
    # sampled every 10 min from the first grid time both are tracked (00:10) to 03:00
    assert e["start_time"] == T0 + pd.Timedelta(minutes=10) and e["end_time"] == T0 + pd.Timedelta(hours=3)
    assert e["duration_h"] >= 2
    assert e["lat"] == pytest.approx(30.0 + 150 / DEG_LAT_M, abs=1e-4)


def test_no_encounter_when_one_vessel_is_fast_too_far_or_too_brief(tmp_path):
    a = _track(111, "ALPHA", lat=30.0, lon=125.0, hours=3, kn=1.0)
    fast = _track(222, "FAST", lat=30.0 + 300 / DEG_LAT_M, lon=125.0, hours=3, kn=1.0).assign(sog=6.0)
    assert len(encounters(_positions(tmp_path, a, fast))) == 0
    b = _track(222, "BRAVO", lat=30.0 + 300 / DEG_LAT_M, lon=125.0, hours=3, kn=1.0)
    pos = _positions(tmp_path, a, b)
    assert len(encounters(pos, distance_m=200)) == 0
    brief = _positions(tmp_path, a.iloc[:19], b.iloc[:19])  # together 1.5 h
    assert len(encounters(brief)) == 0
    assert len(encounters(brief, min_hours=1)) == 1


def test_find_events_combines_both_kinds_sorted(tmp_path):
    a = _track(111, "ALPHA", lat=30.0, lon=125.0, hours=3, kn=1.0)
    b = _track(222, "BRAVO", lat=30.0 + 300 / DEG_LAT_M, lon=125.0, hours=3, kn=1.0, offset_min=2)
    ev = find_events(_positions(tmp_path, a, b))
    assert list(ev["event"]) == ["loitering", "loitering", "encounter"]
    assert list(ev["mmsi"]) == [111, 222, 111]
    assert ev["in_area"].isna().all()


def _later(track, hours):
    """The same track ``hours`` later."""
    t = pd.to_datetime(track["timestamp"]) + pd.Timedelta(hours=hours)
    return track.assign(timestamp=t.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))


def test_a_vessel_that_falls_silent_goes_dark(tmp_path):
    from geomap.vessels.events import going_dark

    before = _track(3, "DARK", lat=26.0, lon=122.0, hours=2, kn=10)
    after = _later(_track(3, "DARK", lat=26.5, lon=122.5, hours=2, kn=10), 16)
    short = _track(4, "BRIEF", lat=27.0, lon=123.0, hours=1, kn=10)
    short_after = _later(_track(4, "BRIEF", lat=27.0, lon=123.3, hours=1, kn=10), 7)
    pos = _positions(tmp_path, before, after, short, short_after)
    ev = going_dark(pos)
    assert list(ev["mmsi"]) == [3]  # the 6-hour silence is a gap, not going dark (12 h)
    e = ev.iloc[0]
    assert e["start_time"] == T0 + pd.Timedelta(hours=2) and e["end_time"] == T0 + pd.Timedelta(hours=16)
    assert e["duration_h"] == pytest.approx(14.0)
    assert (e["lon"], e["lat"]) == pytest.approx((before["lon"].iloc[-1], 26.0))
    assert (e["end_lon"], e["end_lat"]) == pytest.approx((122.5, 26.5))
    from geomap.zones import geodesic

    assert e["distance_m"] == pytest.approx(1000 * float(geodesic(26.0, before["lon"].iloc[-1], 26.5, 122.5)), rel=1e-6)
    assert e["implied_speed_kn"] == pytest.approx(e["distance_m"] / 1852 / 14.0)
    assert list(going_dark(pos, min_hours=5)["mmsi"]) == [3, 4]


def test_events_without_zone_from_the_command_line(tmp_path):
    import json

    from click.testing import CliRunner

    from geomap.console.cli import main

    before = _track(3, "DARK", lat=26.0, lon=122.0, hours=2, kn=10)
    after = _later(_track(3, "DARK", lat=26.5, lon=122.5, hours=2, kn=10), 16)
    f = tmp_path / "t.csv"
    pd.concat([before, after]).to_csv(f, index=False)
    out = tmp_path / "ev.json"
    r = CliRunner().invoke(main, ["vessels", str(f), "--events", "--format", "json", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert doc["visits"] == [] and doc["summary"]["zone"] is None
    dark = [e for e in doc["events"] if e["event"] == "going_dark"]
    assert (
        len(dark) == 1
        and dark[0]["start_time"] == "2024-01-01T02:00:00Z"
        and dark[0]["end_time"] == "2024-01-01T16:00:00Z"
    )
    assert dark[0]["zone"] and dark[0]["end_zone"] and dark[0]["in_area"] is None
    assert doc["summary"]["event_counts"]["going_dark"] == 1
    assert doc["summary"]["rows_read"] == len(before) + len(after) == doc["summary"]["rows_kept"]
    assert "1 going dark" in r.stderr
    r = CliRunner().invoke(main, ["vessels", str(f), "--events", "--dark-hours", "20", "--format", "csv"])
    assert r.exit_code == 0 and "going_dark" not in r.stdout
