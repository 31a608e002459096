"""Vessel tracks, visits and events (from an AIS file) as map layers.

:func:`vessel_layers` reads an AIS file with :mod:`geomap.vessels.read` and returns up to
three :class:`~geomap.layers.base.Layer` objects: the tracks (one simplified line
per vessel and track piece, split at reporting gaps), the visits to a zone or
area (the path from the interpolated entry to the exit) and the loitering and
encounter events (points). Vessel names are untrusted text: they travel as
plain strings in the layers' tables and the renderer escapes them.
"""

from __future__ import annotations


import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.layers.base import Layer

__all__ = ["tracks_layer", "visits_layer", "events_layer"]

TRACK_STYLE = {"color": "#5d6d7e", "weight": 1.5, "opacity": 0.7}
VISIT_STYLE = {"color": "#c0392b", "weight": 3, "opacity": 0.9}
EVENT_STYLE = {"radius": 7, "color": "#7d3c98", "weight": 2, "fillColor": "#f5b041", "fillOpacity": 0.9}
#: simplification tolerance of tracks, degrees (about 100 m)
TRACK_TOLERANCE_DEG = 0.001


def tracks_layer(pos, *, max_gap_h: float = 6.0, tolerance: float = TRACK_TOLERANCE_DEG) -> Layer:
    """One line per vessel and track piece (pieces split at gaps and jumps), simplified.

    Parameters
    ----------
    pos : geomap.vessels.read.Positions
    max_gap_h : float
    tolerance : float
        Douglas-Peucker tolerance in degrees.
    """
    from geomap.vessels.visits import track_pieces

    piece_id = np.cumsum(track_pieces(pos, max_gap_h=max_gap_h) != 0) - 1 if len(pos) else np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, piece_id[1:] != piece_id[:-1]]) if len(pos) else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, len(pos)])
    ok = counts >= 2
    keep = np.repeat(ok, counts)
    ids = np.repeat(np.arange(int(ok.sum())), counts[ok])  # pieces numbered 0.. without gaps
    lines = shapely.linestrings(pos.lon[keep], pos.lat[keep], indices=ids) if keep.any() else []
    lines = shapely.simplify(np.asarray(lines), tolerance) if len(lines) else np.array([], dtype=object)
    s = starts[ok]
    names = pos.vessel_names()
    mmsi = pos.mmsi[s]
    gdf = gpd.GeoDataFrame(
        {
            "mmsi": mmsi.astype(str),
            "name": [names.get(int(m), "") for m in mmsi],
            "_label": [_label(names.get(int(m), ""), m) for m in mmsi],
            "start": _iso(pos.t[s]),
            "end": _iso(pos.t[s + counts[ok] - 1]),
            "positions": counts[ok].astype(str),
        },
        geometry=list(lines),
        crs=4326,
    )
    return Layer(
        name="Vessel tracks",
        gdf=gdf,
        style=dict(TRACK_STYLE),
        tooltip="_label",
        popup_title="_label",
        popup=(("MMSI", "mmsi"), ("From (UTC)", "start"), ("To (UTC)", "end"), ("Positions", "positions")),
        pane="lines",
    )


def visits_layer(visits: pd.DataFrame, pos) -> Layer:
    """The visits as lines from the interpolated entry through the fixes inside to the exit."""
    geoms = []
    for first, last, elon, elat, xlon, xlat in zip(
        visits["_first"], visits["_last"], visits["entry_lon"], visits["entry_lat"], visits["exit_lon"], visits["exit_lat"]
    ):  # one line per visit
        xs = np.r_[elon, pos.lon[first : last + 1], xlon]
        ys = np.r_[elat, pos.lat[first : last + 1], xlat]
        geoms.append(shapely.simplify(shapely.linestrings(xs, ys), TRACK_TOLERANCE_DEG))
    gdf = gpd.GeoDataFrame(
        {
            "mmsi": visits["mmsi"].astype(str).to_numpy(),
            "name": visits["name"].to_numpy(),
            "_label": [_label(n, m) for n, m in zip(visits["name"], visits["mmsi"])],
            "zone": visits["zone"].astype(str).to_numpy(),
            "entry": _iso(visits["entry_time"]),
            "exit": _iso(visits["exit_time"]),
            "duration": [f"{h:.2f} h" for h in visits["duration_h"]],
            "kinds": [f"{a} / {b}" for a, b in zip(visits["entry_kind"], visits["exit_kind"])],
        },
        geometry=geoms,
        crs=4326,
    )
    return Layer(
        name="Visits",
        gdf=gdf,
        style=dict(VISIT_STYLE),
        tooltip="_label",
        popup_title="_label",
        popup=(
            ("MMSI", "mmsi"),
            ("Zone", "zone"),
            ("Entry (UTC)", "entry"),
            ("Exit (UTC)", "exit"),
            ("Duration", "duration"),
            ("Entry / exit", "kinds"),
        ),
        pane="lines",
    )


def events_layer(events: pd.DataFrame) -> Layer:
    """Loitering and encounter events as points at their mean positions."""
    other = events["other_name"].fillna("").astype(str).to_numpy() if len(events) else np.array([], dtype=object)
    label = [
        f"{kind}: {_label(n, m)}" + (f" and {_label(on, om)}" if kind == "encounter" else "")
        for kind, n, m, on, om in zip(events["event"], events["name"], events["mmsi"], other, events["other_mmsi"])
    ]
    gdf = gpd.GeoDataFrame(
        {
            "event": events["event"].to_numpy(),
            "_label": label,
            "start": _iso(events["start_time"]),
            "end": _iso(events["end_time"]),
            "duration": [f"{h:.2f} h" for h in events["duration_h"]],
            "zone": events["zone"].fillna("").astype(str).to_numpy(),
        },
        geometry=shapely.points(events["lon"].to_numpy(np.float64), events["lat"].to_numpy(np.float64)) if len(events) else [],
        crs=4326,
    )
    return Layer(
        name="Vessel events",
        gdf=gdf,
        style=dict(EVENT_STYLE),
        tooltip="_label",
        popup_title="_label",
        popup=(("Start (UTC)", "start"), ("End (UTC)", "end"), ("Duration", "duration"), ("Zone", "zone")),
        pane="places",
    )


def _label(name, mmsi) -> str:
    name = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
    return f"{name} ({mmsi})" if name else f"MMSI {mmsi}"


def _iso(t) -> list[str]:
    ts = pd.to_datetime(np.asarray(t), utc=True) if not isinstance(t, pd.Series) else pd.to_datetime(t, utc=True)
    return [v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in ts]
