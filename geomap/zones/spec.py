"""The one parser of zone specifications: ``ZONE``, ``COUNTRY``, ``COUNTRY:ZONE``, ``COUNTRY:A+B``.

Used by ``geomap zone --zone-type`` (a filter, where either part may be left out) and by
``geomap vessels --zone`` (an area, which needs a country), and by their Python equivalents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geomap.errors import InputError
from geomap.zones.grid import ZONES, check_separated, countries

__all__ = ["ZoneSpec", "parse_zone"]


@dataclass(frozen=True)
class ZoneSpec:
    """A parsed zone specification.

    Attributes
    ----------
    country : str or None
        Upper-case ISO 3166-1 alpha-3 code; None when any country will do.
    zones : tuple of str
        Zone names from :data:`geomap.zones.ZONES`; empty when any zone will do.
    text : str
        The specification as given.
    """

    country: str | None
    zones: tuple[str, ...]
    text: str

    @property
    def name(self) -> str:
        """``COUNTRY:zone+zone`` (or the part given)."""
        zone = "+".join(self.zones)
        return f"{self.country}:{zone}" if self.country and zone else self.country or zone

    def matches(self, country: np.ndarray, zone: np.ndarray) -> np.ndarray:
        """Boolean mask of the answers ``(country, zone)`` that this specification selects."""
        keep = np.ones(len(zone), dtype=bool)
        if self.country is not None:
            keep &= np.asarray(country, dtype=object) == self.country
        if self.zones:
            keep &= np.isin(np.asarray(zone, dtype=object), np.array(self.zones, dtype=object))
        return keep


def parse_zone(spec: str, *, need_country: bool = False) -> ZoneSpec:
    """Parse ``ZONE``, ``COUNTRY``, ``COUNTRY:ZONE`` or ``COUNTRY:ZONE+ZONE`` (a union).

    Parameters
    ----------
    spec : str
        E.g. ``"eez"``, ``"CHN"``, ``"CHN:territorial_sea"``, ``"chn:contiguous_zone+eez"``.
    need_country : bool
        Refuse a specification without a country (an area must belong to one).

    Returns
    -------
    ZoneSpec

    Raises
    ------
    InputError
        If a zone is not one of :data:`geomap.zones.ZONES` (the message lists them), the
        country is not a three-letter code or has no zones in the data (the message lists
        the valid codes), the specification is empty, or it asks only for zones the data
        cannot answer yet.
    """
    text = (spec or "").strip()
    head, sep, tail = text.partition(":")
    if not sep:
        head, tail = ("", text) if text.split("+")[0].strip().lower() in ZONES else (text, "")
    country = head.strip().upper() or None
    zones = tuple(z.strip().lower() for z in tail.split("+") if z.strip())
    if country is None and not zones:
        raise InputError(f"zone {spec!r} is empty; give ZONE, COUNTRY:ZONE or COUNTRY, e.g. CHN:eez")
    if need_country and (country is None or not zones):
        raise InputError(
            f"zone {spec!r}: expected COUNTRY:zone, e.g. CHN:territorial_sea; zones are {', '.join(ZONES)}"
        )
    for z in zones:
        if z not in ZONES:
            raise InputError(f"zone {spec!r}: unknown zone {z!r}; valid zones are {', '.join(ZONES)}")
    if country is not None:
        if not (len(country) == 3 and country.isalpha()):
            raise InputError(
                f"zone {spec!r}: {country!r} is not a three-letter ISO country code such as CHN; "
                f"give ZONE, COUNTRY:ZONE or COUNTRY (zones: {', '.join(ZONES)})"
            )
        known = countries()
        if country not in known:
            raise InputError(
                f"zone {spec!r}: no zones for country code {country!r}; valid codes are {', '.join(known)}"
            )
    if zones:
        check_separated(zones, spec=f"zone {spec!r}")
    return ZoneSpec(country=country, zones=zones, text=text)
