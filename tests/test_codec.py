"""Round trips of the compact geometry encoding used by the shipped data."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geomap.codec import SCALE, decode_geoms, encode_geoms


def test_polygons_with_holes_and_multiparts_round_trip():
    donut = shapely.Polygon(
        [(0, 0), (1, 0), (1, 1), (0, 1)], [[(0.25, 0.25), (0.75, 0.25), (0.75, 0.75), (0.25, 0.25)]]
    )
    geoms = np.array(
        [shapely.MultiPolygon([shapely.box(119.1, 26.2, 119.5, 26.7), donut]), shapely.box(-180, -90, -179.5, -89.5)]
    )
    back = decode_geoms(encode_geoms(geoms))
    assert shapely.equals(back, geoms).all()
    assert shapely.get_num_interior_rings(shapely.get_parts(back[0])).tolist() == [0, 1]


def test_lines_round_trip_within_quantum():
    lines = np.array(
        [
            shapely.LineString([(-170.123456, -45.5), (10.0, 20.00004)]),
            shapely.MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]]),
        ]
    )
    back = decode_geoms(encode_geoms(lines))
    a = shapely.get_coordinates(lines)
    b = shapely.get_coordinates(back)
    assert np.abs(a - b).max() <= 0.5 / SCALE + 1e-12
    assert shapely.get_num_geometries(back).tolist() == [1, 2]


def test_rejects_foreign_bytes():
    with pytest.raises(ValueError, match="not a geomap geometry blob"):
        decode_geoms(b"XXXX" + b"\x00" * 10)
