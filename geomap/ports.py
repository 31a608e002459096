"""The shipped list of sea ports (``ports.csv``, built by ``data/build_ports.py``).

Each port has its UN/LOCODE code, name, ISO 3166-1 alpha-2 country and a WGS84 point.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from typing import NamedTuple

from geomap.errors import DataError

__all__ = ["Port", "load_ports"]


class Port(NamedTuple):
    """One sea port."""

    locode: str
    name: str
    country: str
    lat: float
    lon: float


@lru_cache(maxsize=1)
def load_ports() -> tuple[Port, ...]:
    """Return every shipped port, sorted by UN/LOCODE.

    Raises
    ------
    DataError
        If ``ports.csv`` is missing or has a damaged row (the message names the line).
    """
    from geomap.datafiles import data_path

    path = data_path("ports.csv")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read the port list ({exc}); rebuild it with data/build_ports.py") from None
    ports = []
    for line, r in enumerate(rows, 2):
        try:
            ports.append(Port(r["locode"], r["name"], r["country"], float(r["lat"]), float(r["lon"])))
        except (KeyError, TypeError, ValueError):
            raise DataError(f"{path}:{line}: damaged port row; rebuild the file with data/build_ports.py") from None
    return tuple(ports)
