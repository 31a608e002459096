"""Distances on the WGS 84 ellipsoid.

Point-to-point distances are pyproj ``Geod`` geodesics. Distances to a line
layer (coastline, land borders) find the nearest vertex of the layer, densified
to at most 0.01 degree between vertices, with a k-d tree on unit vectors (no
projection, no distortion near the poles), then take the geodesic distance to
the nearest point of the two segments beside that vertex.
"""

from __future__ import annotations

from functools import cache

import numpy as np

__all__ = ["geodesic", "distance_to_layer"]

_DENSIFY_DEG = 0.01
_NO_COAST_SOUTH_OF = -85.0  # degrees; the southernmost sea (Ross Sea) ends near 78.5 S


def geodesic(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Geodesic distance in km between points on the WGS 84 ellipsoid.

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Degrees; arrays broadcast.

    Returns
    -------
    numpy.ndarray
        Distances in kilometres.
    """
    from pyproj import Geod

    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (lat1, lon1, lat2, lon2)))
    _, _, metres = Geod(ellps="WGS84").inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return (np.asarray(metres) / 1000.0).reshape(lat1.shape)


def distance_to_layer(lon: np.ndarray, lat: np.ndarray, *, layer: str) -> np.ndarray:
    """Geodesic distance in km from each point to the nearest line of ``layer``.

    Parameters
    ----------
    lon, lat : numpy.ndarray
        Coordinates in degrees.
    layer : {"coastline", "borders"}
        A shipped line layer.

    Returns
    -------
    numpy.ndarray
        Kilometres; ``nan`` if the layer is empty.
    """
    tree, verts, prev_i, next_i = _line_index(layer)
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if verts.shape[0] == 0:
        return np.full(lon.shape, np.nan)
    _, nearest = tree.query(_unit(lon, lat))
    best = geodesic(lat, lon, verts[nearest, 1], verts[nearest, 0])
    for other in (prev_i[nearest], next_i[nearest]):
        ok = other >= 0
        if not ok.any():
            continue
        a, b = verts[nearest[ok]], verts[other[ok]]
        foot = _foot_on_segment(lon[ok], lat[ok], a, b)
        d = geodesic(lat[ok], lon[ok], foot[:, 1], foot[:, 0])
        best[ok] = np.minimum(best[ok], d)
    return best


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lo, la = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _foot_on_segment(lon: np.ndarray, lat: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Nearest point to (lon, lat) on segments a-b, on the unit sphere (chord, renormalised)."""
    p, pa, pb = _unit(lon, lat), _unit(a[:, 0], a[:, 1]), _unit(b[:, 0], b[:, 1])
    ab = pb - pa
    t = np.einsum("ij,ij->i", p - pa, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-30)
    q = pa + np.clip(t, 0.0, 1.0)[:, None] * ab
    q /= np.linalg.norm(q, axis=1)[:, None]
    return np.column_stack([np.degrees(np.arctan2(q[:, 1], q[:, 0])), np.degrees(np.arcsin(np.clip(q[:, 2], -1, 1)))])


def _split_at_cut(index: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Line ids of the kept vertices, a new id wherever dropped vertices broke a line."""
    run = np.cumsum(np.r_[True, (index[1:] != index[:-1]) | ~keep[:-1]])
    return run[keep]


@cache
def _line_index(layer: str):
    """k-d tree over the densified vertices of a line layer, with segment neighbours."""
    import shapely
    from scipy.spatial import cKDTree

    from geomap.geodata import load_layer

    geoms = load_layer(layer).geometry.values
    lines = shapely.get_parts(shapely.get_parts(np.asarray(geoms, dtype=object)))
    lines = shapely.segmentize(lines[shapely.length(lines) > 0], _DENSIFY_DEG)
    coords, index = shapely.get_coordinates(lines, return_index=True)
    # the source polygons are cut at the antimeridian and at the web-Mercator limit (85.05 S,
    # its corners bevelled by simplification); no real coast lies south of 85 S
    keep = (coords[:, 1] > _NO_COAST_SOUTH_OF) & (np.abs(coords[:, 0]) < 180.0)
    coords, index = coords[keep], _split_at_cut(index, keep)
    n = coords.shape[0]
    same_prev = np.r_[False, index[1:] == index[:-1]]
    same_next = np.r_[index[:-1] == index[1:], False]
    prev_i = np.where(same_prev, np.arange(n) - 1, -1)
    next_i = np.where(same_next, np.arange(n) + 1, -1)
    tree = cKDTree(_unit(coords[:, 0], coords[:, 1])) if n else None
    return tree, coords, prev_i, next_i
