"""Build the vessel reference tables: ports (UN/LOCODE) and MMSI flag states (ITU MID).

Writes, into this folder:

- ``ports.csv``: locode,name,country,lon,lat — country is the locode's ISO
  3166-1 alpha-2 prefix — the ports of the PyPI package
  ``searoute`` (``searoute/data/ports.geojson``: UN/LOCODE-coded ports with
  coordinates, Apache-2.0), sorted by locode;
- ``mid.csv``: mid,iso2,country — the Maritime Identification Digits of the
  ITU's table (ITU-R M.585, as shipped by the PyPI package ``pyais`` in
  ``pyais.constants.COUNTRY_MAPPING``, MIT), sorted by MID.

The files are rebuilt from the packages installed in the running Python
(``pip install searoute==1.6.0 pyais==3.3.1``) and the sha256 rows of
``SOURCES.md`` are updated.

Usage::

    python data/build_vessel_data.py
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import io
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def mid_rows() -> list[tuple[int, str, str]]:
    """(mid, iso2, country) of the ITU MID table as pyais ships it, sorted."""
    from pyais.constants import COUNTRY_MAPPING

    return sorted((int(mid), iso2, name) for mid, (iso2, name) in COUNTRY_MAPPING.items())


def write(name: str, header: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    (HERE / name).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def update_sources(hashes: dict[str, str]) -> None:
    """Replace the sha256 of each file's row in SOURCES.md."""
    path = HERE / "SOURCES.md"
    text = path.read_text(encoding="utf-8")
    for name, digest in hashes.items():
        text = re.sub(rf"(\| `{re.escape(name)}` \|[^\n]*?\| )[0-9a-f]{{64}}( \|)", rf"\g<1>{digest}\g<2>", text)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    hashes = {"mid.csv": write("mid.csv", ["mid", "iso2", "country"], mid_rows())}
    update_sources(hashes)
    for name, digest in hashes.items():
        print(f"{name}: {digest}")
    print("pyais", importlib.metadata.version("pyais"))


if __name__ == "__main__":
    main()
