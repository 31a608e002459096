"""Draw a list of layers on one interactive map.

:func:`draw` returns a :class:`GeoMap`, a :class:`folium.Map` whose page carries
Leaflet and geomap's small runtime inline: it shows in Jupyter, saves with
``m.save("map.html")`` and opens with the network off. Its page is assembled with
plain string code (:mod:`geomap.render.embed`), never through a template engine, so no text
from an article or a file is ever evaluated. The data is prepared for the
view (see :mod:`geomap.render.view`), so a regional map stays well under 1 MB, and
element ids come from a hash of the content, so the same inputs give the same bytes.
Nothing is geocoded or read from files here: :mod:`geomap.compose` turns an article
into places and layers and calls :func:`draw`.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Figure

from geomap.errors import InputError
from geomap.render import escape
from geomap.render.assets import assets
from geomap.render.describe import alt_text
from geomap.render.view import View, encode_lines, encode_points, encode_polygons

__all__ = ["draw", "GeoMap", "BASEMAPS", "build_spec", "parse_bounds", "check_bounds", "empty_places"]

#: Accepted ``basemap`` values.
BASEMAPS = ("vector", "none", "osm")

_OSM_TILES = {
    "name": "OpenStreetMap",
    "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "maxZoom": 19,
    "attribution": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
}


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
        self.places = places if places is not None else empty_places()
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

    def _page(self) -> _Page:
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
        The first view (from :func:`geomap.render.view.fit_view`).
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
    places = places if places is not None else empty_places()
    spec = build_spec(layers, view, title=title, notice=notice, basemap=basemap, also=also, geo=labels)
    drawn = [item[0] if isinstance(item, tuple) else item for item in layers]
    spec["alt"] = alt_text(
        title=title,
        places=places,
        also=also,
        view=view,
        layers=[lyr.legend_label for lyr in drawn if lyr.legend_label and not lyr.gdf.empty],
    )
    return GeoMap(spec, title=title, places=places, notice=notice, size=size)


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
        (from :func:`geomap.geolabels.geo_labels`).
    """
    from geomap.layers.land import SEA_COLOUR

    attribution: list[str] = []
    out_layers = []
    pairs = [item if isinstance(item, tuple) else (item, view) for item in layers]
    # the heavy layers (land, territorial sea) are clipped and simplified by GEOS, which
    # releases the GIL: two threads encode two layers at once
    with ThreadPoolExecutor(max_workers=2) as pool:
        encoded = list(pool.map(lambda pair: _features(*pair), pairs))
    for (lyr, lview), features in zip(pairs, encoded):
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
            enc = encode_points(geoms[rows], view=view)
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
    out: list[list[Any]] = []
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


def check_bounds(bounds: Sequence[float | str]) -> tuple[float, float, float, float]:
    """Return ``(minlon, minlat, maxlon, maxlat)`` as floats, or raise :class:`InputError` naming the rule."""
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


def empty_places() -> gpd.GeoDataFrame:
    """An empty GeoDataFrame of places (a ``name`` column, points in EPSG:4326)."""
    return gpd.GeoDataFrame({"name": pd.Series([], dtype=object)}, geometry=gpd.GeoSeries([], crs=4326), crs=4326)


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """Parse ``"MINLON,MINLAT,MAXLON,MAXLAT"`` (see :func:`render`'s ``bounds``)."""
    return check_bounds(text.split(","))
