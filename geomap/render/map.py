"""Draw an article's places and geomap's layers on one interactive map.

:func:`render` returns a :class:`GeoMap`, a :class:`folium.Map` whose page carries
Leaflet and geomap's small runtime inline: it shows in Jupyter, saves with
``m.save("map.html")`` and opens with the network off. Its page is assembled with
plain string code (:mod:`geomap.render.embed`), never through a template engine, so no text
from an article or a file is ever evaluated. The data is prepared for the
view (see :mod:`geomap.render.view`), so a regional map stays well under 1 MB, and
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

from geomap.render import escape
from geomap.render.assets import assets
from geomap.render.view import View, encode_lines, encode_points, encode_polygons, fit_view
from geomap.errors import InputError

__all__ = ["render", "GeoMap", "BASEMAPS", "build_spec", "parse_bounds"]

#: Accepted ``basemap`` values.
BASEMAPS = ("vector", "none", "osm")

_OSM_TILES = {
    "name": "OpenStreetMap",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "maxZoom": 19,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}
_AREA_KINDS = ("country", "continent")
_WORLD = (-180.0, -60.0, 180.0, 75.0)
_PALETTE = ("#8e44ad", "#16a085", "#d35400", "#2c3e50", "#c0392b", "#27ae60", "#2980b9", "#7f8c8d")


class GeoMap(folium.Map):
    """A :class:`folium.Map` drawn by geomap's inline runtime from a data spec.

    Build it with :func:`render`. Its page (Leaflet's JS and CSS inline, no CDN links,
    stable element ids) is assembled by :func:`geomap.render.embed.page_html` with plain string
    code: no template engine (Jinja2, branca) ever sees the spec or any of its text.
    ``m.save(path)``, ``m.render()``, ``m.get_root().render()`` and ``m._repr_html_()``
    (Jupyter: the page in a sandboxed ``<iframe srcdoc>``) all give that page.

    Folium elements added with ``m.add_child(...)`` (or ``element.add_to(m)``) are the
    caller's own code. Folium renders them with its templates, as for any folium map,
    into a separate part of the page after geomap's data script, between the
    :data:`geomap.render.embed.FOLIUM_START` and :data:`~geomap.render.embed.FOLIUM_END` comments.
    That part is rendered from those elements alone and never contains geomap's spec or
    text; their scripts see the Leaflet map as the variable named ``m.get_name()`` (and
    ``$``, unless jQuery is on the page, as an HTML parser for folium's popups; the
    libraries folium's own maps link from CDNs are not linked, a plugin's links are kept
    and need the network). Text put into such
    elements is the caller's to trust: folium evaluates ``{{ }}`` in it. A GeoMap cannot
    be placed inside another folium figure or element: rendering it there raises
    :class:`TypeError` (use :func:`geomap.render.embed.fragment_html` to put it in a page).

    Attributes
    ----------
    spec : dict
        What the runtime draws: view bounds, layers (encoded geometries, escaped text).
    spec_json : str
        ``spec`` as script-safe JSON (see :func:`geomap.render.escape.script_json`).
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
        """Return the map's self-contained page (see :func:`geomap.render.embed.page_html`)."""
        from geomap.render.embed import page_html

        self._page()
        return page_html(self)

    def _repr_html_(self, **kwargs) -> str:
        """Jupyter's view: the page in a sandboxed ``<iframe srcdoc>`` of the map's aspect."""
        from geomap.render.embed import iframe_html

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
                "use geomap.render.embed.fragment_html(m) or iframe_html(m) to place it in a larger page"
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
        """Return the page of the map (see :func:`geomap.render.embed.page_html`)."""
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
        ``(minlon, minlat, maxlon, maxlat)`` to show, instead of fitting the places.
    zones, borders : bool
        Draw the maritime zones / land borders.
    basemap : {"vector", "none", "osm"}
        ``"vector"``: offline land and sea from the shipped data (default); ``"none"``:
        no base map; ``"osm"``: OpenStreetMap tiles (needs the network when viewed).
    width, height : int
        The map size, in pixels, that geometries are prepared for.

    Returns
    -------
    GeoMap
        A :class:`folium.Map`; ``m.save(path)`` or :func:`geomap.render.embed.write_html`.

    Raises
    ------
    InputError
        For an unknown ``basemap``, bad points or bounds, or unreadable layer files.
    """
    from geomap.layers.base import Layer
    from geomap.layers.places import places_layer
    from geomap.layers.points import points_layer
    from geomap.layers.userfile import read_layer

    if basemap not in BASEMAPS:
        raise InputError(f"unknown basemap {basemap!r}; choose one of {', '.join(BASEMAPS)}")
    if width < 50 or height < 50:
        raise InputError(f"map size {width}x{height} is too small; give at least 50x50 pixels")
    bounds = _check_bounds(bounds) if bounds is not None else None
    user_layers = [lyr if isinstance(lyr, Layer) else read_layer(lyr, index=i) for i, lyr in enumerate(layers)]
    user_layers = [
        lyr if lyr.style else _with_style(lyr, _PALETTE[i % len(_PALETTE)]) for i, lyr in enumerate(user_layers)
    ]

    notice = None
    found = _empty_places()
    if article is not None:
        found = _article_places(article)
        if found.empty:
            notice = "No places were found in the article."
    names = [n for n in place_names]
    if names:
        found = pd.concat([found, _lookup_places(names)], ignore_index=True) if not found.empty else _lookup_places(names)
        found = gpd.GeoDataFrame(found, geometry="geometry", crs=4326)
    point_list = list(points)

    marker_layers = []
    if not found.empty:
        marker_layers.append(places_layer(found))
    if point_list:
        marker_layers.append(points_layer(point_list))

    if bounds is None:
        frames = [_local(found)] if not found.empty else []
        frames += [lyr.gdf for lyr in marker_layers[1 if not found.empty else 0:]]
        if not any(len(f) for f in frames):
            frames = [lyr.gdf for lyr in marker_layers]
        bounds = _fit_bounds(frames or [lyr.gdf for lyr in user_layers])
    view = fit_view(bounds, width=width, height=height)

    drawn: list = []
    if basemap == "vector":
        from geomap.layers.land import land_layer

        drawn.append(land_layer(view.clip, zoom=view.zoom))
    if zones:
        from geomap.layers.maritime import maritime_layers

        drawn.extend(maritime_layers(view.clip))
    if borders:
        from geomap.layers.borders import borders_layer

        drawn.append(borders_layer(view.clip))
    drawn.extend(user_layers)
    drawn.extend(marker_layers)

    spec = build_spec(drawn, view, title=title, notice=notice, basemap=basemap)
    return GeoMap(spec, title=title, places=found, notice=notice, size=(width, height))


def build_spec(
    layers: Sequence, view: View, *, title: str | None = None, notice: str | None = None, basemap: str = "vector"
) -> dict:
    """Return the runtime's spec for ``layers`` prepared for ``view`` (all text escaped).

    Parameters
    ----------
    layers : sequence of Layer
        Bottom to top.
    view : View
    title, notice : str, optional
        Plain text shown at the top of the map.
    basemap : str
        One of :data:`BASEMAPS`.
    """
    from geomap.layers.land import SEA_COLOUR

    attribution: list[str] = []
    out_layers = []
    for lyr in layers:
        features = _features(lyr, view)
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
                "q": view.quantum,
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
    }
    return spec


def _features(lyr, view: View) -> list:
    """Encode one layer's rows as ``[kind, geometry, tooltip_html, popup_html]``."""
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
    out = []
    for i in sorted(encoded):
        tip = escape.text(tips[i]) if tips is not None else ""
        pop = _popup_html(titles[i] if titles is not None else None, [(lab, vals[i]) for lab, vals in popup_cols])
        geom = encoded[i]
        if kinds[i] == 0:  # one marker per point of a multipoint
            out.extend([0, p, tip, pop] for p in geom)
        else:
            out.append([kinds[i], geom, tip, pop])
    return out


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


def _fit_bounds(frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """Bounds of all geometries with a margin (10% of the span, at least 0.2°); the world if none."""
    boxes = [f.total_bounds for f in frames if not f.empty and np.isfinite(f.total_bounds).all()]
    if not boxes:
        return _WORLD
    b = np.array(boxes)
    minlon, minlat = b[:, 0].min(), b[:, 1].min()
    maxlon, maxlat = b[:, 2].max(), b[:, 3].max()
    px = max(0.1 * (maxlon - minlon), 0.2)
    py = max(0.1 * (maxlat - minlat), 0.2)
    return (
        float(max(-180.0, minlon - px)),
        float(max(-85.0, minlat - py)),
        float(min(180.0, maxlon + px)),
        float(min(85.0, maxlat + py)),
    )


def _local(found: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places the view is fitted to: not countries or continents, whose centre points
    would stretch a regional map across a continent (they are still drawn)."""
    kind = next((c for c in ("kind", "feature_type") if c in found.columns), None)
    if kind is None:
        return found
    return found[~found[kind].isin(_AREA_KINDS)]


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
    from geomap.text.resolver import places

    found = places(text)
    if found.crs is None:
        found = found.set_crs(4326)
    return found.reset_index(drop=True)


def _lookup_places(names: list[str]) -> gpd.GeoDataFrame:
    """Look each name up in the gazetteer (most populous match); unknown names raise InputError."""
    from geomap.text.gazetteer import load_gazetteer

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


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """Parse ``"MINLON,MINLAT,MAXLON,MAXLAT"`` (see :func:`render`'s ``bounds``)."""
    return _check_bounds(text.split(","))
