#!/usr/bin/env python3
"""Build ``ports.csv``: the world's sea ports with UN/LOCODE codes and coordinates.

Source: the PyPI package ``searoute`` (``searoute/data/ports.geojson``, about 4,000 ports,
each with a UN/LOCODE code, a name, its country and a point). One row per port, sorted by
code: ``locode,name,country,lat,lon`` where ``country`` is the ISO 3166-1 alpha-2 code (the
first two letters of the UN/LOCODE). The gazetteer build (``data/build_gazetteer.py``) adds
these ports as places; :func:`geomap.ports.load_ports` reads the file for the vessel tools.

Usage::

    python data/build_ports.py            # downloads the sdist into a temporary folder
    python data/build_ports.py --cache /tmp/portcache

The output is deterministic for a fixed package version.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE, VERSION = "searoute", "1.6.0"
MEMBER = f"searoute-{VERSION}/searoute/data/ports.geojson"
COLUMNS = ("locode", "name", "country", "lat", "lon")


def _sdist(cache: Path) -> Path:
    """Return the package source archive in ``cache``, downloading it with pip when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    hits = glob.glob(str(cache / f"searoute-{VERSION}.tar.gz"))
    if not hits:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
                        "-d", str(cache), f"{PACKAGE}=={VERSION}"], check=True)
        hits = glob.glob(str(cache / f"searoute-{VERSION}.tar.gz"))
    return Path(hits[0])


def port_rows(geojson: dict) -> list[dict]:
    """Return one row per port feature with a five-character UN/LOCODE, sorted by code."""
    rows = {}
    for f in geojson["features"]:
        p = f.get("properties") or {}
        code = str(p.get("port") or "").strip().upper()
        name = str(p.get("name") or "").strip()
        lon, lat = f["geometry"]["coordinates"][:2]
        if len(code) != 5 or not code[:2].isalpha() or not name or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        rows.setdefault(code, {"locode": code, "name": name, "country": code[:2], "lat": round(float(lat), 5),
                               "lon": round(float(lon), 5)})
    return [rows[k] for k in sorted(rows)]


def build(cache: Path, out: Path) -> None:
    """Write ``out`` from the searoute source archive in ``cache``."""
    with tarfile.open(_sdist(cache)) as t:
        geojson = json.load(t.extractfile(MEMBER))
    rows = port_rows(geojson)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{out}: {len(rows)} ports")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="folder for the downloaded package (default: temporary)")
    ap.add_argument("-o", "--output", type=Path, default=HERE / "ports.csv")
    args = ap.parse_args()
    if args.cache:
        build(args.cache, args.output)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), args.output)


if __name__ == "__main__":
    main()
