"""Compact binary encoding of geometry arrays.

Coordinates are quantised to 1e-4 degree (about 11 m, the resolution of the
source data and well under the 110 m to which it is simplified), delta-encoded,
zig-zag mapped to unsigned integers, split into byte planes (the high bytes of
small deltas are almost all zero and compress to nearly nothing) and
zlib-compressed. One blob holds one array of geometries of a single family
(polygonal or linear), so a store can decode just the features a query needs.
"""

from __future__ import annotations

import zlib

import numpy as np
import shapely

__all__ = ["SCALE", "encode_geoms", "decode_geoms"]

SCALE = 1e4  # quantisation: units per degree
_MAGIC = b"GMC2"


def encode_geoms(geoms: np.ndarray) -> bytes:
    """Encode an array of (Multi)Polygons or (Multi)LineStrings into bytes.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        All polygonal or all linear.

    Returns
    -------
    bytes
        The compressed blob.
    """
    gtype, coords, offsets = shapely.to_ragged_array(np.asarray(geoms, dtype=object))
    q = np.round(np.asarray(coords) * SCALE).astype(np.int64)
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).astype(np.int32)
    zig = ((delta << 1) ^ (delta >> 31)).astype(np.uint32)
    planes = zig.T.copy().view(np.uint8).reshape(2, -1, 4).transpose(0, 2, 1).tobytes()
    steps = [np.diff(np.asarray(o, dtype=np.int64), prepend=0).astype(np.int32) for o in offsets]
    header = np.array([int(gtype), len(q), len(steps), *(len(s) for s in steps)], dtype=np.int64).tobytes()
    return _MAGIC + zlib.compress(header + planes + b"".join(s.tobytes() for s in steps), 9)


def decode_geoms(blob: bytes) -> np.ndarray:
    """Decode a blob written by :func:`encode_geoms`.

    Parameters
    ----------
    blob : bytes

    Returns
    -------
    numpy.ndarray of shapely geometries
    """
    if blob[:4] != _MAGIC:
        raise ValueError("not a geomap geometry blob (rebuild the data with data/build.py)")
    raw = zlib.decompress(blob[4:])
    gtype, n_coords, n_off = (int(v) for v in np.frombuffer(raw, dtype=np.int64, count=3))
    lens = np.frombuffer(raw, dtype=np.int64, count=n_off, offset=24)
    pos = 24 + 8 * n_off
    planes = np.frombuffer(raw, dtype=np.uint8, count=8 * n_coords, offset=pos).reshape(2, 4, n_coords)
    pos += 8 * n_coords
    zig = planes.transpose(0, 2, 1).copy().view(np.uint32).reshape(2, n_coords).T
    delta = (zig >> 1).astype(np.int64) ^ -(zig & 1).astype(np.int64)
    coords = np.ascontiguousarray(np.cumsum(delta, axis=0) / SCALE)
    offsets = []
    for n in lens:
        offsets.append(np.cumsum(np.frombuffer(raw, dtype=np.int32, count=int(n), offset=pos), dtype=np.int64))
        pos += 4 * int(n)
    return shapely.from_ragged_array(shapely.GeometryType(gtype), coords, tuple(offsets))
