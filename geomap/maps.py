"""Draw an article's places and geomap's layers on one interactive map.

:func:`render` returns a :class:`GeoMap`, a :class:`folium.Map` whose page carries
Leaflet and geomap's small runtime inline: it shows in Jupyter, saves with
``m.save("map.html")`` and opens with the network off. Its page is assembled with
plain string code (:mod:`geomap.embed`), never through a template engine, so no text
from an article or a file is ever evaluated. The data is prepared for the
view (see :mod:`geomap._viewgeom`), so a regional map stays well under 1 MB, and
element ids come from a hash of the content, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Iterable, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Figure

from . import escape
from ._assets import assets
from ._describe import alt_text
from ._geolabels import geo_labels
from ._viewgeom import View, encode_lines, encode_points, encode_polygons, fit_view, pad_bounds, story_mask
from .errors import InputError

__all__ = ["render", "draw", "GeoMap", "BASEMAPS", "build_spec", "select_places", "read_article", "parse_bounds"]

#: Accepted ``basemap`` values.
BASEMAPS = ("vector", "none", "osm")

_OSM_TILES = {
    "name": "OpenStreetMap",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "maxZoom": 19,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}
_WORLD = (-180.0, -60.0, 180.0, 75.0)
_PALETTE = ("#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b", "#27ae60", "#2980b9", "#7f8c8d")


class GeoMap(folium.Map):
    """A :class:`folium.Map` drawn by geomap's inline runtime from a data spec.

    Build it with :func:`render`. Its page (Leaflet's JS and CSS inline, no CDN links,
    stable element ids) is assembled by :func:`geomap.embed.page_html` with plain string
    code: no template engine (Jinja2, branca) ever sees the spec or any of its text.
    ``m.save(path)``, ``m.render()``, ``m.get_root().render()`` and ``m._repr_html_()``
    (Jupyter: the page in a sandboxed ``<iframe srcdoc>``) all give that page.

    Folium elements added with ``m.add_child(...)`` (or ``element.add_to(m)``) are the
    caller's own code. Folium renders them with its templates, as for any folium map,
    into a separate part of the page after geomap's data script, between the
    :data:`geomap.embed.FOLIUM_START` and :data:`~geomap.embed.FOLIUM_END` comments.
    That part is rendered from those elements alone and never contains geomap's spec or
    text; their scripts see the Leaflet map as the variable named ``m.get_name()`` (and
    ``$``, unless jQuery is on the page, as an HTML parser for folium's popups; the
    libraries folium's own maps link from CDNs are not linked, a plugin's links are kept
    and need the network). Text put into such
    elements is the caller's to trust: folium evaluates ``{{ }}`` in it. A GeoMap cannot
    be placed inside another folium figure or element: rendering it there raises
    :class:`TypeError` (use :func:`geomap.embed.fragment_html` to put it in a page).

    Attributes
    ----------
    spec : dict
        What the runtime draws: view bounds, layers (encoded geometries, escaped text).
    spec_json : str
        ``spec`` as script-safe JSON (see :func:`geomap.escape.script_json`).
    title : str or None
        Plain-text title of the page (escaped when written).
    size : tuple of int
        ``(width, height)`` in pixels the geometries were prepared for.
    places : geopandas.GeoDataFrame
        The places shown as markers (from the article and ``place_names``).
    notice : str or None
        Plain-text notice shown on the map (e.g. no places found), else None.
    """

    # folium links Leaflet, jQuery and Bootstrap from CDNs; geomap inlines what it needs
    default_js: list = []
    default_css: list = []

    def __init__(
        self,
        spec: dict,
        *,
        title: str | None = None,
        places: gpd.GeoDataFrame | None = None,
        notice: str | None = None,
        size: tuple[int, int] = (1000, 700),
    ) -> None:
        super().__init__(location=None, tiles=None, zoom_start=1)
        self._name = "geomap"
        self.spec = spec
        self.spec_json = escape.script_json(spec)
        self._id = hashlib.sha256(self.spec_json.encode("utf-8")).hexdigest()[:16]
        self.title = title
        self.size = (int(size[0]), int(size[1]))
        a = assets()
        self.assets_css = a.css
        self.assets_js = a.js
        self.places = places if places is not None else _empty_places()
        self.notice = notice
        _Page(self)

    def render(self, **kwargs) -> str:
        """Return the map's self-contained page (see :func:`geomap.embed.page_html`)."""
        from .embed import page_html

        self._page()
        return page_html(self)

    def _repr_html_(self, **kwargs) -> str:
        """Jupyter's view: the page in a sandboxed ``<iframe srcdoc>`` of the map's aspect."""
        from .embed import iframe_html

        self._page()
        return iframe_html(self, aspect=self.size[1] / self.size[0], title=self.title)

    def folium_parts(self) -> tuple[str, str, str]:
        """Render the folium elements added to the map or its page by the caller.

        Returns
        -------
        tuple of str
            Their header, body and script parts, rendered by folium's own templates from
            those elements alone (geomap's spec and text are never part of them); three
            empty strings when there are none. Rendering leaves the map unchanged, so the
            page is the same every time.
        """
        page = self._page()
        elements = [c for c in page._children.values() if c is not self] + list(self._children.values())
        parts = (page.header, page.html, page.script)
        if not elements and not any(p._children for p in parts):
            return "", "", ""
        saved = [OrderedDict(p._children) for p in parts]
        try:
            for element in elements:
                element.render()
            header, body, script = (p.render() for p in parts)
        finally:
            for p, children in zip(parts, saved):
                p._children = children
        return header, body, script

    def _page(self) -> "_Page":
        root = self.get_root()
        if not isinstance(root, _Page) or root.geomap is not self:
            raise TypeError(
                "a GeoMap builds its own page and cannot be rendered inside another folium figure or element; "
                "use geomap.embed.fragment_html(m) or iframe_html(m) to place it in a larger page"
            )
        return root


class _Page(Figure):
    """The root of a :class:`GeoMap`: renders the map's page, assembled without templates."""

    def __init__(self, m: GeoMap) -> None:
        super().__init__()
        self.header._children.clear()  # branca's meta tag: the page writes its own
        self.geomap = m
        self.add_child(m, name=m.get_name())

    def render(self, **kwargs) -> str:
        """Return the page of the map (see :func:`geomap.embed.page_html`)."""
        return self.geomap.render()

    def _repr_html_(self, **kwargs) -> str:
        """Jupyter's view of the page: see :meth:`GeoMap._repr_html_`."""
        return self.geomap._repr_html_()


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
) -> GeoMap:
    """Draw an article's places, extra points and layers on an interactive map.

    Parameters
    ----------
    article : str, optional
        Article *text*; its places are found with :func:`geomap.places`.
    layers : sequence of Layer or path
        Extra layers: :class:`~geomap.layers.base.Layer` objects, or paths of GeoJSON,
        GeoParquet or CSV point files (read with :func:`geomap.layers.userfile.read_layer`).
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

    Returns
    -------
    GeoMap
        A :class:`folium.Map`; ``m.save(path)`` or :func:`geomap.embed.write_html`.

    Raises
    ------
    InputError
        For an unknown ``basemap``, bad points or bounds, a ``drop``/``only`` name that is
        not among the places, a bad ``highlight``, or unreadable layer files.
    """
    from geomap.layers.places import places_layer
    from geomap.layers.points import points_layer

    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    if width < 50 or height < 50:
        raise InputError(f"map size {width}x{height} is too small; give at least 50x50 pixels")
    bounds = _check_bounds(bounds) if bounds is not None else None
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
    drawn = _base_layers(view, basemap=basemap, zones=zones, borders=borders) + extra + user_layers
    also = _outside(found, view)
    geo = geo_labels(view, skip=set(found["name"].astype(str)) - set(also)) if basemap == "vector" else []
    return draw(drawn + place_layers + point_layers, view, title=title, notice=notice, basemap=basemap,
                places=found, also=also, labels=geo, size=(width, height))


def draw(
    layers: Sequence,
    view: View,
    *,
    title: str | None = None,
    notice: str | None = None,
    basemap: str = "vector",
    places: gpd.GeoDataFrame | None = None,
    also: Sequence[str] = (),
    labels: Sequence[list] = (),
    size: tuple[int, int] = (1000, 700),
) -> GeoMap:
    """Draw ``layers`` for ``view``: the map's spec, its alternative text and its page.

    Nothing is geocoded or read here: the layers, the places and the labels are given.

    Parameters
    ----------
    layers : sequence of Layer or (Layer, View)
        Bottom to top (see :func:`build_spec`).
    view : View
        The first view (from :func:`geomap._viewgeom.fit_view`).
    title, notice : str, optional
        Plain text shown at the top of the map.
    basemap : str
        One of :data:`BASEMAPS`.
    places : geopandas.GeoDataFrame, optional
        The story's places (kept on the map as ``m.places``, described in the alt text).
    also : sequence of str
        Names of places outside the first view, listed under the title.
    labels : sequence of list
        Country and sea labels (see :func:`build_spec`'s ``geo``).
    size : tuple of int
        The map's size in pixels, ``(width, height)``.
    """
    places = places if places is not None else _empty_places()
    spec = build_spec(layers, view, title=title, notice=notice, basemap=basemap, also=also, geo=labels)
    drawn = [item[0] if isinstance(item, tuple) else item for item in layers]
    spec["alt"] = alt_text(title=title, places=places, also=also, view=view,
                           layers=[lyr.legend_label for lyr in drawn if lyr.legend_label and not lyr.gdf.empty])
    return GeoMap(spec, title=title, places=places, notice=notice, size=size)


def _user_layers(layers: Sequence) -> list:
    """Layers given as Layer objects or file paths, each styled (a palette colour if unstyled)."""
    from geomap.layers.base import Layer
    from geomap.layers.userfile import read_layer

    out = [lyr if isinstance(lyr, Layer) else read_layer(lyr, index=i) for i, lyr in enumerate(layers)]
    return [lyr if lyr.style else _with_style(lyr, _PALETTE[i % len(_PALETTE)]) for i, lyr in enumerate(out)]


def _story_places(article: str | None, names: list[str], *, drop: list[str], only: list[str]):
    """The article's places plus ``names``, edited by ``drop`` / ``only``; and the notice, if any."""
    notice = None
    found = _empty_places()
    if article is not None:
        found = _article_places(article)
        if found.empty:
            notice = "No places were found in the article."
    if names:
        extra = _lookup_places(names)
        found = extra if found.empty else gpd.GeoDataFrame(pd.concat([found, extra], ignore_index=True),
                                                           geometry="geometry", crs=4326)
    if drop or only:
        found = select_places(found, drop=drop, only=only)
        if found.empty and notice is None:
            notice = "No places are left to show."
    return found, notice


def select_places(places: gpd.GeoDataFrame, *, drop: Sequence[str] = (), only: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Leave out the places named in ``drop``, or keep only those named in ``only``.

    A name matches a place's ``name`` or the article's wording of it (``text``), in any case.

    Raises
    ------
    InputError
        If a name matches none of the places (the message lists them).
    """
    if not drop and not only:
        return places
    keys = [_fold(places[c]) for c in ("name", "text") if c in places.columns]

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
            keep |= matches("--only", name)
    for name in drop:
        keep &= ~matches("--drop", name)
    return places[keep].reset_index(drop=True)


def _fold(col: pd.Series) -> pd.Series:
    return col.fillna("").astype(str).str.strip().str.casefold()


def _story_bounds(found: gpd.GeoDataFrame, frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """The first view: the story's places (see :func:`~geomap._viewgeom.story_mask`) and every
    given point, layer feature and track; the world if there is nothing."""
    boxes = [f.total_bounds for f in frames if not f.empty and np.isfinite(f.total_bounds).all()]
    if not found.empty:
        kind = next((c for c in ("kind", "feature_type") if c in found.columns), None)
        kinds = found[kind].fillna("").to_numpy() if kind else np.array([""] * len(found))
        from geomap.layers.places import label_rank

        scores = pd.to_numeric(found["score"], errors="coerce").to_numpy() if "score" in found.columns else None
        core = found[story_mask(found.geometry.x.to_numpy(), found.geometry.y.to_numpy(), kinds=kinds,
                                weights=label_rank(found), scores=scores)]
        boxes += [b for b in core.geometry.bounds.to_numpy() if np.isfinite(b).all()]
    return pad_bounds(np.array(boxes)) if boxes else _WORLD


def _fit_bounds(frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """Bounds of all geometries with a margin (10% of the span, at least 0.2°); the world if none."""
    boxes = [f.total_bounds for f in frames if not f.empty and np.isfinite(f.total_bounds).all()]
    return pad_bounds(np.array(boxes)) if boxes else _WORLD


def _outside(found: gpd.GeoDataFrame, view: View) -> list[str]:
    """Names of the places whose point is outside the first view (for the "also named" line)."""
    if found.empty:
        return []
    x, y = found.geometry.x.to_numpy(), found.geometry.y.to_numpy()
    minlon, minlat, maxlon, maxlat = view.visible
    out = ~((x >= minlon) & (x <= maxlon) & (y >= minlat) & (y <= maxlat))
    return list(dict.fromkeys(found["name"].astype(str)[out]))


def _base_layers(view: View, *, basemap: str, zones: bool, borders: bool) -> list:
    """Land (the world at a small scale, the view's area in detail), zones and borders."""
    drawn: list = []
    if basemap == "vector":
        from geomap.layers.land import land_layer, world_land_layer

        world_view = fit_view(_WORLD, width=1024, height=512)
        drawn.append((world_land_layer(exclude=view.clip), world_view))
        drawn.append(land_layer(view.clip, zoom=view.zoom))
    if zones:
        from geomap.layers.maritime import maritime_layers

        drawn.extend(maritime_layers(view.clip))
    if borders:
        from geomap.layers.borders import borders_layer

        drawn.append(borders_layer(view.clip))
    return drawn


def build_spec(
    layers: Sequence,
    view: View,
    *,
    title: str | None = None,
    notice: str | None = None,
    basemap: str = "vector",
    also: Sequence[str] = (),
    geo: Sequence[list] = (),
) -> dict:
    """Return the runtime's spec for ``layers`` prepared for ``view``.

    Text that the runtime inserts as HTML (names, legends, tooltips, popups, title,
    notice, credits) is escaped here; labels, the "also named" names and ``geo`` label
    texts stay plain text, which the runtime sets with ``textContent`` only.

    Parameters
    ----------
    layers : sequence of Layer or (Layer, View)
        Bottom to top; a ``(layer, other_view)`` pair prepares that layer for another
        view (e.g. the world's land at a small scale under a regional map).
    view : View
    title, notice : str, optional
        Plain text shown at the top of the map.
    basemap : str
        One of :data:`BASEMAPS`.
    also : sequence of str
        Names of places outside the first view, listed under the title.
    geo : sequence of list
        Country and sea labels, ``[lon_e5, lat_e5, text, kind, min_zoom]``
        (from :func:`geomap._geolabels.geo_labels`).
    """
    from geomap.layers.land import SEA_COLOUR

    attribution: list[str] = []
    out_layers = []
    for item in layers:
        lyr, lview = item if isinstance(item, tuple) else (item, view)
        features = _features(lyr, lview)
        for credit in lyr.attribution:
            if credit not in attribution:
                attribution.append(credit)
        out_layers.append(
            {
                "name": escape.text(lyr.name),
                "kind": lyr.kind,
                "pane": "gm" + lyr.pane.capitalize(),
                "style": dict(lyr.style),
                "legend": escape.text(lyr.legend_label) or None,
                "show": bool(lyr.show),
                "control": bool(lyr.control),
                "q": lview.quantum,
                "pq": 100000,
                "f": features,
            }
        )
    from geomap.geodata import ATTRIBUTION

    # every map credits the shipped sources, whichever layers it shows
    attribution += [ATTRIBUTION[key] for key in ("osm", "geonames", "naturalearth")]
    credits = [escape.text(c) for c in dict.fromkeys(attribution)]
    spec = {
        "bounds": [round(v, 6) for v in view.bounds],
        "layers": out_layers,
        "attribution": credits,
        "sea": SEA_COLOUR if basemap == "vector" else "#ffffff",
        "tiles": dict(_OSM_TILES) if basemap == "osm" else None,
        "title": escape.text(title) if title else None,
        "notice": escape.text(notice) if notice else None,
        "also": [str(a) for a in also],
        "geo": [list(g) for g in geo],
    }
    return spec


def _features(lyr, view: View) -> list:
    """Encode one layer's rows as ``[kind, geometry, tooltip_html, popup_html]``, points of a
    labelled layer followed by ``label_text, rank``."""
    gdf = lyr.gdf
    if gdf.empty:
        return []
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    types = gdf.geometry.geom_type.fillna("").to_numpy()
    encoded: dict[int, list] = {}
    kinds: dict[int, int] = {}
    is_point = np.array(["Point" in t for t in types])
    is_line = np.array(["Line" in t for t in types])
    is_poly = np.array(["Polygon" in t for t in types])
    for mask, kind in ((is_point, 0), (is_line, 1), (is_poly, 2)):
        rows = np.flatnonzero(mask)
        if not len(rows):
            continue
        if kind == 0:
            enc = encode_points(geoms[rows])
        elif kind == 1:
            enc = encode_lines(geoms[rows], view)
        else:
            enc = encode_polygons(geoms[rows], view)
        for local, geom in enc.items():
            encoded[int(rows[local])] = geom
            kinds[int(rows[local])] = kind
    tips = gdf[lyr.tooltip].tolist() if lyr.tooltip else None
    titles = gdf[lyr.popup_title].tolist() if lyr.popup_title else None
    popup_cols = [(label, gdf[col].tolist()) for label, col in lyr.popup]
    labels = gdf[lyr.label].tolist() if lyr.label else None
    ranks = pd.to_numeric(gdf[lyr.rank], errors="coerce").fillna(0).tolist() if lyr.rank else [0] * len(gdf)
    out = []
    for i in sorted(encoded):
        tip = escape.text(tips[i]) if tips is not None else ""
        pop = _popup_html(titles[i] if titles is not None else None, [(lab, vals[i]) for lab, vals in popup_cols])
        geom = encoded[i]
        if kinds[i] == 0:  # one marker per point of a multipoint
            tail = [_plain(labels[i]), round(float(ranks[i]), 4)] if labels is not None and _plain(labels[i]) else []
            out.extend([0, p, tip, pop, *tail] for p in geom)
        else:
            out.append([kinds[i], geom, tip, pop])
    return out


def _plain(value: object) -> str:
    """Label text: ``str(value)`` with blanks collapsed; empty for None and NaN (never HTML)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _popup_html(title: object, rows: list[tuple[str, object]]) -> str:
    """Popup HTML in which every value is escaped text; empty when there is nothing to show."""
    body = [
        f"<tr><th>{escape.text(label)}</th><td>{escape.text(value)}</td></tr>"
        for label, value in rows
        if escape.text(value) != ""
    ]
    head = f'<div class="gm-popup-title">{escape.text(title)}</div>' if escape.text(title) else ""
    if not head and not body:
        return ""
    table = f"<table>{''.join(body)}</table>" if body else ""
    return f'<div class="gm-popup">{head}{table}</div>'


def _check_bounds(bounds: Sequence[float]) -> tuple[float, float, float, float]:
    try:
        minlon, minlat, maxlon, maxlat = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise InputError(f"bounds {bounds!r}: expected four numbers MINLON,MINLAT,MAXLON,MAXLAT") from None
    if not (-180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90):
        raise InputError(
            f"bounds {bounds!r}: need -180 <= MINLON < MAXLON <= 180 and -90 <= MINLAT < MAXLAT <= 90 "
            "(order MINLON,MINLAT,MAXLON,MAXLAT)"
        )
    return minlon, minlat, maxlon, maxlat


def _with_style(lyr, colour: str):
    from dataclasses import replace

    kind = lyr.kind
    if kind == "point":
        style = {"radius": 5, "color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.8}
    elif kind == "line":
        style = {"color": colour, "weight": 2.5, "opacity": 0.9}
    else:
        style = {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.2}
    return replace(lyr, style=style)


def _empty_places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


def _article_places(text: str) -> gpd.GeoDataFrame:
    from geomap.geocode import places

    found = places(text)
    if found.crs is None:
        found = found.set_crs(4326)
    return found.reset_index(drop=True)


def _lookup_places(names: list[str]) -> gpd.GeoDataFrame:
    """Look each name up in the gazetteer (most populous match); unknown names raise InputError."""
    from geomap.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    rows = []
    for name in names:
        hits = gaz.lookup(name.strip())
        if not hits:
            raise InputError(
                f"place {name!r} is not in the gazetteer; check the spelling or give --point LAT,LON,{name}"
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


def read_article(source: str, *, max_bytes: int | None = None) -> str:
    """Read an article from a UTF-8 text file, or from stdin when ``source`` is ``"-"``.

    The same reader as :func:`geomap.places_io.read_article`, except that an empty
    article is accepted (the map then shows a notice); ``max_bytes`` defaults to
    :data:`geomap.io.MAX_ARTICLE_BYTES`.

    Raises
    ------
    InputError
        If the file is missing, unreadable, not UTF-8 text or too large.
    """
    from .io import MAX_ARTICLE_BYTES
    from .places_io import read_article as read_text

    return read_text(source, max_bytes=max_bytes or MAX_ARTICLE_BYTES, allow_empty=True)


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """Parse ``"MINLON,MINLAT,MAXLON,MAXLAT"`` (see :func:`render`'s ``bounds``)."""
    return _check_bounds(text.split(","))
