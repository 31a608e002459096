"""Smooth contiguous zones and EEZs for a regional view, derived from the baseline itself.

The shipped ``contiguous_zone`` and ``eez`` layers follow the 1/16-degree cells of the
zone engine's grid (:mod:`geomap.zones.outer`), which reads as staircases at regional
zoom. For a regional view the map derives them again, for the view's area only, from
the same baseline the zone engine measures from (``baseline.npz``):

1. the baseline lines of every state within 200 nm of the view are projected to a
   local azimuthal-equidistant plane centred on the view and simplified at the map's
   resolution;
2. each state's 24 nm and 200 nm reach is a buffer of its lines, and the water each
   state owns is the union of the Voronoi cells of its (densified) baseline points,
   so the boundaries between states are median (equidistance) lines, as in the engine;
3. every vertex of those outlines is then moved onto the exact line by Newton steps on
   the geodesic (WGS 84) distance to the nearest baseline vertex: ``d = 24 nm`` or
   ``d = 200 nm`` for the reach, ``d_own = d_other`` for the median lines (the plane's
   distortion, about 1% at 1,500 km from the centre, does not reach the map);
4. land, internal waters and territorial seas (the shipped ``maritime`` layer) are cut
   out, and the areas clipped to the view.

Views wider than :data:`MAX_SPAN_DEG` keep the shipped layers: a grid cell is below a
pixel there.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["MAX_SPAN_DEG", "outer_zone_areas"]

#: views (clip areas) wider or taller than this, in degrees, draw the shipped layers
MAX_SPAN_DEG = 90.0
_NM_KM = 1.852
_T24_KM, _T200_KM = 24 * _NM_KM, 200 * _NM_KM
_REACH_KM = _T200_KM + 20.0
_QUAD_SEGS = 16  # buffer arcs: sagitta of 200 nm arcs about 0.45 km
_NEWTON_STEPS = 3
_OTHER_K = 24  # nearest vertices searched for another state's
_R_KM = 6371.0088  # mean Earth radius of the plane
_GROW_KM = 0.001  # cells grown by a metre before their pieces are merged
_MIN_POINT_KM = 2.0  # spacing of the Voronoi sites, at least
_TS_KM = 13 * _NM_KM  # median vertices nearer the coast than this are territorial sea, not moved


def outer_zone_areas(
    clip: tuple[float, float, float, float], *, tolerance: float
) -> dict[str, gpd.GeoDataFrame] | None:
    """Contiguous zone and EEZ areas of the states around ``clip``, with smooth outer limits.

    Parameters
    ----------
    clip : tuple of float
        ``(minlon, minlat, maxlon, maxlat)`` of the map's data area.
    tolerance : float
        Simplification tolerance in degrees (half a pixel of the map).

    Returns
    -------
    dict or None
        ``{"contiguous_zone": gdf, "eez": gdf}``, each with ``country`` and ``overlap_with``
        (ISO alpha-3, ``""`` when no other state's 200 nm reach covers the water), like
        the shipped layers; ``None`` if the view is too wide or the outer-zone data is
        not installed (draw the shipped layers then).
    """
    from geomap.zones import outer

    x0, y0, x1, y1 = clip
    if x1 - x0 > MAX_SPAN_DEG or y1 - y0 > MAX_SPAN_DEG or not outer.available():
        return None
    centre = ((x0 + x1) / 2, (y0 + y1) / 2)
    fix = _Corrector(clip, centre)
    plane = _Plane(centre)
    tol_km = max(tolerance * 111.32 * np.cos(np.radians(centre[1])), 0.05)
    sites, codes = fix.sites(plane, spacing=max(_MIN_POINT_KM, 8 * tol_km))
    window = plane.window(clip)
    owned = _owned(sites, codes, window)
    step = max(4 * tol_km, 5.0)
    area24, area200, mine = {}, {}, {}
    for c in owned:
        pts = sites[codes == c]
        area24[c] = fix.on_level(plane.inverse(_reach(pts, _T24_KM, window), step), c, _T24_KM)
        area200[c] = fix.on_level(plane.inverse(_reach(pts, _T200_KM, window), step), c, _T200_KM)
        mine[c] = fix.on_median(plane.inverse(owned[c], step), c)
    return _zone_tables(clip, list(owned), area24, area200, mine, tolerance=tolerance)


def _owned(sites: np.ndarray, codes: np.ndarray, window) -> dict:
    """Per state, the part of ``window`` (plane) nearer its sites than any other state's."""
    import shapely

    present = sorted(set(codes.tolist()))
    if len(present) == 1:
        return {present[0]: window}
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=window, ordered=True))
    if len(cells) != len(sites):  # GEOS merged sites: assign the cells by the site inside
        tree = shapely.STRtree(shapely.points(sites))
        cell_i, site_i = tree.query(cells, predicate="contains")
        order = np.full(len(cells), -1)
        order[cell_i] = site_i
        cells, codes = cells[order >= 0], codes[order[order >= 0]]
    out = {}
    for c in present:
        area = shapely.intersection(shapely.coverage_union_all(cells[codes == c]), window)
        if not area.is_empty:
            out[c] = area
    return out


def _reach(sites: np.ndarray, km: float, window):
    """The part of ``window`` (plane) within ``km`` of ``sites``: the window less, in each
    Voronoi cell of the sites, what lies beyond ``km`` of its site."""
    import shapely

    points = shapely.points(sites)
    if len(sites) < 3:
        return shapely.intersection(shapely.union_all(shapely.buffer(points, km, quad_segs=_QUAD_SEGS)), window)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=window, ordered=True))
    if len(cells) != len(sites):
        return shapely.intersection(shapely.union_all(shapely.buffer(points, km, quad_segs=_QUAD_SEGS)), window)
    xy, index = shapely.get_coordinates(cells, return_index=True)
    far = np.zeros(len(cells))
    np.maximum.at(far, index, np.hypot(*(xy - sites[index]).T))
    k = np.flatnonzero((far > km) & shapely.intersects(cells, window))
    # each cell grown by a metre, so that neighbouring cells' pieces leave no slivers between them
    grown = shapely.buffer(cells[k], _GROW_KM, join_style="mitre")
    beyond = shapely.difference(grown, shapely.buffer(points[k], km, quad_segs=_QUAD_SEGS))
    return shapely.difference(window, shapely.union_all(beyond))


def _zone_tables(clip, codes, area24, area200, owned, *, tolerance: float) -> dict[str, gpd.GeoDataFrame]:
    """Cut land and territorial seas out, split by overlapping claims, clip to the view."""
    import geopandas as gpd
    import shapely

    from geomap.geodata import load_layer

    box = shapely.box(*clip)
    cut = load_layer("maritime", bbox=clip).geometry.values
    cut = shapely.simplify(shapely.clip_by_rect(cut, *clip), tolerance)
    cut = shapely.union_all(shapely.make_valid(cut)) if len(cut) else None
    rows: dict[str, list] = {"contiguous_zone": [], "eez": []}
    for c in codes:
        mine = shapely.intersection(owned[c], box)
        if mine.is_empty:
            continue
        inner = shapely.intersection(area24[c], mine)
        zones = {
            "contiguous_zone": inner,
            "eez": shapely.difference(shapely.intersection(area200[c], mine), inner),
        }
        for zone, geom in zones.items():
            if cut is not None:
                geom = shapely.difference(geom, cut)
            for other, piece in _split_by_claims(geom, c, codes, area200):
                rows[zone].append((c, other, _polygonal(piece)))
    out = {}
    for zone, found in rows.items():
        found = [r for r in found if not r[2].is_empty and r[2].area > 0]
        out[zone] = gpd.GeoDataFrame(
            {"country": [r[0] for r in found], "overlap_with": [r[1] for r in found]},
            geometry=[r[2] for r in found],
            crs=4326,
        )
    return out


def _split_by_claims(geom, own: str, codes: list[str], area200: dict):
    """(other state or "", piece) of ``geom``: the parts within another state's 200 nm reach."""
    import shapely

    rest = geom
    for other in codes:
        if other == own or rest.is_empty or not shapely.intersects(rest, area200[other]):
            continue
        piece = shapely.intersection(rest, area200[other])
        if not piece.is_empty:
            yield other, piece
            rest = shapely.difference(rest, area200[other])
    if not rest.is_empty:
        yield "", rest


def _blocks(clip) -> tuple[np.ndarray, tuple[float, float]]:
    """Baseline blocks within reach of ``clip``, and the reach in degrees (longitude, latitude)."""
    from geomap.zones import outer

    lat_pad = _REACH_KM / 110.5
    far = min(89.0, max(abs(clip[1]), abs(clip[3])) + lat_pad)
    lon_pad = min(180.0, _REACH_KM / (111.32 * np.cos(np.radians(far))))
    lon = np.arange(clip[0] - lon_pad, clip[2] + lon_pad + outer.BLOCK, outer.BLOCK)
    lat = np.clip(np.arange(clip[1] - lat_pad, clip[3] + lat_pad + outer.BLOCK, outer.BLOCK), -90, 90)
    lon = _near_lon(lon, 0.0)
    return np.unique(outer.block_of(*np.meshgrid(lon, lat))), (lon_pad, lat_pad)


def _near_lon(lon: np.ndarray, lon0: float) -> np.ndarray:
    """Longitudes shifted by whole turns to within 180 degrees of ``lon0``."""
    return lon0 + (lon - lon0 + 180.0) % 360.0 - 180.0


class _Plane:
    """The azimuthal-equidistant plane (km, on the mean-radius sphere) centred on the view."""

    def __init__(self, centre: tuple[float, float]) -> None:
        self.lon0, self.lat0 = centre
        self._p0 = np.radians(self.lat0)

    def forward_xy(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Plane coordinates (km) of points in degrees."""
        dl, p = np.radians(lon - self.lon0), np.radians(lat)
        sp0, cp0 = np.sin(self._p0), np.cos(self._p0)
        c = np.arccos(np.clip(sp0 * np.sin(p) + cp0 * np.cos(p) * np.cos(dl), -1.0, 1.0))
        az = np.arctan2(np.cos(p) * np.sin(dl), cp0 * np.sin(p) - sp0 * np.cos(p) * np.cos(dl))
        return np.column_stack([_R_KM * c * np.sin(az), _R_KM * c * np.cos(az)])

    def inverse_xy(self, xy: np.ndarray) -> np.ndarray:
        """Degrees (longitudes near the centre's) of plane points."""
        c = np.hypot(xy[:, 0], xy[:, 1]) / _R_KM
        az = np.arctan2(xy[:, 0], xy[:, 1])
        sp0, cp0 = np.sin(self._p0), np.cos(self._p0)
        lat = np.arcsin(np.clip(sp0 * np.cos(c) + cp0 * np.sin(c) * np.cos(az), -1.0, 1.0))
        dl = np.arctan2(np.sin(az) * np.sin(c) * cp0, np.cos(c) - sp0 * np.sin(lat))
        return np.column_stack([self.lon0 + np.degrees(dl), np.degrees(lat)])

    def window(self, clip):
        """``clip`` as a polygon of the plane (edges densified), grown by a margin."""
        import shapely

        edge = shapely.segmentize(shapely.box(*clip).exterior, 0.25)
        xy = shapely.get_coordinates(edge)
        return shapely.buffer(shapely.polygons(self.forward_xy(xy[:, 0], xy[:, 1])), 20.0, quad_segs=2)

    def inverse(self, geom, step_km: float):
        """``geom`` back in degrees, densified so straight plane segments stay true."""
        import shapely

        return shapely.transform(shapely.segmentize(geom, step_km), self.inverse_xy)


class _Corrector:
    """Newton steps that put outline vertices on the exact distance level or median line."""

    def __init__(self, clip, centre) -> None:
        from pyproj import Geod
        from scipy.spatial import cKDTree

        from geomap.zones import outer

        base = _baseline()
        parts = [base.block_vertices(int(b)) for b in _blocks(clip)[0]]
        xy = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, 2))
        sid = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
        xy[:, 0] = _near_lon(xy[:, 0], centre[0])
        self.xy, self.sid, self.names = xy, sid, base.codes
        self.tree = cKDTree(outer.unit(xy[:, 0], xy[:, 1])) if len(xy) else None
        self.own = {}
        for c in np.unique(sid):
            k = np.flatnonzero(sid == c)
            self.own[str(base.codes[c])] = (cKDTree(outer.unit(xy[k, 0], xy[k, 1])), k)
        self.geod = Geod(ellps="WGS84")

    def sites(self, plane: _Plane, *, spacing: float) -> tuple[np.ndarray, np.ndarray]:
        """Baseline vertices thinned to about one per ``spacing`` km per state, in the plane,
        and their state codes."""
        if not len(self.xy):
            return np.zeros((0, 2)), np.zeros(0, dtype="<U3")
        X = plane.forward_xy(self.xy[:, 0], self.xy[:, 1])
        key = np.column_stack([np.round(X / spacing).astype(np.int64), self.sid])
        _, first = np.unique(key, axis=0, return_index=True)
        _, first2 = np.unique(np.round(X[first], 3), axis=0, return_index=True)  # no two sites at one place
        keep = np.sort(first[first2])
        return X[keep], self.names[self.sid[keep]].astype(str)

    def _away(self, xy: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic km from points to baseline vertices ``idx`` and unit vectors (east, north)
        pointing away from them."""
        v = self.xy[idx]
        az, _, m = self.geod.inv(xy[:, 0], xy[:, 1], v[:, 0], v[:, 1])
        a = np.radians(az)
        return np.asarray(m) / 1000.0, -np.column_stack([np.sin(a), np.cos(a)])

    def nearest(self, xy: np.ndarray, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Geodesic km from each point to ``code``'s nearest baseline vertex, and the unit
        vector (east, north) pointing away from it."""
        from geomap.zones import outer

        tree, k = self.own[code]
        _, i = tree.query(outer.unit(xy[:, 0], xy[:, 1]))
        return self._away(xy, k[i])

    def nearest_other(self, xy: np.ndarray, code: str) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`nearest`, for the nearest vertex of any state other than ``code``."""
        from geomap.zones import outer

        if self.tree is None:
            return np.full(len(xy), np.inf), np.zeros((len(xy), 2))
        own = int(np.flatnonzero(self.names == code)[0])
        n = min(_OTHER_K, len(self.xy))
        _, i = self.tree.query(outer.unit(xy[:, 0], xy[:, 1]), k=n)
        i = i.reshape(len(xy), n)
        other = self.sid[i] != own
        pick = np.argmax(other, axis=1)
        found = other[np.arange(len(xy)), pick]
        d, u = self._away(xy, i[np.arange(len(xy)), pick])
        d[~found] = np.inf  # no other state among the nearest vertices: far from any median
        return d, u

    def _step(self, xy: np.ndarray, f: np.ndarray, g: np.ndarray, move: np.ndarray) -> np.ndarray:
        """Move the points ``move`` by the Newton step ``-f g / |g|^2`` (km east, north)."""
        n2 = np.maximum(np.einsum("ij,ij->i", g, g), 1e-6)
        k = np.flatnonzero(move & np.isfinite(f))
        step = -(f[k] / n2[k])[:, None] * g[k]
        if not k.size:
            return xy
        dist = np.hypot(step[:, 0], step[:, 1]) * 1000.0
        az = np.degrees(np.arctan2(step[:, 0], step[:, 1]))
        lon, lat, _ = self.geod.fwd(xy[k, 0], xy[k, 1], az, dist)
        out = xy.copy()
        out[k, 0], out[k, 1] = _near_lon(np.asarray(lon), float(xy[0, 0])), lat
        return out

    def on_level(self, geom, code: str, km: float):
        """``geom`` with the vertices near ``km`` from ``code`` moved onto that distance."""
        import shapely

        def fix(xy):
            for _ in range(_NEWTON_STEPS):
                d, u = self.nearest(xy, code)
                xy = self._step(xy, d - km, u, np.abs(d - km) < 0.05 * km + 5.0)
            return xy

        return _valid(shapely.transform(geom, fix)) if code in self.own else geom

    def on_median(self, geom, code: str):
        """``geom`` (the water ``code`` is nearest to) with median-line vertices made equidistant."""
        import shapely

        if code not in self.own or len(self.own) < 2:
            return geom

        def fix(xy):
            for _ in range(_NEWTON_STEPS):
                d, u = self.nearest(xy, code)
                d2, u2 = self.nearest_other(xy, code)
                f = d - d2
                near = (np.abs(f) < 0.03 * d + 3.0) & (d > _TS_KM) & (d < _REACH_KM * 2)
                xy = self._step(xy, f, u - u2, near)
            return xy

        return _valid(shapely.transform(geom, fix))


def _valid(geom):
    """``geom``, repaired if a Newton step made it self-intersect."""
    import shapely

    if shapely.is_valid(geom):
        return geom
    return _polygonal(shapely.make_valid(geom, method="structure", keep_collapsed=False))


def _polygonal(geom):
    """The polygons of ``geom`` (boolean operations can leave lines and points beside them)."""
    import shapely

    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    return shapely.multipolygons(shapely.get_parts(parts[np.isin(shapely.get_type_id(parts), (3, 6))]))


@cache
def _baseline():
    from geomap.datafiles import data_path
    from geomap.zones.outer import Baseline

    return Baseline(data_path("baseline.npz"))
