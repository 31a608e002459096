"""A one-paragraph description of a map, for screen readers (the map's alternative text)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd

from geomap.layers.places import place_labels
from geomap.render.view import View

__all__ = ["alt_text"]

_MAX_NAMES = 12


def alt_text(
    *, title: str | None, places: gpd.GeoDataFrame, also: Sequence[str], layers: Sequence[str], view: View
) -> str:
    """Describe what a map shows in plain text (set with ``textContent``, never as HTML).

    Parameters
    ----------
    title : str or None
    places : geopandas.GeoDataFrame
        The story's places (``name``, optional ``label``, ``kind`` and ``country``); each is
        named as its map label is (see :func:`geomap.layers.places.place_labels`).
    also : sequence of str
        Names of places outside the first view.
    layers : sequence of str
        Legend names of the layers drawn.
    view : View
        The first view (its visible area is described).
    """
    head = f"Map: {' '.join(str(title).split())}." if title else "Map."
    labels = place_labels(places)
    shown = [n for n in labels if n not in set(also)]
    details = []
    for name in dict.fromkeys(shown):
        row = places.iloc[labels.index(name)]
        extra = ", ".join(str(row[c]) for c in ("kind", "country") if c in row.index and str(row[c]) not in ("", "nan"))
        details.append(f"{name} ({extra})" if extra else name)
    if details:
        more = len(details) - _MAX_NAMES
        listed = "; ".join(details[:_MAX_NAMES]) + (f"; and {more} more" if more > 0 else "")
        what = f" It marks {len(details)} place{'s' if len(details) != 1 else ''} named in the story: {listed}."
    else:
        what = " It marks no places."
    minlon, minlat, maxlon, maxlat = view.visible
    area = (
        f" The view spans latitudes {_deg(minlat, 'N', 'S')} to {_deg(maxlat, 'N', 'S')} and longitudes "
        f"{_deg(_wrap(minlon), 'E', 'W')} to {_deg(_wrap(maxlon), 'E', 'W')}."
    )
    drawn = f" Also drawn: {', '.join(dict.fromkeys(layers))}." if layers else ""
    outside = f" Named in the story but outside this view: {', '.join(also)}." if also else ""
    return head + what + area + drawn + outside


def _deg(v: float, pos: str, neg: str) -> str:
    return f"{abs(v):.1f}° {pos if v >= 0 else neg}"


def _wrap(lon: float) -> float:
    """A longitude of a view across the 180th meridian (190°) as it is spoken (170° W)."""
    return (lon + 180.0) % 360.0 - 180.0 if abs(lon) > 180.0 else lon
