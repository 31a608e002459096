"""Spatial facts under test: published claims checked against the zone engine.

A fact is a point (coordinates or a place name), the country and zone a story says
it is in (a set is allowed, for places a story may fairly put in more than one),
and optionally a distance claim such as ``within 12 nm of the coast``. Checking a
fact classifies the point and compares; the verdict carries the actual answer and
the legal basis of the zone, so a failing claim shows what the data says instead.

A facts file is CSV with a header row. Columns (any case):

``point``
    ``LAT,LON`` in degrees, or a place name looked up in the gazetteer (the most
    populous entry of that name). ``place`` (a name) or ``lat`` and ``lon`` may be
    given instead.
``country``
    Expected ISO 3166-1 alpha-3 code, or several separated by ``|``; ``none`` for
    no country; empty for any.
``zone``
    Expected zone (see :data:`geomap.zones.ZONES`), or several separated by ``|``;
    empty for any.
``distance`` (optional)
    ``within N nm of the coast``, ``beyond N km of the border``; units ``nm``, ``km``
    or ``mi``; ``coast`` or ``border``.
``claim`` (optional)
    The claim's words, shown in the report.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
import sys
from pathlib import Path

from geomap.errors import InputError
from geomap.units import NM_KM

__all__ = [
    "DistanceClaim",
    "Fact",
    "Verdict",
    "parse_distance",
    "locate",
    "read_facts",
    "check_facts",
    "check_fact",
    "format_verdicts",
]

_UNIT_KM = {"nm": NM_KM, "km": 1.0, "mi": 1.609344}
_UNIT_NAMES = {
    "nm": "nm",
    "nmi": "nm",
    "nautical mile": "nm",
    "nautical miles": "nm",
    "km": "km",
    "kilometre": "km",
    "kilometres": "km",
    "kilometer": "km",
    "kilometers": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
}
_WITHIN = ("within", "less than", "under", "inside", "at most", "no more than")
_BEYOND = ("beyond", "more than", "over", "outside", "at least", "farther than", "further than")
_DISTANCE_RE = re.compile(
    r"^\s*(?P<op>" + "|".join(re.escape(w) for w in _WITHIN + _BEYOND) + r")\s+"
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join(sorted((re.escape(u) for u in _UNIT_NAMES), key=len, reverse=True))
    + r")\s+"
    r"(?:of|from)\s+(?:the\s+|a\s+|its\s+)?(?P<what>coast(?:line)?|shore|(?:land\s+)?border)\s*$",
    re.IGNORECASE,
)
_POINT_RE = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*[, ]\s*([-+]?\d+(?:\.\d+)?)\s*$")


@dataclasses.dataclass(frozen=True)
class DistanceClaim:
    """``within``/``beyond`` a distance of the coast or a land border."""

    within: bool
    km: float
    to: str  # "coast" or "border"
    text: str

    def holds(self, km: float) -> bool:
        """Whether a measured distance (km) bears the claim out."""
        return km <= self.km if self.within else km > self.km


@dataclasses.dataclass(frozen=True)
class Fact:
    """One claim: where, what is expected, and the words of the claim."""

    row: int
    lat: float
    lon: float
    place: str = ""
    countries: frozenset[str] | None = None
    zones: frozenset[str] | None = None
    distance: DistanceClaim | None = None
    claim: str = ""


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The result of checking a :class:`Fact`."""

    fact: Fact
    passed: bool
    country: str
    zone: str
    basis: str
    distance_km: float | None
    reason: str


def parse_distance(text: str) -> DistanceClaim:
    """Parse ``within 12 nm of the coast`` and the like.

    Raises
    ------
    InputError
        If the text is not a distance claim.
    """
    m = _DISTANCE_RE.match(text or "")
    if not m:
        raise InputError(
            f"distance claim {text!r} not understood; write e.g. 'within 12 nm of the coast' or 'beyond 24 km of the border'"
        )
    unit = _UNIT_NAMES[m["unit"].lower()]
    to = "border" if "border" in m["what"].lower() else "coast"
    return DistanceClaim(
        within=m["op"].lower() in _WITHIN, km=float(m["value"]) * _UNIT_KM[unit], to=to, text=text.strip()
    )


def read_facts(path: str) -> tuple[list[Fact], list[str]]:
    """Read a facts CSV; return the facts and one message per bad row.

    Raises
    ------
    InputError
        If the file is missing, unreadable or has no usable header.
    """
    p = Path(path)
    try:
        raw = p.read_bytes() if path != "-" else sys.stdin.buffer.read()
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such file; give a CSV of facts (columns point, country, zone[, distance, claim])"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 CSV ({exc})") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    where: list[str] = [k for k in ("point", "place") if k in fields] or (
        ["lat"] if {"lat", "lon"} <= set(fields) else []
    )
    if not where:
        raise InputError(f"{path}: no point, place or lat/lon column; the header has {sorted(fields)!r}")
    facts, bad = [], []
    for n, rec in enumerate(reader, start=2):
        row = {k: (rec.get(orig) or "").strip() for k, orig in fields.items()}
        try:
            facts.append(_fact(n, row))
        except InputError as exc:
            bad.append(f"{path}: row {n}: {exc}")
    return facts, bad


def _fact(n: int, row: dict[str, str]) -> Fact:
    from geomap.zones.grid import ZONES

    text = row.get("point") or row.get("place") or ""
    if not text and row.get("lat") and row.get("lon"):
        text = f"{row['lat']},{row['lon']}"
    lat, lon, place = locate(text)
    countries = _set(row.get("country", ""), upper=True)
    if countries:
        for c in countries:
            if c and not (len(c) == 3 and c.isalpha()):
                raise InputError(f"country {c!r} is not a three-letter ISO code such as CHN (or 'none')")
    zones = _set(row.get("zone", ""), upper=False)
    for z in zones or ():
        if z not in ZONES:
            raise InputError(f"unknown zone {z!r}; valid zones: {', '.join(ZONES)}")
    distance = parse_distance(row["distance"]) if row.get("distance") else None
    return Fact(
        row=n,
        lat=lat,
        lon=lon,
        place=place,
        countries=countries,
        zones=zones,
        distance=distance,
        claim=row.get("claim", ""),
    )


def locate(text: str) -> tuple[float, float, str]:
    """Latitude, longitude and the place found for ``LAT,LON`` or a place name.

    Raises
    ------
    InputError
        If the text is neither valid coordinates nor a gazetteer name.
    """
    from geomap.zones.grid import check_coordinates

    m = _POINT_RE.match(text)
    if m:
        x, y = check_coordinates([float(m[2])], [float(m[1])], source=f"point {text!r}")
        return float(y[0]), float(x[0]), ""
    if not text:
        raise InputError("no point: give LAT,LON or a place name")
    if re.match(r"^[-+\d., ]+$", text):
        raise InputError(f"point {text!r} is not LAT,LON (two numbers) nor a place name")
    from geomap.text.gazetteer import load_gazetteer

    found = load_gazetteer().lookup(text)
    if not found:
        raise InputError(f"place {text!r} is not in the gazetteer; give its coordinates as LAT,LON")
    return found[0].lat, found[0].lon, f"{found[0].name} ({found[0].country or '?'})"


def _set(text: str, *, upper: bool) -> frozenset[str] | None:
    parts = [p.strip() for p in re.split(r"\s*(?:\||;|/|\bor\b)\s*", text) if p.strip()]
    if not parts:
        return None
    norm = {("" if p.lower() in ("none", "-") else p.upper()) if upper else p.lower() for p in parts}
    return frozenset(norm)


def check_facts(facts: list[Fact]) -> list[Verdict]:
    """Check facts against the zone engine (one vectorised classification)."""
    import numpy as np

    from geomap.zones.grid import classify

    if not facts:
        return []
    lon = np.array([f.lon for f in facts])
    lat = np.array([f.lat for f in facts])
    need = any(f.distance is not None for f in facts)
    frame = classify(lon, lat, distances=need, basis=True)
    out = []
    for i, f in enumerate(facts):
        c, z, basis = str(frame["country"].iat[i]), str(frame["zone"].iat[i]), str(frame["basis"].iat[i])
        km = None
        if f.distance is not None:
            km = float(frame[f"{f.distance.to}_km"].iat[i])
        out.append(_verdict(f, c, z, basis, km))
    return out


def check_fact(fact: Fact) -> Verdict:
    """Check one fact."""
    return check_facts([fact])[0]


def _verdict(f: Fact, country: str, zone: str, basis: str, km: float | None) -> Verdict:
    why = []
    if f.countries is not None and country not in f.countries:
        why.append(f"country is {country or 'none'}, not {' or '.join(sorted(c or 'none' for c in f.countries))}")
    if f.zones is not None and zone not in f.zones:
        why.append(f"zone is {zone}, not {' or '.join(sorted(f.zones))}")
    if f.distance is not None:
        if km is None or not math.isfinite(km):
            why.append(f"no {f.distance.to} to measure from")
        elif not f.distance.holds(km):
            why.append(f"{km / NM_KM:.1f} nm ({km:.1f} km) from the {f.distance.to}, not {f.distance.text}")
    return Verdict(
        fact=f, passed=not why, country=country, zone=zone, basis=basis, distance_km=km, reason="; ".join(why)
    )


def format_verdicts(verdicts: list[Verdict], bad_rows: list[str]) -> str:
    """A table of verdicts, then the bad rows, then a one-line summary."""
    from geomap.tables import format_rows

    rows = []
    for v in verdicts:
        f = v.fact
        expected = (
            " ".join(x for x in (_show(f.countries), _show(f.zones), f.distance.text if f.distance else "") if x)
            or "any"
        )
        got = f"{v.country or 'none'} {v.zone}" + (
            f", {v.distance_km / NM_KM:.1f} nm to {f.distance.to}" if f.distance and v.distance_km is not None else ""
        )
        rows.append(
            ("pass" if v.passed else "FAIL", f.row, f.claim or f.place, f.lat, f.lon, expected, got, v.basis, v.reason)
        )
    text = format_rows(["result", "row", "claim", "lat", "lon", "expected", "actual", "basis", "why"], rows, digits=4)
    lines = [text.rstrip("\n"), *bad_rows]
    failed = sum(not v.passed for v in verdicts)
    lines.append(
        f"{len(verdicts)} facts checked: {len(verdicts) - failed} pass, {failed} fail; {len(bad_rows)} bad rows"
    )
    return "\n".join(lines) + "\n"


def _show(values: frozenset[str] | None) -> str:
    return "|".join(sorted(v or "none" for v in values)) if values else ""
