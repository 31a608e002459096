"""Vessel tracks, gaps, visits and events (the results of an AIS analysis) as map layers.

:func:`vessel_layers` turns a :class:`geomap.vessels.VesselAnalysis` into
layers: the tracks (one simplified line per vessel and track piece), the gaps
between pieces as dashed lines (a reporting gap or a jump: where the vessel was
not seen), the visits to a zone or area (entry to exit), and one point layer
per kind of event with its own symbol and a popup: going dark (where the vessel
fell silent), reappearing (where it was seen again), loitering, encounters,
port calls, anchorage stops, name changes and shared identities. Layers are
built from the analysis, never from a file. Vessel names are untrusted text:
they travel as plain strings in the layers' tables and the renderer escapes
them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap.layers.base import Layer

__all__ = ["vessel_layers", "tracks_layer", "gaps_layer", "visits_layer", "event_layers"]

TRACK_STYLE = {"color": "#5d6d7e", "weight": 1.5, "opacity": 0.7}
GAP_STYLE = {"color": "#5d6d7e", "weight": 1.5, "opacity": 0.8, "dashArray": "4 6"}
VISIT_STYLE = {"color": "#c0392b", "weight": 3, "opacity": 0.9}
_POINT = {"radius": 7, "weight": 2, "fillOpacity": 0.9}
#: event kind -> (layer name, outline colour, fill colour)
EVENT_SYMBOLS = {
    "going_dark": ("Going dark", "#17202a", "#566573"),
    "reappearing": ("Reappearing", "#17202a", "#f4f6f7"),
    "loitering": ("Loitering", "#7d3c98", "#f5b041"),
    "encounter": ("Encounters", "#922b21", "#ec7063"),
    "port_call": ("Port calls", "#1a5276", "#5dade2"),
    "anchorage": ("Anchorage stops", "#1e8449", "#82e0aa"),
    "name_change": ("Name changes", "#9a7d0a", "#f7dc6f"),
    "identity_conflict": ("Shared identities", "#6e2c00", "#dc7633"),
}
#: simplification tolerance of tracks, degrees (about 100 m)
TRACK_TOLERANCE_DEG = 0.001


def vessel_layers(result) -> list[Layer]:
    """The layers of an analysis: tracks and gaps, visits (with a zone or area), events (with events).

    Parameters
    ----------
    result : geomap.vessels.VesselAnalysis
        From :func:`geomap.vessels.analyse` with the default engine (the
        tracks need its positions and track pieces).

    Returns
    -------
    list of Layer
    """
    pos, pieces = result.positions, result.pieces
    layers = []
    if pos is not None and pieces is not None:
        layers += [tracks_layer(pos, pieces=pieces), gaps_layer(pos, pieces=pieces)]
    if result.area is not None:
        layers.append(visits_layer(result.visits, pos))
    if result.events is not None:
        layers += event_layers(result.events)
    return layers


def tracks_layer(pos, *, pieces: np.ndarray, tolerance: float = TRACK_TOLERANCE_DEG) -> Layer:
    """One line per vessel and track piece (pieces split at gaps and jumps), simplified.

    Parameters
    ----------
    pos : geomap.vessels.Positions
    pieces : ndarray
        :func:`geomap.vessels.visits.track_pieces` of ``pos``.
    tolerance : float
        Douglas-Peucker tolerance in degrees.
    """
    piece_id = np.cumsum(pieces != 0) - 1 if len(pos) else np.zeros(0, np.int64)
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


def gaps_layer(pos, *, pieces: np.ndarray) -> Layer:
    """Dashed lines over the gaps of each track: from the last fix before a reporting gap or jump to the first after it."""
    after = np.flatnonzero(np.isin(pieces, (2, 3)))  # first fix of a piece that follows a gap or a jump
    before = after - 1
    hours = (pos.t[after] - pos.t[before]) / 3600e9
    names = pos.vessel_names()
    mmsi = pos.mmsi[after]
    lines = (
        shapely.linestrings(
            np.stack(
                [
                    np.column_stack([pos.lon[before], pos.lat[before]]),
                    np.column_stack([pos.lon[after], pos.lat[after]]),
                ],
                axis=1,
            )
        )
        if after.size
        else []
    )
    gdf = gpd.GeoDataFrame(
        {
            "mmsi": mmsi.astype(str),
            "_label": [_label(names.get(int(m), ""), m) for m in mmsi],
            "kind": np.where(pieces[after] == 2, "not seen (reporting gap)", "impossible jump"),
            "start": _iso(pos.t[before]),
            "end": _iso(pos.t[after]),
            "duration": [f"{h:.2f} h" for h in hours],
        },
        geometry=list(lines),
        crs=4326,
    )
    return Layer(
        name="Track gaps",
        gdf=gdf,
        style=dict(GAP_STYLE),
        tooltip="_label",
        popup_title="_label",
        popup=(
            ("MMSI", "mmsi"),
            ("Gap", "kind"),
            ("Last seen (UTC)", "start"),
            ("Seen again (UTC)", "end"),
            ("Duration", "duration"),
        ),
        pane="lines",
    )


def visits_layer(visits: pd.DataFrame, pos) -> Layer:
    """The visits as lines from the interpolated entry through the fixes inside to the exit (entry to exit without positions)."""
    geoms = []
    firsts = visits["_first"] if "_first" in visits and pos is not None else [None] * len(visits)
    lasts = visits["_last"] if "_last" in visits and pos is not None else [None] * len(visits)
    for first, last, elon, elat, xlon, xlat in zip(
        firsts, lasts, visits["entry_lon"], visits["entry_lat"], visits["exit_lon"], visits["exit_lat"]
    ):  # one line per visit
        inner = slice(first, last + 1) if first is not None else slice(0, 0)
        xs = np.r_[elon, pos.lon[inner] if pos is not None else [], xlon]
        ys = np.r_[elat, pos.lat[inner] if pos is not None else [], xlat]
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


def event_layers(events: pd.DataFrame) -> list[Layer]:
    """One point layer per kind of event (:data:`EVENT_SYMBOLS`), for the kinds the events hold.

    A going-dark event gives two points: where the vessel went silent and
    where it reappeared.
    """
    layers = []
    for kind, (name, color, fill) in EVENT_SYMBOLS.items():
        if kind == "reappearing":
            sel = events[(events["event"] == "going_dark") & events["end_lon"].notna()]
            lon, lat, when = sel["end_lon"], sel["end_lat"], sel["end_time"]
        else:
            sel = events[events["event"] == kind]
            lon, lat, when = sel["lon"], sel["lat"], sel["start_time"]
        if len(sel):
            layers.append(
                _event_layer(sel, lon, lat, when, name=name, style={**_POINT, "color": color, "fillColor": fill})
            )
    return layers


def _event_layer(ev: pd.DataFrame, lon, lat, when, *, name: str, style: dict) -> Layer:
    """A point layer of events with a popup of their facts."""
    other = ev["other_name"].fillna("").astype(str).to_numpy()
    with_other = ev["other_mmsi"].notna().to_numpy()
    label = [
        _label(n, m) + (f" and {_label(on, om)}" if w else "")
        for n, m, on, om, w in zip(ev["name"], ev["mmsi"], other, ev["other_mmsi"], with_other)
    ]
    text = lambda col: ev[col].astype(object).where(ev[col].notna(), "").astype(str).to_numpy()  # noqa: E731
    gdf = gpd.GeoDataFrame(
        {
            "_label": label,
            "time": _iso(when),
            "start": _iso(ev["start_time"]),
            "end": _iso(ev["end_time"]),
            "duration": [f"{h:.2f} h" for h in ev["duration_h"]],
            "zone": text("zone"),
            "flags": [f"{a} / {b}" if w else a for a, b, w in zip(text("flag"), text("other_flag"), with_other)],
            "port": text("port"),
            "detail": _details(ev),
        },
        geometry=shapely.points(np.asarray(lon, np.float64), np.asarray(lat, np.float64)),
        crs=4326,
    )
    return Layer(
        name=name,
        gdf=gdf,
        style=style,
        tooltip="_label",
        popup_title="_label",
        popup=(
            ("Time (UTC)", "time"),
            ("From (UTC)", "start"),
            ("To (UTC)", "end"),
            ("Duration", "duration"),
            ("Zone", "zone"),
            ("Flag", "flags"),
            ("Port", "port"),
            ("", "detail"),
        ),
        pane="places",
    )


def _details(ev: pd.DataFrame) -> list[str]:
    """One line of what matters most about each event."""
    out = []
    for r in ev.itertuples(index=False):
        if r.event == "going_dark":
            out.append(
                f"silent {r.duration_h:.1f} h; {r.distance_m / 1852:.1f} nm between the fixes ({r.implied_speed_kn:.1f} kn)"
            )
        elif r.event == "encounter":
            sts = " — ship-to-ship transfer candidate (away from ports and coast)" if r.sts_candidate is True else ""
            out.append(f"closest {r.min_distance_m:.0f} m{sts}")
        elif r.event == "name_change":
            out.append(f"was {r.previous_name}")
        elif r.event == "identity_conflict":
            out.append(f"also {r.distance_m / 1852:.0f} nm away at the same time")
        else:
            out.append(f"average {r.avg_speed_kn:.2f} kn" if pd.notna(r.avg_speed_kn) else "")
    return out


def _label(name, mmsi) -> str:
    name = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name)
    return f"{name} ({mmsi})" if name else f"MMSI {mmsi}"


def _iso(t) -> list[str]:
    ts = pd.to_datetime(np.asarray(t), utc=True) if not isinstance(t, pd.Series) else pd.to_datetime(t, utc=True)
    return [v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in ts]
