"""Country and sea names from the shipped data, for the labels of a map's view.

Countries come from Natural Earth's countries (``ne_countries``), labelled at the
centre of the largest piece in view (its pole of inaccessibility) when that piece is
large enough, at the view's zoom, to hold the name. Seas, gulfs, straits, bays and
oceans come from the gazetteer. The runtime places these labels after the story's
places and drops any that would cover a place label, a marker or a control.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import shapely
from shapely.ops import polylabel

from geomap.render.view import View, merc_y, near_lon, split_antimeridian, turn_copies

__all__ = ["geo_labels", "SEA_KINDS"]

#: Gazetteer kinds labelled as water, in the order their labels are placed.
SEA_KINDS = ("ocean", "sea", "gulf", "strait", "bay")
#: Rough width of one character of a label, pixels (11-12 px type).
_CHAR_PX = 7.5


def geo_labels(view: View, *, skip: Iterable[str] = ()) -> list[list]:
    """Return the sea and country labels that fit ``view``.

    Parameters
    ----------
    view : View
    skip : iterable of str
        Names already labelled as places (not repeated).

    Returns
    -------
    list of list
        ``[lon_e5, lat_e5, text, kind, min_zoom]`` rows (``kind`` ``"sea"`` or
        ``"country"``), in placing order: seas, then countries by size in view.
    """
    seen = {str(s).casefold() for s in skip}
    out = []
    for row in _seas(view) + _countries(view):
        if row[2].casefold() not in seen:
            seen.add(row[2].casefold())
            out.append(row)
    return out


def _seas(view: View) -> list[list]:
    from geomap.text.gazetteer import KINDS, load_gazetteer

    gaz = load_gazetteer()
    kind = np.asarray(gaz.kind)
    minlon, minlat, maxlon, maxlat = view.visible
    lat, lon = np.asarray(gaz.lat), near_lon(np.asarray(gaz.lon), view)
    rows = []
    for name in SEA_KINDS:
        idx = np.flatnonzero(
            (kind == KINDS.index(name)) & (lon >= minlon) & (lon <= maxlon) & (lat >= minlat) & (lat <= maxlat)
        )
        for r in idx.tolist():
            p = gaz.place(int(r))
            rows.append([round(lon[r] * 1e5), round(p.lat * 1e5), p.name, "sea", view.zoom - 1.5])
    return rows


def _countries(view: View) -> list[list]:
    from geomap.geodata import load_layer

    gdf = load_layer("ne_countries", bbox=view.visible)
    if gdf.empty:
        return []
    geoms, owner = turn_copies(split_antimeridian(gdf.geometry.values), view)
    parts, idx = shapely.get_parts(shapely.clip_by_rect(geoms, *view.visible), return_index=True)
    idx = owner[idx]
    keep = shapely.get_type_id(parts) == 3
    parts, idx = parts[keep], idx[keep]
    if not len(parts):
        return []
    area = shapely.area(parts)
    best: dict[int, int] = {}
    for j in np.argsort(-area, kind="stable").tolist():
        best.setdefault(int(idx[j]), j)
    ppd = view.px_per_degree
    names = gdf["name"].astype(str).tolist()
    rows = []
    for i, j in sorted(best.items(), key=lambda kv: -area[kv[1]]):
        part = parts[j]
        x0, y0, x1, y1 = part.bounds
        tall = (merc_y(y1) - merc_y(y0)) * ppd * 180 / math.pi
        if (x1 - x0) * ppd < _CHAR_PX * len(names[i]) + 12 or tall < 24:
            continue
        centre = polylabel(part, tolerance=max((x1 - x0) / 50, 1e-4))
        if part.exterior.distance(centre) * ppd < 9:
            continue
        rows.append([round(centre.x * 1e5), round(centre.y * 1e5), names[i], "country", view.zoom - 1.5])
    return rows
