"""Spatial facts under test: ``geomap check`` and ``geomap.testing.assert_zone``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geomap.errors import InputError
from geomap.testing import assert_zone
from geomap.zones.facts import parse_distance, read_facts

SANSHA = (26.68, 119.72)  # Sansha Bay, Fujian: Chinese water about 1 km from the coast, behind the 1996 baseline


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geomap.console.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_assert_zone_passes_and_returns_the_answer_with_basis():
    verdict = assert_zone(
        SANSHA, country="CHN", zone={"territorial_sea", "internal_waters"}, distance="within 12 nm of the coast"
    )
    assert verdict.passed and (verdict.country, verdict.zone) == ("CHN", "internal_waters")
    assert verdict.basis.startswith("straight baseline, PRC declaration 1996, mainland, points ")
    assert verdict.distance_km < 12 * 1.852


def test_assert_zone_failure_names_the_actual_answer():
    with pytest.raises(AssertionError, match=r"CHN internal_waters: country is CHN, not TWN"):
        assert_zone(SANSHA, country="TWN")
    with pytest.raises(AssertionError, match=r"from the coast, not beyond 100 nm"):
        assert_zone(SANSHA, distance="beyond 100 nm of the coast")


def test_assert_zone_by_place_name():
    assert_zone("Pyongyang", country="PRK", zone={"land", "inland_water"})


def test_assert_zone_rejects_bad_input():
    with pytest.raises(InputError, match="unknown zone"):
        assert_zone(SANSHA, zone="territorial_waters")
    with pytest.raises(InputError, match="not understood"):
        assert_zone(SANSHA, distance="close to the coast")
    with pytest.raises(InputError, match="not in the gazetteer"):
        assert_zone("Qxzzyville Lagoon", country="CHN")


@pytest.mark.parametrize(
    "text,within,km,to",
    [
        ("within 12 nm of the coast", True, 22.224, "coast"),
        ("beyond 24 km from the border", False, 24.0, "border"),
        ("less than 3 miles of the shore", True, 3 * 1.609344, "coast"),
        ("More than 200 nautical miles from the coastline", False, 370.4, "coast"),
    ],
)
def test_parse_distance(text, within, km, to):
    claim = parse_distance(text)
    assert (claim.within, claim.to) == (within, to)
    assert claim.km == pytest.approx(km)


def test_check_command_passes_fails_and_counts_bad_rows(tmp_path):
    facts = tmp_path / "facts.csv"
    facts.write_text(
        "claim,point,country,zone,distance\n"
        'tankers in Chinese waters,"26.68,119.72",CHN,territorial_sea|internal_waters,within 12 nm of the coast\n'
        "Pyongyang,Pyongyang,PRK,land|inland_water,\n"
        'open ocean,"0,-140",none,none,\n'
        'wrong,"26.68,119.72",TWN,eez,\n'
        'bad latitude,"95,10",CHN,land,\n',
        encoding="utf-8",
    )
    res = run("check", str(facts))
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert [ln.split()[0] for ln in lines[2:6]] == ["pass", "pass", "pass", "FAIL"]
    assert "country is CHN, not TWN; zone is internal_waters, not eez" in res.stdout
    assert "row 6" in res.stdout and "latitude 95.0" in res.stdout
    assert lines[-1] == "4 facts checked: 3 pass, 1 fail; 1 bad rows"


def test_check_command_all_pass_exits_zero(tmp_path):
    facts = tmp_path / "facts.csv"
    facts.write_text('point,country,zone\n"26.68,119.72",CHN,internal_waters\n', encoding="utf-8")
    res = run("check", str(facts))
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.splitlines()[-1] == "1 facts checked: 1 pass, 0 fail; 0 bad rows"


def test_check_command_bad_file_is_one_line_exit_2(tmp_path):
    res = run("check", str(tmp_path / "missing.csv"))
    assert res.returncode == 2 and "no such file" in res.stderr and "Traceback" not in res.stderr
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    res = run("check", str(other))
    assert res.returncode == 2 and "no point, place or lat/lon column" in res.stderr


def test_read_facts_lat_lon_columns_and_sets(tmp_path):
    facts = tmp_path / "f.csv"
    facts.write_text("lat,lon,country,zone\n26.68,119.72,CHN or TWN,internal_waters\n", encoding="utf-8")
    got, bad = read_facts(str(facts))
    assert not bad
    assert got[0].countries == frozenset({"CHN", "TWN"}) and got[0].zones == frozenset({"internal_waters"})


def test_internal_waters_alone_is_an_area_and_a_filter():
    from geomap.vessels.areas import zone_area
    from geomap.zones import parse_zone

    area = zone_area("CHN:internal_waters")
    assert area.name == "CHN:internal_waters"
    assert parse_zone("CHN:internal_waters").zones == ("internal_waters",)
    assert zone_area("CHN:internal_waters+territorial_sea").name == "CHN:internal_waters+territorial_sea"
