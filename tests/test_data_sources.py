"""Every shipped data file is listed in data/SOURCES.md with its current sha256."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SHIPPED = sorted(p for p in DATA.iterdir() if p.is_file() and p.suffix in (".npz", ".json", ".csv", ".parquet"))


def test_there_is_data_and_it_fits_the_budget():
    assert {"zones.npz", "outer.npz", "gazetteer.npz", "land.npz"} <= {p.name for p in SHIPPED}
    assert sum(p.stat().st_size for p in SHIPPED) <= 60 * 1024 * 1024


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_file_is_listed_with_its_checksum(path):
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    assert f"`{path.name}`" in sources
    assert hashlib.sha256(path.read_bytes()).hexdigest() in sources
