"""Zone answers as tables: the columns ``geomap zone`` adds to a point table, and its filter.

The command line reads points, calls :func:`zone_table` (or :func:`quick_table` for a few
points typed as arguments, without pandas) and writes the result; the work is here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from geomap.tables import format_rows
from geomap.zones.grid import APPROXIMATE_NOTE, classify, classify_arrays
from geomap.zones.spec import parse_zone

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["zone_table", "quick_table", "zone_labels", "APPROXIMATE_ZONES"]

#: zones whose answers are approximate (derived by geomap, see :data:`APPROXIMATE_NOTE`)
APPROXIMATE_ZONES = ("contiguous_zone", "eez")
#: prefix of the added columns when the input already has a column of one of their names
PREFIX = "geomap_"


def zone_table(
    frame: pd.DataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    distances: bool = False,
    zone_type: str | None = None,
    basis: bool = False,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, bool]:
    """Add the zone columns to a point table, keeping every input column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The input table (one row per point); it is not modified.
    lon, lat : numpy.ndarray
        The coordinates of its rows.
    distances : bool
        Also add ``coast_km``, ``coast_nm``, ``border_km`` and ``border_nm``.
    zone_type : str, optional
        Keep only the rows in this zone: ``ZONE``, ``COUNTRY:ZONE`` or ``COUNTRY``.
    basis : bool
        Also add ``basis``: the legal basis of each answer (the straight baseline and its
        points, the bay closing line or the historic waters for internal waters).

    Returns
    -------
    frame, lon, lat : pandas.DataFrame, numpy.ndarray, numpy.ndarray
        The kept rows with the added columns ``country``, ``zone``, ``overlap_with``
        (and the distances). When the input already has a column of one of those names,
        every added column is prefixed with ``geomap_`` (again, until no name clashes).
    approximate : bool
        True when a kept row answers an approximate zone (contiguous zone or EEZ).
    """
    want = parse_zone(zone_type) if zone_type else None
    result = classify(lon, lat, distances=distances, basis=basis)
    names = _added_names(frame.columns, result.columns)
    out = frame.copy()
    for col in result.columns:
        out[names[col]] = result[col].to_numpy()
    if want is not None:
        keep = want.matches(result["country"].to_numpy(), result["zone"].to_numpy())
        out, lon, lat, result = out[keep].reset_index(drop=True), lon[keep], lat[keep], result[keep]
    return out, lon, lat, bool(result["zone"].isin(APPROXIMATE_ZONES).any())


def quick_table(lat: ArrayLike, lon: ArrayLike, *, zone_type: str | None = None, basis: bool = False) -> str:
    """The plain-text zone table of a few points (no pandas: the fast path of ``geomap zone LAT,LON``).

    Parameters
    ----------
    lat, lon : array-like of float
        Degrees.
    zone_type : str, optional
        As in :func:`zone_table`.
    basis : bool
        Also give the column ``basis``, as in :func:`zone_table`.

    Returns
    -------
    str
        Columns lat, lon, country, zone, overlap_with (and basis), and a note line when an answer is approximate.
    """
    want = parse_zone(zone_type) if zone_type else None
    y, x = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
    country, zone, overlap, *why = classify_arrays(x, y, overlap=True, basis=basis)
    keep = np.ones(y.size, dtype=bool) if want is None else want.matches(country, zone)
    columns = [y[keep].tolist(), x[keep].tolist(), country[keep], zone[keep], overlap[keep], *(w[keep] for w in why)]
    names = ["lat", "lon", "country", "zone", "overlap_with"] + (["basis"] if basis else [])
    text = format_rows(names, zip(*columns))
    if np.isin(zone[keep], APPROXIMATE_ZONES).any():
        text = text.rstrip("\n") + "\nnote: " + APPROXIMATE_NOTE + "\n"
    return text


def zone_labels(lon: ArrayLike, lat: ArrayLike, *, words: bool = False) -> list[str]:
    """Label the zone answer of each point.

    Parameters
    ----------
    lon, lat : array-like of float
        Degrees.
    words : bool
        ``False``: ``"CHN:territorial_sea"``, or ``"none"`` outside every zone (for tables);
        ``True``: ``"territorial sea of CHN"``, or ``"outside the zones in geomap's data"`` (for popups).

    Returns
    -------
    list of str
    """
    x, y = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    if x.size == 0:
        return []
    country, zone = classify_arrays(x, y)
    out = []
    for c, z in zip(country.tolist(), zone.tolist()):
        if z in (None, "none") or (not words and not c):
            out.append("outside the zones in geomap's data" if words else "none")
        elif words:
            out.append(f"{str(z).replace('_', ' ')} of {c}" if c else str(z).replace("_", " "))
        else:
            out.append(f"{c}:{z}")
    return out


def _added_names(existing, added) -> dict[str, str]:
    """Names of the added columns: as they are, or all prefixed when one would replace an input column."""
    taken = {str(c) for c in existing}
    prefix = ""
    while any(prefix + str(c) in taken for c in added):
        prefix += PREFIX
    return {c: prefix + str(c) for c in added}
