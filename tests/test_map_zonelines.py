"""The exact 24 nm, 200 nm and median lines of ``render(smooth_zones=True)`` (geomap.render.zonelines).

Distances are measured with the zone room's own tools (geodesic distance to the shipped
coastline, nearest states of the baseline), not with the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geomap.geodata import load_layer
from geomap.render.view import fit_view
from geomap.render.zonelines import outer_zone_areas
from geomap.zones import distance_to_layer
from geomap.zones.outer import available, nearest_states

pytestmark = pytest.mark.skipif(not available(), reason="outer-zone data not installed")

NM = 1.852


def _vertices(geoms, clip, *, margin=0.05):
    """Boundary vertices of ``geoms`` away from the clip rectangle's edges."""
    xy = shapely.get_coordinates(shapely.boundary(shapely.union_all(np.asarray(geoms, dtype=object))))
    x0, y0, x1, y1 = clip
    inner = (xy[:, 0] > x0 + margin) & (xy[:, 0] < x1 - margin) & (xy[:, 1] > y0 + margin) & (xy[:, 1] < y1 - margin)
    return xy[inner]


def _right_angle_share(geoms) -> float:
    """Share of the boundary's turns that are 85-95 degrees (the steps of grid cells)."""
    turns = []
    for ring in shapely.get_parts(shapely.boundary(shapely.union_all(np.asarray(geoms, dtype=object)))):
        xy = shapely.get_coordinates(ring)
        seg = np.diff(xy, axis=0)
        seg = seg[np.hypot(seg[:, 0], seg[:, 1]) > 1e-9]
        ang = np.degrees(np.arctan2(seg[:, 1], seg[:, 0]))
        turns.append(np.abs((np.diff(ang) + 180) % 360 - 180))
    turns = np.concatenate(turns)
    return float(np.mean((turns > 85) & (turns < 95)))


@pytest.fixture(scope="module")
def hawaii():
    view = fit_view((-161.0, 18.0, -154.0, 23.0), width=1000, height=700)
    return view, outer_zone_areas(view.clip, tolerance=view.tolerance)


@pytest.mark.parametrize(("zone", "nm"), [("eez", 200), ("contiguous_zone", 24)])
def test_outer_lines_lie_at_their_distance_from_the_coast(hawaii, zone, nm):
    view, areas = hawaii
    xy = _vertices(areas[zone].geometry.values, view.clip)
    coast = distance_to_layer(xy[:, 0], xy[:, 1], layer="coastline") / NM
    base = nearest_states(xy[:, 0], xy[:, 1])[0] / NM  # the zone engine's baseline
    # the inner edges are the territorial sea's (12 nm, also around islets the baseline lacks,
    # such as Necker Island) and the contiguous zone's
    sea = shapely.union_all(load_layer("maritime", bbox=view.clip).geometry.values)
    outer = (base > nm * 0.75) & (shapely.distance(shapely.points(xy), sea) > 0.01)
    assert outer.sum() > 100
    assert np.abs(base[outer] - nm).max() < 2.0, np.sort(np.abs(base[outer] - nm))[-5:]
    # the shipped coastline lacks some islets the baseline has (Necker Island): where they agree
    same = outer & (np.abs(coast - base) < 1.0)
    assert same.sum() > 0.8 * outer.sum()
    assert np.abs(coast[same] - nm).max() < 2.0


def test_outer_lines_are_not_grid_staircases(hawaii):
    view, areas = hawaii
    shipped = load_layer("eez", bbox=view.clip)
    shipped = shapely.clip_by_rect(shipped.geometry.values, *view.clip)
    assert _right_angle_share(shipped) > 0.3  # the shipped outlines follow grid cells
    assert _right_angle_share(areas["eez"].geometry.values) < 0.05


def test_median_lines_are_equidistant():
    view = fit_view((127.5, 33.5, 130.5, 35.5), width=1000, height=700)
    areas = outer_zone_areas(view.clip, tolerance=view.tolerance)
    eez = areas["eez"]
    kor = shapely.union_all(eez[eez["country"] == "KOR"].geometry.values)
    jpn = shapely.union_all(eez[eez["country"] == "JPN"].geometry.values)
    shared = shapely.intersection(shapely.boundary(kor), shapely.boundary(jpn))
    xy = _vertices([shapely.buffer(shared, 1e-6)], view.clip, margin=0.1)
    assert len(xy) > 20
    d1, c1, d2, c2 = nearest_states(xy[:, 0], xy[:, 1])
    assert set(c1) | set(c2) <= {"KOR", "JPN"}
    assert np.abs(d1 - d2).max() / NM < 2.0


def test_wide_views_keep_the_shipped_layers():
    view = fit_view((-170.0, -60.0, 170.0, 70.0), width=1000, height=700)
    assert outer_zone_areas(view.clip, tolerance=view.tolerance) is None
