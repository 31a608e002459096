"""The place gazetteer: shipped index of names → places, plus user entries.

The shipped index (``gazetteer.npz``, built by ``data/build_gazetteer.py``) holds one
row per place (GeoNames id, name, lat, lon, kind, country, admin1, admin2, population)
and a sorted array of 64-bit name-key hashes pointing at rows. Loading maps a few
numpy arrays; nothing is parsed from text. A user CSV (``name,lat,lon`` and optional
``type,country,aliases``) adds entries, and a user name hides shipped places of the
same name.
"""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from geomap.errors import DataError, InputError
from geomap.files import MAX_TABLE_BYTES, read_bounded
from geomap.text.names import key_hash, name_key

__all__ = ["Place", "Gazetteer", "load_gazetteer", "KINDS"]

KINDS = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "capital",
    "city",
    "ocean",
    "sea",
    "gulf",
    "bay",
    "strait",
    "river",
    "lake",
    "island",
    "peninsula",
    "region",
    "mountain",
    "port",
    "canal",
    "locality",
    "bridge",
    "feature",
    "street",
)
WATER_KINDS = frozenset({"ocean", "sea", "gulf", "bay", "strait", "river", "lake", "canal", "port"})

# flags of a name → place link
ALIAS, PRIMARY, DEMONYM = 0, 1, 2


@dataclass(frozen=True)
class Place:
    """One gazetteer entry.

    Attributes
    ----------
    id : int
        GeoNames id when known; negative for entries from other sources.
    name, kind, country, admin1, admin2 : str
        Display name, feature kind (see ``KINDS``), ISO 3166-1 alpha-2 country code, region names.
    lat, lon : float
        WGS84 degrees.
    population : int
        0 when unknown.
    source : str
        ``"shipped"`` or the user gazetteer's path.
    country_alpha3 : str
        ISO 3166-1 alpha-3 code of ``country`` ("" when unknown), as the zone tools use.
    """

    id: int
    name: str
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str
    admin2: str
    population: int
    source: str = "shipped"
    country_alpha3: str = ""


class Gazetteer:
    """Name index over shipped (and optional user) places.

    Use :func:`load_gazetteer` to get one; rows are addressed by integer index.
    """

    def __init__(
        self, arrays: dict[str, np.ndarray], *, user: list[Place] | None = None, user_source: str = ""
    ) -> None:
        self._a = arrays
        self.n_shipped = int(arrays["gid"].shape[0])
        self._strings = bytes(arrays["strings"]).decode("utf-8").split("\n")
        self._names: list[str] | None = None
        self.user = list(user or [])
        self.user_source = user_source
        self._user_keys: dict[int, list[tuple[int, int]]] = {}
        self.lat = arrays["lat"]
        self.lon = arrays["lon"]
        self.pop = arrays["pop"]
        self.kind = arrays["kind"]
        self.cc = arrays["cc"]
        self._kh = arrays["key_hash"]
        self._kr = arrays["key_row"]
        self._kf = arrays["key_flag"]
        self._alpha3 = {a2: a3 for a2, a3 in zip(self._strings, arrays["alpha3"].tolist()) if a3}

    def alpha3(self, country: str) -> str:
        """Return the ISO 3166-1 alpha-3 code of alpha-2 code ``country`` ("" when unknown)."""
        return self._alpha3.get(country, "")

    # ---- user entries -------------------------------------------------------------
    def add_user(self, places: list[Place], names: list[list[str]], *, source: str) -> Gazetteer:
        """Return a copy with ``places`` added; their names hide shipped ones."""
        places = [replace(p, country_alpha3=self.alpha3(p.country)) for p in places]
        g = Gazetteer(self._a, user=self.user + places, user_source=source)
        g._user_keys = {k: list(v) for k, v in self._user_keys.items()}
        base = self.n_shipped + len(self.user)
        for j, (_p, ns) in enumerate(zip(places, names)):
            for k, nm in enumerate(ns):
                key = name_key(nm)
                if key:
                    g._user_keys.setdefault(key_hash(key), []).append((base + j, PRIMARY if k == 0 else ALIAS))
        return g

    # ---- lookups -----------------------------------------------------------------
    def lookup_hashes(self, hashes: list[int]) -> list[list[tuple[int, int]]]:
        """Return ``[(row, flag), ...]`` for each name-key hash (empty list if unknown)."""
        if not hashes:
            return []
        h = np.array(hashes, dtype=np.uint64)
        lo = np.searchsorted(self._kh, h, side="left")
        hi = np.searchsorted(self._kh, h, side="right")
        out: list[list[tuple[int, int]]] = []
        uk = self._user_keys
        for k, (a, b) in enumerate(zip(lo.tolist(), hi.tolist())):
            if uk and hashes[k] in uk:
                out.append(uk[hashes[k]])
            elif a == b:
                out.append([])
            else:
                out.append(list(zip(self._kr[a:b].tolist(), self._kf[a:b].tolist())))
        return out

    def lookup(self, name: str) -> list[Place]:
        """Return every place called ``name`` (by key), most populous first."""
        rows = self.lookup_hashes([key_hash(name_key(name))])[0]
        places = [self.place(r) for r, _ in rows]
        return sorted(places, key=lambda p: (-p.population, p.id))

    def place(self, row: int) -> Place:
        """Return the :class:`Place` at ``row``."""
        if row >= self.n_shipped:
            return self.user[row - self.n_shipped]
        if self._names is None:
            self._names = bytes(self._a["names"]).decode("utf-8").split("\n")
        s = self._strings
        a = self._a
        return Place(
            id=int(a["gid"][row]),
            name=self._names[row],
            lat=round(float(self.lat[row]), 5),
            lon=round(float(self.lon[row]), 5),
            kind=KINDS[int(self.kind[row])],
            country=s[int(self.cc[row])],
            admin1=s[int(a["admin1"][row])],
            admin2=s[int(a["admin2"][row])],
            population=int(self.pop[row]),
            country_alpha3=self.alpha3(s[int(self.cc[row])]),
        )

    def features(self, row: int) -> tuple[float, float, int, str, str, str, str]:
        """Return ``(lat, lon, population, kind, country, admin1, admin2)`` of ``row`` (fast path)."""
        if row >= self.n_shipped:
            p = self.user[row - self.n_shipped]
            return p.lat, p.lon, p.population, p.kind, p.country, p.admin1, p.admin2
        s = self._strings
        return (
            float(self.lat[row]),
            float(self.lon[row]),
            int(self.pop[row]),
            KINDS[int(self.kind[row])],
            s[int(self.cc[row])],
            s[int(self._a["admin1"][row])],
            s[int(self._a["admin2"][row])],
        )


@lru_cache(maxsize=1)
def _shipped() -> Gazetteer:
    from geomap.datafiles import data_path

    path = data_path("gazetteer.npz")
    try:
        with np.load(path) as z:
            arrays = {k: z[k] for k in z.files}
        return Gazetteer(arrays)
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError) as exc:  # damaged or outdated file
        raise DataError(f"{path}: cannot read the gazetteer ({exc}); rebuild it with data/build_gazetteer.py") from None


@lru_cache(maxsize=8)
def _with_user(path: str, mtime: float) -> Gazetteer:
    places, names = read_user_gazetteer(path)
    return _shipped().add_user(places, names, source=path)


def load_gazetteer(*, user: str | os.PathLike | None = None) -> Gazetteer:
    """Return the shipped gazetteer, optionally extended by a user CSV.

    Parameters
    ----------
    user : str or PathLike, optional
        CSV with columns ``name, lat, lon`` and optional ``type, country, aliases``
        (aliases separated by ``|`` or ``;``). Its entries win over shipped ones.

    Raises
    ------
    InputError
        If the user CSV is missing, not UTF-8 or has a bad row.
    """
    if user is None:
        return _shipped()
    p = str(user)
    if not os.path.isfile(p):
        raise InputError(f"{p}: gazetteer file not found; give a CSV with columns name,lat,lon")
    return _with_user(p, os.path.getmtime(p))


def read_user_gazetteer(path: str | os.PathLike) -> tuple[list[Place], list[list[str]]]:
    """Read and validate a user gazetteer CSV.

    Returns
    -------
    places : list of Place
    names : list of list of str
        For each place, its name then its aliases.

    Raises
    ------
    InputError
        Naming the file and line of the first problem.
    """
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = read_bounded(
                fh, limit=MAX_TABLE_BYTES, where=str(p), hint="split the gazetteer or keep only the places you need"
            )
        if b"\x00" in data:
            raise InputError(f"{p}: binary file, not a CSV; give a CSV with columns name,lat,lon")
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: not UTF-8 text (byte {exc.start}); save the gazetteer as UTF-8 CSV") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read the gazetteer ({exc.strerror})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputError(f"{p}:1: the header is not CSV ({exc}); the header needs name,lat,lon") from None
    fields = [f.strip().lower() for f in header]
    missing = [f for f in ("name", "lat", "lon") if f not in fields]
    if missing:
        raise InputError(
            f"{p}:1: missing column(s) {', '.join(missing)}; the header needs name,lat,lon "
            "(optional type,country,aliases)"
        )
    twice = next((f for k, f in enumerate(fields) if f and f in fields[:k]), None)
    if twice is not None:
        raise InputError(f"{p}:1: column {twice!r} appears twice in the header; name each column once")
    places: list[Place] = []
    names: list[list[str]] = []
    for k, row in enumerate(_rows(reader, p)):
        line = reader.line_num
        if len(row) != len(fields):
            raise InputError(
                f"{p}:{line}: {len(row)} field(s) where the header has {len(fields)}; quote names that contain commas"
            )
        row = dict(zip(fields, row))
        name = row["name"].strip()
        if not name:
            raise InputError(f"{p}:{line}: empty name; every row needs name,lat,lon")
        lat, lon = _degrees(row["lat"]), _degrees(row["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses NaN
            raise InputError(
                f"{p}:{line}: lat/lon of {_short(name)} are {_short(row['lat'])}, {_short(row['lon'])}; "
                "give decimal degrees, lat within -90..90 and lon within -180..180"
            )
        kind = (row.get("type") or "").strip().lower() or "feature"
        if kind not in KINDS:
            kind = "feature"
        aliases = [a.strip() for a in (row.get("aliases") or "").replace(";", "|").split("|") if a.strip()]
        places.append(
            Place(
                id=-10_000_000 - k,
                name=name,
                lat=lat,
                lon=lon,
                kind=kind,
                country=(row.get("country") or "").strip().upper(),
                admin1="",
                admin2="",
                population=0,
                source=str(p),
            )
        )
        names.append([name, *aliases])
    return places, names


def _rows(reader, p: Path):
    """Non-blank rows of ``reader``; a CSV fault (an overlong field) is an error naming the line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{p}:{reader.line_num}: not a readable CSV row ({exc}); check the quoting") from None
        if any(v.strip() for v in row):
            yield row


def _degrees(text: str) -> float:
    """Decimal degrees from a CSV field; NaN when the field is not a number."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
