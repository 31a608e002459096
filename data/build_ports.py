#!/usr/bin/env python3
"""Build ``ports.csv``: the world's sea ports with UN/LOCODE codes and coordinates.

Source: the PyPI package ``searoute`` (``searoute/data/ports.geojson``, about 4,000 ports,
each with a UN/LOCODE code, a name, its country and a point). One row per port, sorted by
code: ``locode,name,country,lat,lon`` where ``country`` is the ISO 3166-1 alpha-2 code (the
first two letters of the UN/LOCODE). The gazetteer build (``data/build_gazetteer.py``) adds
these ports as places; :func:`geomap.vessels.ports.load_ports` reads the file for port calls.

Usage::

    python data/build_ports.py            # downloads the sdist into a temporary folder
    python data/build_ports.py --cache /tmp/portcache

The output is deterministic for a fixed package version.
"""

from __future__ import annotations

import csv
import json
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from packages import pip_download, run_build

PACKAGE, VERSION = "searoute", "1.6.0"
MEMBER = f"searoute-{VERSION}/searoute/data/ports.geojson"
COLUMNS = ("locode", "name", "country", "lat", "lon")


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
        rows.setdefault(
            code,
            {
                "locode": code,
                "name": name,
                "country": code[:2],
                "lat": round(float(lat), 5),
                "lon": round(float(lon), 5),
            },
        )
    return [rows[k] for k in sorted(rows)]


def build(cache: Path, out: Path) -> None:
    """Write ``out`` from the searoute source archive in ``cache``."""
    with tarfile.open(pip_download(cache, PACKAGE, VERSION, pattern=f"searoute-{VERSION}.tar.gz", sdist=True)) as t:
        geojson = json.load(t.extractfile(MEMBER))
    rows = port_rows(geojson)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{out}: {len(rows)} ports")


if __name__ == "__main__":
    run_build(__doc__, build, HERE / "ports.csv")
