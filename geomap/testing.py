"""Keep spatial claims under test: ``assert_zone`` for pytest.

Examples
--------
>>> from geomap.testing import assert_zone
>>> assert_zone((26.68, 119.72), country="CHN", zone="internal_waters")  # doctest: +SKIP
>>> assert_zone((38.7, 119.8), country="CHN", zone="internal_waters").basis  # doctest: +SKIP
'historic waters (Bohai; PRC Declaration on the Territorial Sea, 4 September 1958)'
>>> assert_zone("Sansha Bay", country="CHN", zone={"territorial_sea", "internal_waters"},
...             distance="within 12 nm of the coast")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable

from geomap.zones.facts import Fact, Verdict, check_fact, locate, parse_distance

__all__ = ["assert_zone"]


def assert_zone(
    point: tuple[float, float] | str,
    *,
    country: str | Iterable[str] | None = None,
    zone: str | Iterable[str] | None = None,
    distance: str | None = None,
) -> Verdict:
    """Assert that a point lies in the expected country and zone.

    Parameters
    ----------
    point : (lat, lon) or str
        Coordinates in degrees, or a place name looked up in the gazetteer.
    country : str or iterable of str, optional
        Expected ISO alpha-3 code(s); ``""`` for no country.
    zone : str or iterable of str, optional
        Expected zone(s), see :data:`geomap.zones.ZONES`.
    distance : str, optional
        A distance claim such as ``"within 12 nm of the coast"``.

    Returns
    -------
    Verdict
        The verdict (passed) with the actual answer and its basis.

    Raises
    ------
    AssertionError
        With the actual answer, its basis and why the claim fails.
    geomap.errors.InputError
        If the point, a zone or the distance claim cannot be understood.
    """
    lat, lon, place = locate(point if isinstance(point, str) else f"{float(point[0])},{float(point[1])}")
    fact = Fact(
        row=0,
        lat=lat,
        lon=lon,
        place=place,
        countries=_norm(country, upper=True),
        zones=_norm(zone, upper=False),
        distance=parse_distance(distance) if distance else None,
    )
    if fact.zones:
        from geomap.zones import ZONES

        unknown = sorted(fact.zones - set(ZONES))
        if unknown:
            from geomap.errors import InputError

            raise InputError(f"unknown zone {unknown[0]!r}; valid zones: {', '.join(ZONES)}")
    verdict = check_fact(fact)
    if not verdict.passed:
        where = f"{place} " if place else ""
        raise AssertionError(
            f"{where}({lat:.5f}, {lon:.5f}) is {verdict.country or 'no country'} {verdict.zone}: {verdict.reason} "
            f"[basis: {verdict.basis}]"
        )
    return verdict


def _norm(value: str | Iterable[str] | None, *, upper: bool) -> frozenset[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    return frozenset(v.strip().upper() if upper else v.strip().lower() for v in values)
