"""Draw layers into a self-contained interactive map: a page, a fragment, an iframe, a PNG.

- :mod:`geomap.render.map` builds the map (:class:`GeoMap`) and its data spec;
- :mod:`geomap.render.view` fits the view and shrinks geometries to what it shows;
- :mod:`geomap.render.escape` keeps untrusted text as text on its way into HTML and JavaScript;
- :mod:`geomap.render.assets` inlines Leaflet and the map runtime (``static/``);
- :mod:`geomap.render.embed` writes pages, fragments and iframe snippets;
- :mod:`geomap.render.screenshot` and :mod:`geomap.render.chromium` make PNGs with headless Chromium.
"""

from geomap.render.embed import fragment_html, iframe_html, page_html, write_fragment, write_html, write_iframe
from geomap.render.escape import html_id
from geomap.render.map import BASEMAPS, GeoMap, build_spec, parse_bounds, render
from geomap.render.screenshot import png_bytes, write_png

__all__ = [
    "BASEMAPS",
    "GeoMap",
    "build_spec",
    "fragment_html",
    "html_id",
    "iframe_html",
    "page_html",
    "parse_bounds",
    "png_bytes",
    "render",
    "write_fragment",
    "write_html",
    "write_iframe",
    "write_png",
]
