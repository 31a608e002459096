#!/usr/bin/env bash
# Install geomap with its test dependencies (and Debian's Chromium and Tesseract for the
# browser tests), check the code with ruff (lint and format) and mypy, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! command -v tesseract >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium tesseract-ocr >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check ".[test]"
ruff check .
ruff format --check .
mypy
# `pytest` (not `python -m pytest`) so the tests import the installed package, not the source tree
pytest -p no:cacheprovider "$@"
