"""Fit a view and shrink geometries to what that view can show.

A map is drawn for a view: the area around its places at the zoom that fits them in
``width`` × ``height`` pixels. Geometries are clipped to that area (with room to pan
and zoom out one level), parts and holes smaller than a pixel are dropped, lines are
simplified to half a pixel, and coordinates are rounded to a grid finer than that and
written as integer deltas. This is what keeps a regional map well under 1 MB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from geomap.units import haversine_km

__all__ = [
    "View",
    "fit_view",
    "merc_y",
    "story_mask",
    "pad_bounds",
    "near_lon",
    "turn_copies",
    "split_antimeridian",
    "encode_polygons",
    "encode_lines",
    "encode_points",
]

_TILE = 256.0
_MAX_LAT = 85.0
#: Feature kinds whose point is the centre of a large area (a coarser tier for the view).
AREA_TIERS = (frozenset({"admin1", "region", "sea", "gulf", "ocean"}), frozenset({"country", "continent"}))
#: A place farther than this from the story's centre (and farther than 3× the typical
#: distance) is an outlier of the first view, unless the far places weigh 40% or more.
FAR_KM = 3000.0
#: ... and so is a capital farther than this: news names capitals for their governments
#: ("asked Brussels to step in" in a story on the Polish border).
CAPITAL_KM = 1000.0
#: ... and so is a doubtful match (score below :data:`DOUBT_SCORE`) farther than this.
DOUBT_KM, DOUBT_SCORE = 1000.0, 0.5


@dataclass(frozen=True)
class View:
    """The area a map opens on and the resolution geometries are prepared for.

    Attributes
    ----------
    bounds : tuple of float
        ``(minlon, minlat, maxlon, maxlat)`` the map is fitted to (margin included).
    zoom : float
        The Leaflet zoom that fits ``bounds`` in the map's pixels (multiple of 0.25).
    clip : tuple of float
        The area whose data is kept: the visible area grown by half its size on
        every side (enough to pan or to zoom out one level).
    tolerance : float
        Simplification tolerance, degrees (half a pixel at ``zoom``).
    min_area : float
        Polygon parts and holes smaller than this (square degrees, about one pixel)
        are dropped.
    quantum : int
        Coordinates are stored as integers of ``1 / quantum`` degree.
    visible : tuple of float
        The area the map shows at ``zoom`` (``bounds`` widened to the map's shape).
    """

    bounds: tuple[float, float, float, float]
    zoom: float
    clip: tuple[float, float, float, float]
    tolerance: float
    min_area: float
    quantum: int
    visible: tuple[float, float, float, float] = (-180.0, -_MAX_LAT, 180.0, _MAX_LAT)

    @property
    def px_per_degree(self) -> float:
        """Pixels per degree of longitude at :attr:`zoom`."""
        return _TILE * 2**self.zoom / 360.0


def merc_y(lat: float) -> float:
    """Web-Mercator y (radians of the unit sphere) of a latitude, clipped at 85 degrees."""
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _merc_lat(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit_view(bounds: tuple[float, float, float, float], *, width: int, height: int, max_zoom: float = 14.0) -> View:
    """Return the :class:`View` that shows ``bounds`` in a ``width`` × ``height`` pixel map.

    Parameters
    ----------
    bounds : tuple of float
        ``(minlon, minlat, maxlon, maxlat)``, margin already included.
    width, height : int
        Map size in CSS pixels.
    max_zoom : float
        Upper limit of the fitted zoom (a single point would otherwise zoom in forever).
    """
    minlon, minlat, maxlon, maxlat = bounds
    dlon = max(maxlon - minlon, 1e-9)
    y0, y1 = merc_y(minlat), merc_y(maxlat)
    dy = max(y1 - y0, 1e-12)
    z = min(math.log2(width * 360.0 / (_TILE * dlon)), math.log2(height * 2 * math.pi / (_TILE * dy)), max_zoom)
    z = max(0.0, math.floor(z * 4) / 4)
    world = _TILE * 2**z
    half_w = width / 2 / world * 360.0
    cx = (minlon + maxlon) / 2
    cy = (y0 + y1) / 2
    half_h = height / 2 / world * 2 * math.pi
    vis = (cx - half_w, _merc_lat(cy - half_h), cx + half_w, _merc_lat(cy + half_h))
    gw, gh = vis[2] - vis[0], vis[3] - vis[1]
    # the data area stops at ±180° unless a view narrower than the world reaches past the meridian
    wide = vis[2] - vis[0] >= 360.0
    east = 540.0 if vis[2] > 180.0 and not wide else 180.0
    west = -540.0 if vis[0] < -180.0 and not wide else -180.0
    clip = (
        max(west, vis[0] - gw / 2),
        max(-_MAX_LAT, vis[1] - gh / 2),
        min(east, vis[2] + gw / 2),
        min(_MAX_LAT, vis[3] + gh / 2),
    )
    deg_px = 360.0 / world
    tolerance = deg_px / 2
    quantum = math.ceil(2.0 / tolerance)  # a grid of a quarter pixel
    return View(
        bounds=tuple(float(v) for v in bounds),  # type: ignore[arg-type]
        zoom=z,
        clip=clip,
        tolerance=tolerance,
        min_area=deg_px * deg_px,
        quantum=min(quantum, 10**6),
        visible=tuple(float(v) for v in vis),  # type: ignore[arg-type]
    )


def story_mask(
    lon: np.ndarray, lat: np.ndarray, *, kinds: np.ndarray, weights: np.ndarray, scores: np.ndarray | None = None
) -> np.ndarray:
    """Return which places the first view of a story is fitted to.

    Specific places (cities, ports, bays, straits, islands...) come first; the centre
    points of regions and seas, then of countries and continents, are used only when
    nothing finer is named (see :data:`AREA_TIERS`). Among those, places far from the
    story's weighted medoid (more than :data:`FAR_KM` and 3× the weighted median
    distance, capitals beyond :data:`CAPITAL_KM`, doubtful matches beyond
    :data:`DOUBT_KM`) are left out, unless together they weigh 40% of the story or
    more: one stray match or a capital named for its government does not make a world
    map, but a story told in two regions keeps both.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Coordinates, degrees.
    kinds : numpy.ndarray of str
        Feature kind of each place (gazetteer kinds; anything else counts as specific).
    weights : numpy.ndarray
        Weight of each place (mentions × score).
    scores : numpy.ndarray, optional
        Geocoding score of each place (0-1); all trusted when omitted.

    Returns
    -------
    numpy.ndarray of bool
    """
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    kinds = np.asarray(kinds, dtype=object).astype(str)
    w = np.clip(np.nan_to_num(np.asarray(weights, float), nan=1.0), 1e-3, None)
    coarse = np.zeros(len(lon), dtype=int)
    for level, tier in enumerate(AREA_TIERS, start=1):
        coarse[np.isin(kinds, list(tier))] = level
    mask = np.zeros(len(lon), dtype=bool)
    if not len(lon):
        return mask
    cand = np.flatnonzero(coarse == coarse.min())
    if len(cand) <= 2:
        mask[cand] = True
        return mask
    d = haversine_km(lon[cand, None], lat[cand, None], lon[None, cand], lat[None, cand])
    cw = w[cand]
    centre = int(np.argmin(d @ cw))
    dist = d[centre]
    order = np.argsort(dist)
    cum = np.cumsum(cw[order])
    typical = dist[order][np.searchsorted(cum, cum[-1] / 2)]
    far = dist > max(FAR_KM, 3 * typical)
    far |= (kinds[cand] == "capital") & (dist > max(CAPITAL_KM, 3 * typical))
    if scores is not None:
        doubt = np.nan_to_num(np.asarray(scores, float)[cand], nan=1.0) < DOUBT_SCORE
        far |= doubt & (dist > DOUBT_KM)
    if cw[far].sum() >= 0.4 * cw.sum():
        far[:] = False
    mask[cand[~far]] = True
    return mask


def pad_bounds(boxes: np.ndarray) -> tuple[float, float, float, float]:
    """Union of ``(minlon, minlat, maxlon, maxlat)`` rows with a margin (10% of the span, at least 0.2°).

    The union takes the shortest way round the globe: boxes on both sides of the 180th
    meridian (Fiji and Samoa, Chukotka and Alaska) give bounds that cross it, written
    with ``maxlon`` above 180 (``(175.0, -20.0, 193.0, -12.0)``); ``minlon`` is always
    in [-180, 180).
    """
    b = np.asarray(boxes, float).reshape(-1, 4)
    minlon, maxlon = _shortest_arc(b[:, 0], b[:, 2])
    minlat, maxlat = b[:, 1].min(), b[:, 3].max()
    px = max(0.1 * (maxlon - minlon), 0.2)
    py = max(0.1 * (maxlat - minlat), 0.2)
    minlon, maxlon = minlon - px, maxlon + px
    if maxlon - minlon >= 360.0:
        minlon, maxlon = -180.0, 180.0
    elif minlon < -180.0:  # the same arc, written east of 180
        minlon, maxlon = minlon + 360.0, maxlon + 360.0
    return (float(minlon), float(max(-_MAX_LAT, minlat - py)), float(maxlon), float(min(_MAX_LAT, maxlat + py)))


def _shortest_arc(west: np.ndarray, east: np.ndarray) -> tuple[float, float]:
    """The shortest arc of longitude covering every ``[west, east]`` interval (degrees in [-180, 180]).

    Returns ``(start, end)`` with ``start`` in [-180, 180] and ``end`` possibly above 180.
    """
    order = np.argsort(west, kind="stable")
    west, reach = west[order], np.maximum.accumulate(east[order])  # reach: farthest east so far
    # the gap before each interval (none where it starts inside what came before), and the one across 180°
    gaps = np.append(west[1:] - reach[:-1], west[0] + 360.0 - reach[-1])
    k = int(np.argmax(gaps))
    if k == len(gaps) - 1:
        return float(west[0]), float(reach[-1])
    return float(west[k + 1]), float(reach[k]) + 360.0


def near_lon(lon: np.ndarray, view: View) -> np.ndarray:
    """Longitudes moved by whole turns (±360°) to the copy nearest the centre of ``view``.

    On a map whose view crosses the 180th meridian (longitudes above 180), a place at
    -171.8° (Apia) is drawn at 188.2°, east of Fiji rather than a world away.
    """
    lon = np.asarray(lon, float)
    centre = (view.visible[0] + view.visible[2]) / 2
    return lon + 360.0 * np.round((centre - lon) / 360.0)


def _join_seams(parts: np.ndarray, owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Union the polygon parts of one row that meet at ±180° (where the data is cut), so that
    a view across the meridian shows no outline along it; returns (parts, owning row)."""
    b = shapely.bounds(parts)
    seam = np.isclose(b[:, 0] % 360.0, 180.0, atol=1e-7) | np.isclose(b[:, 2] % 360.0, 180.0, atol=1e-7)
    joined, joined_owner = [parts[~seam]], [owner[~seam]]
    for r in np.unique(owner[seam]).tolist():
        group = np.flatnonzero(seam & (owner == r))
        try:
            merged = shapely.get_parts(shapely.union_all(parts[group]))
        except shapely.errors.GEOSException:  # a clipped piece that touches itself
            merged = shapely.get_parts(shapely.union_all(shapely.make_valid(parts[group])))
        merged = merged[shapely.get_type_id(merged) == 3]
        joined.append(merged)
        joined_owner.append(np.full(len(merged), r))
    out, out_owner = np.concatenate(joined), np.concatenate(joined_owner)
    order = np.argsort(out_owner, kind="stable")
    return out[order], out_owner[order]


def turn_copies(geoms: np.ndarray, view: View) -> tuple[np.ndarray, np.ndarray]:
    """``geoms`` (and their row numbers) plus, when the view reaches past ±180°, their copies
    one turn east (or west) so that the view's side of the meridian has its data."""
    rows = np.arange(len(geoms))
    shifts = [s for s, past in ((360.0, view.clip[2] > 180.0), (-360.0, view.clip[0] < -180.0)) if past]
    if not shifts or not len(geoms):
        return geoms, rows
    out, owners = [geoms], [rows]
    for turn in shifts:
        # only what falls in the view once moved: clipped first (the data's big polygons are slow to move whole)
        x0, y0, x1, y1 = view.clip[0] - turn, view.clip[1], view.clip[2] - turn, view.clip[3]
        hit = np.flatnonzero(_bbox_overlaps(geoms, (x0, y0, x1, y1)) & ~shapely.is_empty(geoms))
        cut = shapely.clip_by_rect(geoms[hit], x0, y0, x1, y1)
        out.append(shapely.transform(cut, lambda c, t=turn: c + [t, 0.0]))
        owners.append(hit)
    return np.concatenate(out), np.concatenate(owners)


def _clip(geoms: np.ndarray, view: View) -> tuple[np.ndarray, np.ndarray]:
    """Clip ``geoms`` (and their copies a turn away, see :func:`turn_copies`) to the view;
    return (clipped geometries, their row indices)."""
    geoms, owners = turn_copies(geoms, view)
    box = shapely.box(*view.clip)
    keep = np.flatnonzero(shapely.intersects(geoms, box))
    clipped = shapely.clip_by_rect(geoms[keep], *view.clip)
    ok = ~shapely.is_empty(clipped)
    return clipped[ok], owners[keep[ok]]


def _encode_coords(coords: np.ndarray, ring_index: np.ndarray, n_rings: int, quantum: int, *, closed: bool):
    """Quantize, de-duplicate and delta-encode coordinates grouped by ``ring_index``.

    Returns a list (one per ring) of flat int lists ``[x0, y0, dx1, dy1, ...]`` or None
    where a ring collapsed below its minimum size.
    """
    q = np.round(coords * quantum).astype(np.int64)
    new_ring = np.ones(len(q), dtype=bool)
    new_ring[1:] = ring_index[1:] != ring_index[:-1]
    same = np.zeros(len(q), dtype=bool)
    same[1:] = (q[1:] == q[:-1]).all(axis=1) & ~new_ring[1:]
    q, ring_index, new_ring = q[~same], ring_index[~same], new_ring[~same]
    delta = q.copy()
    delta[1:] -= q[:-1]
    delta[new_ring] = q[new_ring]
    counts = np.bincount(ring_index, minlength=n_rings)
    pieces = np.split(delta, np.cumsum(counts)[:-1])
    least = 4 if closed else 2
    return [p.ravel().tolist() if len(p) >= least else None for p in pieces]


def encode_polygons(geoms: np.ndarray, view: View) -> dict[int, list]:
    """Prepare (multi)polygons for ``view``.

    Geometries are clipped to the view while still valid (only those that cross its
    edge), parts and holes below :attr:`View.min_area` are dropped, and the remaining
    rings are simplified one by one (no validity repair, which is what makes polygon
    simplification slow).

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
    view : View

    Returns
    -------
    dict
        Row index → list of polygons, each a list of encoded rings (exterior first).
        Rows with nothing left at this resolution are absent.
    """
    if not len(geoms):
        return {}
    geoms, owners = turn_copies(split_antimeridian(geoms), view)
    rows = np.flatnonzero(_bbox_overlaps(geoms, view.clip) & ~shapely.is_empty(geoms))
    # part by part: only the parts that reach the view are kept, only those crossing its edge are clipped
    parts, pidx = shapely.get_parts(geoms[rows], return_index=True)
    ok = (shapely.get_type_id(parts) == 3) & _bbox_overlaps(parts, view.clip)
    parts, pidx = parts[ok], pidx[ok]
    ok = shapely.area(parts) >= view.min_area
    parts, pidx = parts[ok], pidx[ok]
    cross = ~_bbox_within(parts, view.clip)
    if cross.any():
        cut, cidx = shapely.get_parts(shapely.clip_by_rect(parts[cross], *view.clip), return_index=True)
        parts = np.concatenate([parts[~cross], cut])
        pidx = np.concatenate([pidx[~cross], pidx[cross][cidx]])
        order = np.argsort(pidx, kind="stable")
        parts, pidx = parts[order], pidx[order]
        ok = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
        parts, pidx = parts[ok], pidx[ok]
        ok = shapely.area(parts) >= view.min_area
        parts, pidx = parts[ok], pidx[ok]
    row_of = owners[rows[pidx]]  # each part's row of the input
    if len(parts) and (view.clip[2] > 180.0 or view.clip[0] < -180.0):
        parts, row_of = _join_seams(parts, row_of)
    if not len(parts):
        return {}
    rings, owner = shapely.get_rings(parts, return_index=True)
    first = np.ones(len(rings), dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    keep = first | (shapely.area(shapely.polygons(rings)) >= view.min_area)
    rings, owner, first = rings[keep], owner[keep], first[keep]
    rings = shapely.simplify(rings, view.tolerance, preserve_topology=False)
    coords, cidx = shapely.get_coordinates(rings, return_index=True)
    enc = _encode_coords(coords, cidx, len(rings), view.quantum, closed=True)
    current: dict[int, list] = {}
    for r, code in enumerate(enc):
        poly = int(owner[r])
        if first[r]:
            current[poly] = [code] if code is not None else []
        elif code is not None and current.get(poly):
            current[poly].append(code)
    out: dict[int, list] = {}
    for poly in sorted(current):
        if current[poly]:
            out.setdefault(int(row_of[poly]), []).append(current[poly])
    return out


def split_antimeridian(geoms: np.ndarray) -> np.ndarray:
    """Cut polygons whose rings jump across the ±180° meridian into pieces on either side.

    A ring that goes from 179.9° to -179.9° in one step would otherwise be drawn as a
    band across the whole map. Such parts are unwrapped (longitudes below 0 + 360°),
    cut at 180° and the eastern piece moved back by 360°. Rings round a pole (an odd
    number of jumps, as Antarctica's) are left as they are.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries

    Returns
    -------
    numpy.ndarray
        The same array when nothing crosses, else a copy with the crossing rows fixed.
    """
    wide = np.flatnonzero(np.diff(shapely.bounds(geoms)[:, ::2], axis=1)[:, 0] > 180)
    out = geoms
    for row in wide.tolist():
        parts = shapely.get_parts(geoms[row])
        jumps = _jumps(parts)
        cut = np.flatnonzero((jumps > 0) & (jumps % 2 == 0))
        if not len(cut):
            continue
        fixed = [parts[(jumps == 0) | (jumps % 2 == 1)]]  # kept as they are
        for part in parts[cut]:
            shifted = shapely.transform(part, lambda c: np.where(c[:, :1] < 0, c + [360.0, 0.0], c))
            west = shapely.clip_by_rect(shifted, -180.0, -90.0, 180.0, 90.0)
            east = shapely.transform(
                shapely.clip_by_rect(shifted, 180.0, -90.0, 540.0, 90.0), lambda c: c - [360.0, 0.0]
            )
            fixed.append(shapely.get_parts(np.array([west, east], dtype=object)))
        out = out.copy() if out is geoms else out
        pieces = np.concatenate(fixed)
        out[row] = shapely.multipolygons(pieces[~shapely.is_empty(pieces)])
    return out


def _jumps(parts: np.ndarray) -> np.ndarray:
    """Number of steps of more than 180° of longitude in each polygon's exterior ring (0 for other types)."""
    jumps = np.zeros(len(parts), dtype=np.int64)
    poly = np.flatnonzero(shapely.get_type_id(parts) == 3)
    if not len(poly):
        return jumps
    coords, idx = shapely.get_coordinates(shapely.get_exterior_ring(parts[poly]), return_index=True)
    step = (np.abs(np.diff(coords[:, 0])) > 180) & (idx[1:] == idx[:-1])
    jumps[poly] = np.bincount(idx[1:][step], minlength=len(poly))
    return jumps


def _bbox_overlaps(geoms: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    b = shapely.bounds(geoms)
    return (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])


def _bbox_within(geoms: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    b = shapely.bounds(geoms)
    return (b[:, 0] >= box[0]) & (b[:, 2] <= box[2]) & (b[:, 1] >= box[1]) & (b[:, 3] <= box[3])


def encode_lines(geoms: np.ndarray, view: View) -> dict[int, list]:
    """Prepare (multi)lines — and polygon outlines — for ``view``.

    Returns
    -------
    dict
        Row index → list of encoded lines.
    """
    clipped, rows = _clip(geoms, view)
    if not len(clipped):
        return {}
    parts, pidx = shapely.get_parts(clipped, return_index=True)
    tid = shapely.get_type_id(parts)
    lines = parts[(tid == 1) | (tid == 2)]
    pidx = pidx[(tid == 1) | (tid == 2)]
    if not len(lines):
        return {}
    lines = shapely.simplify(lines, view.tolerance, preserve_topology=False)
    coords, cidx = shapely.get_coordinates(lines, return_index=True)
    enc = _encode_coords(coords, cidx, len(lines), view.quantum, closed=False)
    out: dict[int, list] = {}
    for i, code in enumerate(enc):
        if code is not None:
            out.setdefault(int(rows[pidx[i]]), []).append(code)
    return out


def encode_points(geoms: np.ndarray, *, quantum: int = 100000, view: View | None = None) -> dict[int, list]:
    """Return row index → list of ``[x, y]`` integer points (``1 / quantum`` degree); no clipping.

    With ``view``, each point is written at its copy nearest the view (see :func:`near_lon`).
    """
    parts, pidx = shapely.get_parts(geoms, return_index=True)
    pts = shapely.get_type_id(parts) == 0
    parts, pidx = parts[pts], pidx[pts]
    parts_ok = ~shapely.is_empty(parts)
    parts, pidx = parts[parts_ok], pidx[parts_ok]
    xy = shapely.get_coordinates(parts)
    if view is not None and len(xy):
        xy[:, 0] = near_lon(xy[:, 0], view)
    coords = np.round(xy * quantum).astype(np.int64)
    out: dict[int, list] = {}
    for i, (x, y) in enumerate(coords.tolist()):
        out.setdefault(int(pidx[i]), []).append([x, y])
    return out
