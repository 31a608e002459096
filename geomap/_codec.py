"""Compact binary encoding of geometry arrays.

Coordinates are quantised to 1e-5 degree (about 1.1 m, finer than the 10 m
resolution of the source data), delta-encoded as int32 and zlib-compressed.
One blob holds one array of geometries of a single family (polygonal or
linear), so a store can decode just the features a query needs.
"""

from __future__ import annotations

import zlib

import numpy as np
import shapely

__all__ = ["SCALE", "encode_geoms", "decode_geoms"]

SCALE = 1e5  # quantisation: units per degree
_MAGIC = b"GMC1"


def encode_geoms(geoms: np.ndarray) -> bytes:
    """Encode an array of (Multi)Polygons or (Multi)LineStrings into bytes.

    Parameters
    ----------
    geoms : numpy.ndarray of shapely geometries
        All polygonal or all linear; empty geometries are not allowed.

    Returns
    -------
    bytes
        The compressed blob.
    """
    gtype, coords, offsets = shapely.to_ragged_array(np.asarray(geoms, dtype=object))
    q = np.round(np.asarray(coords) * SCALE).astype(np.int64)
    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).astype(np.int32)
    parts = [np.array([int(gtype), len(offsets), len(q)], dtype=np.int64)]
    parts += [np.array([len(o)], dtype=np.int64) for o in offsets]
    header = np.concatenate(parts).tobytes()
    body = b"".join([delta.tobytes(), *(np.asarray(o, dtype=np.int64).tobytes() for o in offsets)])
    return _MAGIC + zlib.compress(header + body, 6)


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
        raise ValueError("not a geomap geometry blob")
    raw = zlib.decompress(blob[4:])
    head = np.frombuffer(raw, dtype=np.int64, count=3)
    gtype, n_off, n_coords = (int(v) for v in head)
    lens = np.frombuffer(raw, dtype=np.int64, count=n_off, offset=24)
    pos = 24 + 8 * n_off
    delta = np.frombuffer(raw, dtype=np.int32, count=2 * n_coords, offset=pos).reshape(-1, 2)
    pos += delta.nbytes
    offsets = []
    for n in lens:
        offsets.append(np.frombuffer(raw, dtype=np.int64, count=int(n), offset=pos))
        pos += 8 * int(n)
    coords = np.cumsum(delta, axis=0, dtype=np.int64) / SCALE
    return shapely.from_ragged_array(shapely.GeometryType(gtype), coords, tuple(offsets))
