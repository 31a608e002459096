"""Shared fixtures: tiny named inputs every test file can use, and the browser marker.

Tests that drive a real headless Chromium carry ``@pytest.mark.browser``. They need
Debian's ``chromium`` package; when it is missing they fail with a message saying how
to install it (deselect them explicitly with ``-m "not browser"``), never skip silently.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

#: a square "bay" off Sansha Bay, Fujian: lon 119.5 .. 119.7, lat 26.5 .. 26.7 (closed ring)
BAY_RING = [[119.5, 26.5], [119.7, 26.5], [119.7, 26.7], [119.5, 26.7], [119.5, 26.5]]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real headless Chromium (Debian package chromium)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is None:
        return
    from geomap.errors import BrowserError
    from geomap.render.chromium import find_chromium

    try:
        find_chromium()
    except BrowserError as exc:
        pytest.fail(f"{exc}; or deselect the browser tests with -m 'not browser'", pytrace=False)


@pytest.fixture(scope="session")
def cli():
    """The ``geomap`` click command."""
    from geomap.console.cli import main

    return main


@pytest.fixture
def bay_ring() -> list[list[float]]:
    """The :data:`BAY_RING` polygon ring, as GeoJSON coordinates."""
    return [list(p) for p in BAY_RING]


@pytest.fixture
def bay_file(tmp_path: Path, bay_ring) -> Path:
    """A GeoJSON file holding the bay as one polygon feature, named ``bay.geojson``."""
    f = tmp_path / "bay.geojson"
    feature = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [bay_ring]}}
    f.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return f


def _one_line_error(result) -> str:
    """The message of a click result that failed as a user error: exit 2, one line, no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def one_line_error():
    """Check a failed CLI run (exit code 2, one line on stderr, no traceback) and return its line."""
    return _one_line_error
