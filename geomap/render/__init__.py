"""Draw layers into a self-contained interactive map: a page, a fragment, an iframe, a PNG.

- :mod:`geomap.render.map` draws a list of layers (:func:`draw`, :class:`GeoMap`) and its data spec;
- :mod:`geomap.render.view` fits the view and shrinks geometries to what it shows;
- :mod:`geomap.render.escape` keeps untrusted text as text on its way into HTML and JavaScript;
- :mod:`geomap.render.assets` inlines Leaflet and the map runtime (``static/``);
- :mod:`geomap.render.embed` writes pages, fragments and iframe snippets;
- :mod:`geomap.render.describe` writes the map's alternative text;
- :mod:`geomap.render.screenshot` and :mod:`geomap.render.chromium` make PNGs and PDFs with headless Chromium.

An article becomes a map in :mod:`geomap.compose` (``geomap.render(text)``).
"""

import sys as _sys
import types as _types

from geomap.render.embed import fragment_html, iframe_html, page_html, write_fragment, write_html, write_iframe
from geomap.render.escape import html_id
from geomap.render.map import BASEMAPS, GeoMap, build_spec, draw, parse_bounds
from geomap.render.screenshot import pdf_bytes, png_bytes, write_pdf, write_png

__all__ = [
    "BASEMAPS",
    "GeoMap",
    "build_spec",
    "fragment_html",
    "html_id",
    "iframe_html",
    "page_html",
    "parse_bounds",
    "pdf_bytes",
    "png_bytes",
    "draw",
    "write_fragment",
    "write_html",
    "write_iframe",
    "write_pdf",
    "write_png",
]


class _Package(_types.ModuleType):
    """``geomap.render`` is this package and, once imported, the name ``geomap.render``
    shadows the lazy :func:`geomap.compose.render`; calling the package composes a map."""

    def __call__(self, *args, **kwargs):
        from geomap.compose import render

        return render(*args, **kwargs)


_sys.modules[__name__].__class__ = _Package
