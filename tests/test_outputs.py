"""Output files: modes, standard output, distinct outputs, signals, unwritable places, strict JSON."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.console.cli import main
from geomap.errors import OutputError
from geomap.files import atomic_write, check_distinct

POINT = ["--point", "40.12,124.39,Dandong", "--no-zones", "--no-borders", "--basemap", "none"]
CLI = [sys.executable, "-m", "geomap.console.cli"]


def run(*args: str, input: str | bytes | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def strict_json(text: str):
    """Parse JSON as strict parsers do: NaN and Infinity are errors."""

    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def ais(tmp_path):
    bay = tmp_path / "bay.geojson"
    bay.write_text(
        json.dumps(
            {
                "type": "Polygon",
                "coordinates": [[[119.5, 26.5], [119.7, 26.5], [119.7, 26.7], [119.5, 26.7], [119.5, 26.5]]],
            }
        )
    )
    rows = ["MMSI,BaseDateTime,LAT,LON,SOG,VesselName"]
    rows += [f"412000001,2024-01-01T00:{10 * i:02d}:00,26.6,{119.43 + 0.04 * i:.2f},9.0," for i in range(6)]
    rows += [f"412000002,2024-01-01T0{h}:00:00,26.55,119.6,,NAMELESS" for h in range(4)]
    rows += ["412000002,2024-01-01T09:00:00,abc,119.6,0.5,BAD"]  # data row 11: rejected
    path = tmp_path / "ais.csv"
    path.write_text("\n".join(rows) + "\n")
    return path, bay


# ---- file modes --------------------------------------------------------------------------


def _cli(args, cwd, umask=None, **kw):
    def setup():
        if umask is not None:
            os.umask(umask)

    return subprocess.run(
        CLI + args, cwd=cwd, capture_output=True, text=True, preexec_fn=setup, timeout=120, check=False, **kw
    )


@pytest.mark.parametrize("umask, mode", [(0o077, 0o600), (0o027, 0o640), (0o002, 0o664)])
def test_new_output_honours_the_umask(tmp_path, umask, mode):
    r = _cli(["zone", "26.68,119.72", "--format", "csv", "-o", "out.csv"], tmp_path, umask=umask)
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == mode


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_replaced_output_keeps_its_mode(tmp_path, mode):
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(mode)
    r = run("zone", "26.68,119.72", "--format", "csv", "-o", str(out), "--force")
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("lat,lon,country")
    assert stat.S_IMODE(out.stat().st_mode) == mode


# ---- - is standard output ------------------------------------------------------------------


def test_dash_is_stdout_for_places(tmp_path):
    art = tmp_path / "a.txt"
    art.write_text("Ships left Dandong for Nampo.\n")
    r = run("places", str(art), "--format", "json", "-o", "-")
    assert r.exit_code == 0, r.output
    assert {p["name"] for p in strict_json(r.stdout)} >= {"Dandong"}
    assert not (Path.cwd() / "-").exists()
    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"id": "x", "text": "Ships left Dandong."}) + "\n")
    r = run("places", "--jsonl", str(batch), "-o", "-")
    assert r.exit_code == 0, r.output
    assert strict_json(r.stdout)["id"] == "x"


def test_dash_is_stdout_for_zone_and_vessels(ais, tmp_path):
    r = run("zone", "26.68,119.72", "--format", "json", "-o", "-")
    assert r.exit_code == 0 and strict_json(r.stdout)[0]["country"] == "CHN"
    path, bay = ais
    rejects = tmp_path / "rejects.csv"
    r = run("vessels", str(path), "--area", str(bay), "--format", "json", "-o", "-", "--rejects", str(rejects))
    assert r.exit_code == 0, r.output
    assert "visits" in strict_json(r.stdout)
    (reject,) = rejects.read_text().splitlines()[1:]
    assert reject.startswith("11,position_missing,412000002,2024-01-01T09:00:00,abc,119.6")
    r = run(
        "vessels", str(path), "--area", str(bay), "--format", "csv", "--rejects", "-", "-o", str(tmp_path / "v.csv")
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("row,reason")


def test_dash_is_stdout_for_render(tmp_path):
    r = run("render", *POINT, "-o", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout.lstrip().lower().startswith("<!doctype html>") and "Dandong" in r.stdout
    r = run("render", *POINT, "--fragment", "-o", "-")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith('<div class="geomap-fragment"')
    assert list(tmp_path.iterdir()) == []


# ---- two outputs, one file ---------------------------------------------------------------


def _same_path_spellings(tmp_path):
    (tmp_path / "sub").mkdir()
    target = tmp_path / "x.html"
    link = tmp_path / "link.html"
    link.symlink_to(target)
    return [
        (str(target), str(target)),
        (str(target), str(tmp_path / "." / "x.html")),
        (str(target), str(tmp_path / "sub" / ".." / "x.html")),
        (str(target), str(link)),
    ]


def test_render_refuses_one_file_for_page_and_png(tmp_path, one_line_error):
    for html, png in _same_path_spellings(tmp_path):
        r = run("render", *POINT, "-o", html, "--png", png)
        line = one_line_error(r)
        assert "name the same file" in line and "-o" in line and "--png" in line
    assert not (tmp_path / "x.html").exists()
    r = run("render", *POINT, "-o", "-", "--png", "-")
    assert "name the same file" in one_line_error(r)


def test_vessels_refuses_one_file_for_report_and_rejects(ais, tmp_path, one_line_error):
    path, bay = ais
    out = tmp_path / "v.csv"
    out.write_text("old")
    os.link(out, tmp_path / "hard.csv")
    for rejects in (out, tmp_path / "." / "v.csv", tmp_path / "hard.csv"):
        r = run("vessels", str(path), "--area", str(bay), "-o", str(out), "--rejects", str(rejects))
        assert "name the same file" in one_line_error(r)
    assert out.read_text() == "old"
    r = run("vessels", str(path), "--area", str(bay), "--rejects", "-")  # the report goes to stdout too
    assert "name the same file" in one_line_error(r)


def test_check_distinct_allows_devices_and_unused_outputs(tmp_path):
    check_distinct({"-o": os.devnull, "--rejects": os.devnull, "--png": None})
    check_distinct({"-o": str(tmp_path / "a"), "--png": str(tmp_path / "b")})
    with pytest.raises(OutputError):
        check_distinct({"-o": "-", "--rejects": "-"})


# ---- signals during a write ----------------------------------------------------------------


def _wait_for_part(folder: Path, proc, timeout: float = 60.0) -> list[Path]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        parts = [p for p in folder.iterdir() if p.name.endswith(".part.jsonl")]
        if parts:
            return parts
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("no .part file appeared")


@pytest.mark.parametrize("sig, codes", [(signal.SIGTERM, (128 + signal.SIGTERM,)), (signal.SIGINT, (1, 130))])
def test_signal_during_a_write_removes_the_part_file(tmp_path, sig, codes):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    proc = subprocess.Popen(
        CLI + ["places", "--jsonl", "-", "-o", str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        proc.stdin.write((json.dumps({"id": 1, "text": "Ships left Dandong."}) + "\n").encode())
        proc.stdin.flush()
        _wait_for_part(tmp_path, proc)
        time.sleep(0.3)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode in codes, err
    assert b"Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    assert out.read_text() == "old\n"


# ---- unwritable places, full disks ---------------------------------------------------------


@pytest.mark.parametrize("target", ["/proc/geomap-out.csv", "/sys/geomap-out.csv", "/proc/self/status", "/dev/full"])
def test_unwritable_output_is_one_line(target, one_line_error):
    if not os.path.exists(os.path.dirname(target)):
        pytest.skip(f"no {os.path.dirname(target)} here")
    r = run("zone", "26.68,119.72", "--format", "csv", "-o", target, "--force")
    line = one_line_error(r)
    assert target in line
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the device is written, never replaced


def test_full_disk_keeps_the_old_file(tmp_path):
    """RLIMIT_FSIZE makes writes past 2 kB fail as on a full disk (EFBIG instead of ENOSPC)."""
    out = tmp_path / "zones.csv"
    out.write_text("old")
    coords = [f"{26 + i / 100:.2f},119.72" for i in range(200)]

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    r = subprocess.run(
        CLI + ["zone", *coords, "--format", "csv", "-o", str(out), "--force"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=120,
        check=False,
    )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "zones.csv" in r.stderr and "kept" in r.stderr
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones.csv"]


def test_atomic_write_to_dev_full_raises_output_error():
    with pytest.raises(OutputError, match="/dev/full"), atomic_write("/dev/full") as fh:
        fh.write("x" * 100_000)


# ---- JSON is strict JSON --------------------------------------------------------------------


def test_zone_json_outputs_have_no_nan(tmp_path):
    src = tmp_path / "pts.geojson"
    src.write_text(
        '{"type": "FeatureCollection", "features": ['
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": [119.72, 26.68]},'
        ' "properties": {"v": NaN, "w": Infinity, "u": -Infinity}}]}'
    )
    for fmt in ("json", "geojson"):
        r = run("zone", "--points", str(src), "--format", fmt)
        assert r.exit_code == 0, r.output
        doc = strict_json(r.stdout)
        props = doc[0] if fmt == "json" else doc["features"][0]["properties"]
        assert props["v"] is None and props["w"] is None and props["u"] is None


def test_places_jsonl_and_json_have_no_nan(tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": NaN, "text": "Ships left Dandong."}\n{"id": Infinity, "text": "Nampo port"}\n')
    batch.write_text(batch.read_text() + '{"id": 3, "text": "Trains left Dandong."}\n')
    r = run("places", "--jsonl", str(batch))
    assert r.exit_code == 0, r.output
    # NaN and Infinity are not JSON: those lines are skipped and counted, the others answered in strict JSON
    assert [strict_json(line)["id"] for line in r.stdout.splitlines()] == [3]
    assert "2 bad line(s) skipped" in r.stderr
    art = tmp_path / "a.txt"
    art.write_text("Ships left Dandong for Nampo.\n")
    for fmt in ("json", "geojson"):
        r = run("places", str(art), "--format", fmt)
        assert r.exit_code == 0, r.output
        strict_json(r.stdout)


def test_vessels_json_outputs_have_no_nan(ais):
    path, bay = ais
    for fmt in ("json", "geojson"):
        r = run("vessels", str(path), "--area", str(bay), "--events", "--format", fmt)
        assert r.exit_code == 0, r.output
        strict_json(r.stdout)


def test_json_dumps_writes_null_for_non_finite_numbers():
    import numpy as np

    from geomap.jsontext import dumps

    doc = {"a": float("nan"), "b": [np.float64("inf"), -np.inf, 1.5, np.int64(3)], "c": (np.float32("nan"),)}
    assert strict_json(dumps(doc)) == {"a": None, "b": [None, None, 1.5, 3], "c": [None]}


def test_symlinked_output_keeps_the_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    r = run("zone", "26.68,119.72", "--format", "csv", "-o", str(link), "--force")
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and real.read_text().startswith("lat,lon")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


def test_dev_stdout_redirected_to_a_file_is_written_in_place(tmp_path):
    out = tmp_path / "out.csv"
    was_link = os.path.islink("/dev/stdout")
    with open(out, "w") as fh:
        r = subprocess.run(
            CLI + ["zone", "26.68,119.72", "--format", "csv", "-o", "/dev/stdout", "--force"],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert r.returncode == 0, r.stderr
    assert out.read_text().startswith("lat,lon,country")
    assert os.path.islink("/dev/stdout") == was_link  # the name is never replaced by a file
    assert not [p for p in os.listdir("/dev") if p.startswith(".stdout.")]
