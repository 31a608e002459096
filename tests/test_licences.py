"""Every file installed from data/ has a declared licence, and the package metadata says all of them."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from packaging.licenses import canonicalize_license_expression

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SETUP = configparser.ConfigParser()
SETUP.read(ROOT / "setup.cfg", encoding="utf-8")


def installed_data_files() -> list[Path]:
    """The files that installing geomap copies from data/: its package data and its modules."""
    patterns = [p.strip() for p in SETUP["options.package_data"]["geomap.data"].split(",")] + ["*.py"]
    return sorted({f for pattern in patterns for f in DATA.glob(pattern) if f.is_file()})


def declared() -> dict[str, list[str]]:
    """``{file: [licence expression, ...]}`` from the table of data/LICENSES.md."""
    out: dict[str, list[str]] = {}
    for line in (DATA / "LICENSES.md").read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"\| `([^`]+)` \| `([^`]+)` \|.*\|", line)
        if m:
            out.setdefault(m[1], []).append(m[2])
    return out


def identifiers(expression: str) -> set[str]:
    return set(re.split(r"\s+(?:AND|OR|WITH)\s+|[()\s]+", expression)) - {""}


PACKAGE_EXPRESSION = " ".join(SETUP["metadata"]["license_expression"].split())


def test_installed_data_files_are_found():
    names = {p.name for p in installed_data_files()}
    assert {"zones.npz", "gazetteer.npz", "tagger.json", "places_extra.csv", "SOURCES.md", "build.py"} <= names


@pytest.mark.parametrize("path", installed_data_files(), ids=lambda p: p.name)
def test_installed_file_has_one_valid_licence(path):
    found = declared().get(path.name, [])
    assert len(found) == 1, f"{path.name}: {len(found)} rows in data/LICENSES.md"
    assert canonicalize_license_expression(found[0]) == found[0]


def test_no_licence_row_for_a_file_that_is_not_shipped():
    assert set(declared()) <= {p.name for p in installed_data_files()}


def test_package_expression_is_valid_spdx_and_names_every_file_licence():
    assert canonicalize_license_expression(PACKAGE_EXPRESSION) == PACKAGE_EXPRESSION
    used = {i for exprs in declared().values() for e in exprs for i in identifiers(e)} | {"MIT"}
    assert identifiers(PACKAGE_EXPRESSION) == used
    assert "license" not in SETUP["metadata"], "the old free-text field would contradict the expression"


@pytest.mark.parametrize("doc", ["NOTICE", "data/LICENSES.md"])
def test_notices_state_the_package_expression(doc):
    text = " ".join((ROOT / doc).read_text(encoding="utf-8").replace("`", " ").split())
    assert PACKAGE_EXPRESSION in text


def test_copyleft_licence_texts_are_included():
    listed = {f for pattern in SETUP["metadata"]["license_files"].split() for f in ROOT.glob(pattern)}
    for spdx, first_line in (
        ("GPL-3.0-only", "GNU GENERAL PUBLIC LICENSE"),
        ("LGPL-2.1-only", "GNU LESSER GENERAL PUBLIC LICENSE"),
    ):
        text = ROOT / "LICENSES" / f"{spdx}.txt"
        assert text in listed
        assert text.read_text(encoding="utf-8").split("\n", 1)[0].strip() == first_line
