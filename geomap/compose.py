"""Compose a map from a story: text → places → layers → map, the one place the stages meet.

:func:`render` finds and geocodes the article's places (:mod:`geomap.text`), edits them
(``drop``/``only``), reads the caller's layer files, chooses the first view on the story,
builds the base layers for it (land, maritime zones, borders, a highlighted zone) and
the country and sea labels, and hands the list of layers to :func:`geomap.render.map.draw`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.errors import InputError
from geomap.geolabels import geo_labels
from geomap.layers.places import place_labels
from geomap.render.map import empty_places
from geomap.render.view import View, fit_view, near_lon, pad_bounds, story_mask

if TYPE_CHECKING:
    from geomap.layers.base import Layer
    from geomap.render.map import GeoMap

__all__ = ["render", "read_layer", "select_places"]

_WORLD = (-180.0, -60.0, 180.0, 75.0)
_PALETTE = ("#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b", "#27ae60", "#2980b9", "#7f8c8d")


def render(
    article: str | None = None,
    *,
    layers: Sequence = (),
    points: Iterable[str | Sequence] = (),
    place_names: Iterable[str] = (),
    title: str | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    zones: bool = True,
    borders: bool = True,
    basemap: str = "vector",
    width: int = 1000,
    height: int = 700,
    drop: Iterable[str] = (),
    only: Iterable[str] = (),
    highlight: str | None = None,
    smooth_zones: bool = False,
) -> GeoMap:
    """Draw an article's places, extra points and layers on an interactive map.

    Parameters
    ----------
    article : str, optional
        Article *text*; its places are found with :func:`geomap.places`.
    layers : sequence of Layer or path
        Extra layers: :class:`~geomap.layers.base.Layer` objects, or paths of GeoJSON,
        GeoParquet or CSV point files (read with :func:`read_layer`).
    points : iterable of str or tuple
        ``"LAT,LON[,LABEL]"`` strings or ``(lat, lon[, label])`` tuples.
    place_names : iterable of str
        Names looked up in the gazetteer and added as places.
    title : str, optional
        Title shown on the map and in the page's ``<title>`` (escaped).
    bounds : tuple of float, optional
        ``(minlon, minlat, maxlon, maxlat)`` to show, instead of fitting the story.
    zones, borders : bool
        Draw the maritime zones / land borders.
    basemap : {"vector", "none", "osm"}
        ``"vector"``: offline land and sea from the shipped data (default); ``"none"``:
        no base map; ``"osm"``: OpenStreetMap tiles (needs the network when viewed).
    width, height : int
        The map size, in pixels, that geometries are prepared for.
    drop, only : iterable of str
        Place names (as found or as written in the article, any case) to leave out, or
        to keep alone, of the article's and ``place_names``' places.
    highlight : str, optional
        ``COUNTRY:ZONE`` (e.g. ``CHN:territorial_sea``) drawn forward over the zones.
    smooth_zones : bool
        Derive a regional view's 24 nm, 200 nm and median lines from the baseline
        (exact, smooth; 5-20 s more) instead of the shipped grid outlines.

    Returns
    -------
    GeoMap
        A :class:`folium.Map`; ``m.save(path)`` or :func:`geomap.render.embed.write_html`.

    Raises
    ------
    InputError
        For an unknown ``basemap``, bad points or bounds, a ``drop``/``only`` name that is
        not among the places, a bad ``highlight``, or unreadable layer files.
    """
    from geomap.layers.places import places_layer
    from geomap.layers.points import points_layer
    from geomap.render.map import BASEMAPS, check_bounds, draw

    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    if width < 50 or height < 50:
        raise InputError(f"map size {width}x{height} is too small; give at least 50x50 pixels")
    bounds = check_bounds(bounds) if bounds is not None else None
    user_layers = _user_layers(layers)
    found, notice = _story_places(article, list(place_names), drop=list(drop), only=list(only))
    point_list = list(points)
    place_layers = [places_layer(found)] if not found.empty else []
    point_layers = [points_layer(point_list)] if point_list else []
    extra = []
    if highlight:
        from geomap.layers.maritime import highlight_layer

        extra.append(highlight_layer(highlight))
    if bounds is None:
        bounds = _story_bounds(found, [lyr.gdf for lyr in point_layers + user_layers + extra])
    view = fit_view(bounds, width=width, height=height)
    drawn = _base_layers(view, basemap=basemap, zones=zones, borders=borders, smooth=smooth_zones)
    drawn += extra + user_layers
    also = _outside(found, view)
    # country and sea names already on the map as a place (under either of its names) are not repeated
    shown = [(n, lab) for n, lab in zip(found["name"].astype(str), place_labels(found)) if lab not in set(also)]
    geo = geo_labels(view, skip={n for pair in shown for n in pair}) if basemap == "vector" else []
    return draw(
        drawn + place_layers + point_layers,
        view,
        title=title,
        notice=notice,
        basemap=basemap,
        places=found,
        also=also,
        labels=geo,
        size=(width, height),
    )


def _user_layers(layers: Sequence) -> list:
    """Layers given as Layer objects or file paths, each styled (a palette colour if unstyled)."""
    from geomap.layers.base import Layer

    out = [lyr if isinstance(lyr, Layer) else read_layer(lyr, index=i) for i, lyr in enumerate(layers)]
    return [lyr if lyr.style else _with_style(lyr, _PALETTE[i % len(_PALETTE)]) for i, lyr in enumerate(out)]


def _story_places(article: str | None, names: list[str], *, drop: list[str], only: list[str]):
    """The article's places plus ``names``, edited by ``drop`` / ``only``; and the notice, if any."""
    notice = None
    found = empty_places()
    if article is not None:
        found = _article_places(article)
        if found.empty:
            notice = "No places were found in the article."
    if names:
        extra = _lookup_places(names)
        found = (
            extra
            if found.empty
            else gpd.GeoDataFrame(pd.concat([found, extra], ignore_index=True), geometry="geometry", crs=4326)
        )
    if drop or only:
        found = select_places(found, drop=drop, only=only)
        if found.empty and notice is None:
            notice = "No places are left to show."
    return found, notice


def select_places(places: gpd.GeoDataFrame, *, drop: Sequence[str] = (), only: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Leave out the places named in ``drop``, or keep only those named in ``only``.

    A name matches a place's ``name`` or the article's wording of it (``text``, ``label``), in any case.

    Raises
    ------
    InputError
        If a name matches none of the places (the message lists them).
    """
    if not drop and not only:
        return places
    keys = [_fold(places[c]) for c in ("name", "text", "label") if c in places.columns]

    def matches(option: str, name: str) -> np.ndarray:
        hit = np.zeros(len(places), dtype=bool)
        for k in keys:
            hit |= (k == name.strip().casefold()).to_numpy()
        if not hit.any():
            known = ", ".join(dict.fromkeys(places["name"].astype(str))) or "none"
            raise InputError(f"{option} {name!r}: no place of that name on the map; its places are: {known}")
        return hit

    keep = np.ones(len(places), dtype=bool)
    if only:
        keep[:] = False
        for name in only:
            keep |= matches("only", name)
    for name in drop:
        keep &= ~matches("drop", name)
    return places[keep].reset_index(drop=True)


def _fold(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.strip().str.casefold()


def _story_bounds(found: gpd.GeoDataFrame, frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """The first view: the story's places (see :func:`~geomap.render.view.story_mask`) and every
    given point, layer feature and track; the world if there is nothing."""
    boxes = _boxes(frames)
    if not found.empty:
        kind = next((c for c in ("kind", "feature_type") if c in found.columns), None)
        kinds = found[kind].fillna("").to_numpy() if kind else np.array([""] * len(found))
        from geomap.layers.places import label_rank

        scores = pd.to_numeric(found["score"], errors="coerce").to_numpy() if "score" in found.columns else None
        core = found[
            story_mask(
                found.geometry.x.to_numpy(),
                found.geometry.y.to_numpy(),
                kinds=kinds,
                weights=label_rank(found),
                scores=scores,
            )
        ]
        boxes += [b for b in core.geometry.bounds.to_numpy() if np.isfinite(b).all()]
    return pad_bounds(np.array(boxes)) if boxes else _WORLD


def _fit_bounds(frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """Bounds of all geometries with a margin (10% of the span, at least 0.2°); the world if none."""
    boxes = _boxes(frames)
    return pad_bounds(np.array(boxes)) if boxes else _WORLD


def _boxes(frames: list[gpd.GeoDataFrame]) -> list:
    """Bounds of every geometry of ``frames`` (each apart, so that a view can cross the 180th meridian)."""
    out = []
    for f in frames:
        if not f.empty:
            b = f.geometry.bounds.to_numpy(dtype=float)
            out.extend(b[np.isfinite(b).all(axis=1)])
    return out


def _outside(found: gpd.GeoDataFrame, view: View) -> list[str]:
    """Names of the places whose point is outside the first view (for the "also named" line)."""
    if found.empty:
        return []
    x, y = near_lon(found.geometry.x.to_numpy(), view), found.geometry.y.to_numpy()
    minlon, minlat, maxlon, maxlat = view.visible
    out = ~((x >= minlon) & (x <= maxlon) & (y >= minlat) & (y <= maxlat))
    return list(dict.fromkeys(np.asarray(place_labels(found), dtype=object)[out]))


def _base_layers(view: View, *, basemap: str, zones: bool, borders: bool, smooth: bool = False) -> list:
    """Land (the world at a small scale, the view's area in detail), zones and borders."""
    drawn: list = []
    if basemap == "vector":
        from geomap.layers.land import land_layer, world_land_layer

        world_view = fit_view(_WORLD, width=1024, height=512)
        if view.clip[2] > 180.0 or view.clip[0] < -180.0:  # a view across the meridian: the world on its side too
            world_view = replace(world_view, clip=(min(view.clip[0], -180.0), -90.0, max(view.clip[2], 180.0), 90.0))
        drawn.append((world_land_layer(exclude=view.clip), world_view))
        drawn.append(land_layer(view.clip, zoom=view.zoom))
    if zones:
        from geomap.layers.maritime import maritime_layers

        drawn.extend(maritime_layers(view.clip, smooth=view.tolerance if smooth else None))
    if borders:
        from geomap.layers.borders import borders_layer

        drawn.append(borders_layer(view.clip))
    return drawn


def _with_style(lyr, colour: str):
    kind = lyr.kind
    if kind == "point":
        style = {"radius": 5, "color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.8}
    elif kind == "line":
        style = {"color": colour, "weight": 2.5, "opacity": 0.9}
    else:
        style = {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.2}
    return replace(lyr, style=style)


def _article_places(text: str) -> gpd.GeoDataFrame:
    """The article's distinct places (columns of :data:`geomap.text.resolver.COLUMNS`) and
    ``label``, each place's name as the article writes it (the map's labels)."""
    from geomap.text.resolver import geoparse, places_frame, written_names

    mentions = geoparse(text)
    found = places_frame(mentions)
    found["label"] = written_names(mentions)
    return found


def _lookup_places(names: list[str]) -> gpd.GeoDataFrame:
    """Look each name up in the gazetteer (most populous match); unknown names raise InputError."""
    from geomap.text.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    rows = []
    for name in names:
        hits = gaz.lookup(name.strip())
        if not hits:
            raise InputError(
                f"place {name!r} is not in the gazetteer; check the spelling or give the place as a point (LAT,LON,{name})"
            )
        best = sorted(hits, key=lambda p: (-(p.population or 0), p.id))[0]
        rows.append(
            {
                "name": best.name,
                "gazetteer_id": best.id,
                "kind": best.kind,
                "country": best.country,
                "lat": best.lat,
                "lon": best.lon,
                "sentence": "",
                "reasons": "added by name (--place)",
            }
        )
    df = pd.DataFrame(rows)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)


def read_layer(path: str | os.PathLike, *, name: str | None = None, index: int = 0) -> Layer:
    """Read a GeoJSON, GeoParquet or CSV points file (:func:`geomap.tables.read_features`) as a layer.

    Parameters
    ----------
    path : str or PathLike
    name : str, optional
        Layer name; default is the file name without its suffix.
    index : int
        Position among the user's layers (the renderer picks colours by it).

    Raises
    ------
    InputError
        If the file is missing or unreadable, its format is unknown, or it has no geometry.
    """
    from pathlib import Path

    from geomap.layers.userfile import user_layer
    from geomap.tables import read_features

    return user_layer(read_features(path, what="layer"), name=name or Path(path).stem)
