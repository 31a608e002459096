"""Port calls, anchorage stops, flags, transfers, name changes and shared identities on scripted tracks."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from geomap.console.cli import main
from geomap.vessels.events import find_events
from geomap.vessels.identity import flag_states, mmsi_notes, vessel_table
from geomap.vessels.read import read_positions

T0 = pd.Timestamp("2024-01-01T00:00:00Z")
SHANGHAI = (121.497113, 31.400091)  # CNSHA in data/ports.csv


def _fixes(mmsi, name, points, *, every_min=10, start_min=0, sog=0.1):
    rows = []
    for k, (lon, lat) in enumerate(points):
        t = T0 + pd.Timedelta(minutes=start_min + every_min * k)
        rows.append((mmsi, t.strftime("%Y-%m-%dT%H:%M:%SZ"), lat, lon, sog, name))
    return rows


def _file(tmp_path, rows):
    f = tmp_path / "ais.csv"
    df = pd.DataFrame(rows, columns=["mmsi", "timestamp", "lat", "lon", "sog", "name"]).sort_values(
        "timestamp", kind="stable"
    )
    df.to_csv(f, index=False)
    return f


def _still(lon, lat, n):
    return [(lon + 1e-5 * (k % 2), lat) for k in range(n)]


def test_stops_in_a_port_are_port_calls_and_at_sea_anchorage_stops(tmp_path):
    rows = _fixes(412000001, "IN PORT", _still(SHANGHAI[0] + 0.01, SHANGHAI[1], 25))  # 4 h, 1 km from the port
    rows += _fixes(412000002, "AT SEA", _still(124.0, 30.0, 25))
    rows += _fixes(412000003, "BRIEF", _still(SHANGHAI[0], SHANGHAI[1] - 0.01, 10))  # 1.5 h: too short
    ev = find_events(read_positions(_file(tmp_path, rows)))
    calls = ev[ev["event"] == "port_call"]
    assert calls[["mmsi", "port"]].values.tolist() == [[412000001, "CNSHA Shanghai"]]
    assert calls["duration_h"].item() == pytest.approx(4.0)
    anchor = ev[ev["event"] == "anchorage"]
    assert anchor["mmsi"].tolist() == [412000002] and anchor["port"].isna().all()


def test_encounters_once_per_pair_with_flags_and_transfer_candidates(tmp_path):
    # two slow vessels side by side for 4 h, 200 m apart, far from any coast and port
    a = _fixes(412000001, "CARRIER", _still(128.0, 28.0, 25))
    b = _fixes(538000002, "TANKER", _still(128.0, 28.0018, 25))
    # and a pair in the port of Shanghai
    c = _fixes(352000003, "HARBOUR A", _still(*SHANGHAI, 25))
    d = _fixes(352000004, "HARBOUR B", _still(SHANGHAI[0], SHANGHAI[1] + 0.0018, 25))
    ev = find_events(read_positions(_file(tmp_path, a + b + c + d)))
    meet = ev[ev["event"] == "encounter"].set_index("mmsi")
    assert sorted(meet.index) == [352000003, 412000001]  # once per pair, smaller MMSI first
    sea = meet.loc[412000001]
    assert (sea["other_mmsi"], sea["name"], sea["other_name"]) == (538000002, "CARRIER", "TANKER")
    assert (sea["flag"], sea["other_flag"]) == ("CN", "MH")
    assert sea["sts_candidate"] is True and sea["shore_nm"] > 12
    assert meet.loc[352000003, "sts_candidate"] is False


def test_flags_and_invalid_mmsis():
    iso, name = flag_states(np.array([412345678, 538000001, 2345678, 199999999]))
    assert list(iso) == ["CN", "MH", "GB", ""] and name[0] == "China"  # 002345678: a British coast station
    valid, notes = mmsi_notes(np.array([412345678, 200000000, 970123456, 992351234, 1234567890, 2345678, 199999999]))
    assert list(valid) == [True] + [False] * 6
    assert list(notes) == [
        "",
        "MID 200 is not allocated",
        "AIS-SART",
        "aid to navigation",
        "10 digits: an MMSI has 9",
        "coast station",
        "not in any MMSI range",
    ]


def test_name_changes_are_events_and_the_vessel_table_lists_names(tmp_path):
    rows = _fixes(412000001, "OLD NAME", [(125.0 + 0.01 * k, 30.0) for k in range(4)], sog=5)
    rows += _fixes(412000001, "NEW NAME", [(125.04 + 0.01 * k, 30.0) for k in range(4)], start_min=40, sog=5)
    pos = read_positions(_file(tmp_path, rows))
    ev = find_events(pos)
    change = ev[ev["event"] == "name_change"]
    assert change[["name", "previous_name"]].values.tolist() == [["NEW NAME", "OLD NAME"]]
    assert change["start_time"].item() == T0 + pd.Timedelta(minutes=40)
    table = vessel_table(pos)
    assert table[["mmsi", "name", "names", "flag", "mmsi_valid"]].values.tolist() == [
        [412000001, "NEW NAME", "OLD NAME / NEW NAME", "CN", True]
    ]


def test_one_mmsi_in_two_places_at_once_is_an_identity_conflict(tmp_path):
    # two ships share MMSI 412000009: fixes alternate between the Yellow Sea and the South China Sea
    north = [(123.0 + 0.005 * k, 35.0) for k in range(12)]
    south = [(114.0 + 0.005 * k, 18.0) for k in range(12)]
    points = [p for pair in zip(north, south) for p in pair]
    rows = _fixes(412000009, "TWIN", points, every_min=5, sog=6)
    rows += _fixes(
        412000010, "SPIKE", [(120.0, 25.0), (120.01, 25.0), (125.0, 30.0), (120.03, 25.0), (120.04, 25.0)], sog=6
    )
    ev = find_events(read_positions(_file(tmp_path, rows)))
    twin = ev[ev["event"] == "identity_conflict"]
    assert twin["mmsi"].tolist() == [412000009]  # a single spike is a rejected jump, not an identity
    assert twin["distance_m"].item() > 1_000_000


def test_vessels_command_reports_every_kind_as_json(tmp_path):
    rows = _fixes(412000001, "IN PORT", _still(SHANGHAI[0] + 0.01, SHANGHAI[1], 25))
    rows += _fixes(412000001, "IN PORT", _still(123.0, 31.0, 3), start_min=60 * 20)
    f = _file(tmp_path, rows)
    r = CliRunner().invoke(main, ["vessels", str(f), "--events", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    kinds = {e["event"] for e in doc["events"]}
    assert {"port_call", "going_dark"} <= kinds
    assert doc["vessels"][0]["flag"] == "CN"
    assert doc["summary"]["event_counts"]["port_call"] == 1


def test_two_glitches_of_one_vessel_are_not_a_shared_identity(tmp_path):
    points = [(120.0 + 0.01 * k, 25.0) for k in range(30)]
    points[5] = (125.0, 30.0)  # two bad fixes, far apart in time, in the same wrong place
    points[9] = (125.0, 30.0)
    ev = find_events(read_positions(_file(tmp_path, _fixes(412000011, "GLITCH", points, sog=6))))
    assert not (ev["event"] == "identity_conflict").any()


def test_stop_and_transfer_thresholds_are_options_of_the_command(tmp_path):
    f = _file(tmp_path, _fixes(412000001, "IN PORT", _still(SHANGHAI[0] + 0.01, SHANGHAI[1], 25)))  # 1 km from CNSHA
    kinds = lambda *extra: {
        e["event"]
        for e in json.loads(  # noqa: E731
            CliRunner().invoke(main, ["vessels", str(f), "--events", "--format", "json", *extra]).stdout
        )["events"]
    }
    assert "port_call" in kinds()
    assert "anchorage" in kinds("--port-radius", "0.5") and "port_call" not in kinds("--port-radius", "0.5")
    assert not {"port_call", "anchorage"} & kinds("--stop-hours", "5")
