"""Write a map for a report: a whole page, a fragment to paste, or an iframe snippet.

Pages and fragments are assembled here with plain string code, never through a
template engine (folium's and branca's Jinja2 templates included): the map's data is
script-safe JSON and its text is escaped HTML (see :mod:`geomap.render.escape`), so text
from an article or a file is shown, never evaluated.

Every writer goes through :func:`geomap.files.atomic_write`: the output appears only when
complete, and an existing file is replaced only on success.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from geomap.files import atomic_write
from geomap.render import escape

__all__ = [
    "FOLIUM_START",
    "FOLIUM_END",
    "page_html",
    "fragment_html",
    "iframe_html",
    "write_html",
    "write_fragment",
    "write_iframe",
]


#: Comments around the part of a page rendered by folium from elements the caller added.
FOLIUM_START = "<!-- folium elements added with add_child: start -->"
FOLIUM_END = "<!-- folium elements added with add_child: end -->"


def page_html(m) -> str:
    """Return ``m`` as one self-contained HTML page (Leaflet, CSS, data inline).

    The page is assembled here with plain string code, never through a template
    engine: untrusted text reaches it only escaped, inside the script-safe JSON spec
    (see :mod:`geomap.render.escape`), and the title as escaped text.
    """
    name = m.get_name()
    head, body, script = m.folium_parts()
    title = escape.text(m.title) if m.title else "geomap"
    return "".join(
        [
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n',
            f"<title>{title}</title>\n",
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n',
            f"<style>{m.assets_css}</style>\n",
            "<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }\n",
            f"#{name} {{ position: relative; width: 100%; height: 100%; }}</style>\n",
            f"<script>{m.assets_js}</script>\n",
            _folium_part(head),
            "</head>\n<body>\n",
            f'<div class="folium-map geomap" id="{name}"></div>\n',
            _folium_part(body),
            f'<script>\nvar {name} = geomap.draw("{name}", {m.spec_json});\n</script>\n',
            _folium_part(_folium_script(script, name, name)),
            "</body>\n</html>\n",
        ]
    )


def fragment_html(m, *, height: int = 500, element_id: str | None = None) -> str:
    """Return ``m`` as a ``<div>`` plus its scripts, to paste inside a larger HTML page.

    Parameters
    ----------
    m : GeoMap
        A map from :func:`geomap.render.map.render`.
    height : int
        Height of the map in CSS pixels (its width follows the page).
    element_id : str, optional
        Id of the map element (1 to 64 ASCII letters, digits, ``-`` or ``_``, starting
        with a letter); default ``m.get_name()``, from a hash of the map's content.

    Raises
    ------
    InputError
        If ``element_id`` is not such an id.

    Notes
    -----
    The default id comes from a hash of the map's content, so two different maps on
    one page never clash; to show one map twice on a page, give each copy its own
    ``element_id``. Leaflet and geomap's runtime load once however many fragments a
    page holds, and the fragment defines no global but ``L`` and ``geomap``. Like the
    page, the fragment is assembled with plain string code.
    """
    name = m.get_name()
    dom_id = name if element_id is None else escape.html_id(element_id)
    head, body, script = m.folium_parts()
    return "".join(
        [
            f'<div class="geomap-fragment" style="width:100%;height:{int(height)}px;position:relative">\n',
            f"<style>{m.assets_css}</style>\n",
            f"<script>{m.assets_js}</script>\n",
            _folium_part(head),
            f'<div class="folium-map geomap" id="{dom_id}" style="position:relative;width:100%;height:100%"></div>\n',
            _folium_part(body),
            f'<script>(function(){{geomap.draw("{dom_id}", {m.spec_json});}})();</script>\n',
            _folium_part(_folium_script(script, name, dom_id)),
            "</div>\n",
        ]
    )


def _folium_part(text: str) -> str:
    """``text`` between :data:`FOLIUM_START` and :data:`FOLIUM_END`; empty if blank."""
    return f"{FOLIUM_START}\n{text.strip()}\n{FOLIUM_END}\n" if text.strip() else ""


def _folium_script(script: str, name: str, dom_id: str) -> str:
    """The folium elements' script, run with the Leaflet map of ``dom_id`` as ``name``
    (and, unless jQuery is on the page, ``$`` as geomap's HTML parser for their popups)."""
    if not script.strip():
        return ""
    return (
        f"<script>\n(function ({name}, $) {{\n{script.strip()}\n}})"
        f'(geomap.maps["{dom_id}"].map, window.jQuery || geomap.parseHTML);\n</script>'
    )


def iframe_html(m, *, aspect: float = 0.625, title: str | None = None) -> str:
    """Return a responsive ``<iframe srcdoc>`` snippet holding the whole map page.

    Parameters
    ----------
    m : GeoMap
    aspect : float
        Height / width of the frame (0.625 is 16:10).
    title : str, optional
        Accessible title of the frame (escaped).
    """
    page = html.escape(page_html(m), quote=True)
    label = escape.attr(title or "Map")
    return (
        f'<div class="geomap-embed" style="position:relative;width:100%;height:0;padding-bottom:{aspect * 100:.2f}%">'
        f'<iframe title="{label}" srcdoc="{page}" '
        'style="position:absolute;top:0;left:0;width:100%;height:100%;border:0" '
        'sandbox="allow-scripts allow-popups" loading="lazy"></iframe></div>\n'
    )


def write_html(m, path: str | os.PathLike) -> Path:
    """Write the self-contained page of ``m`` to ``path`` atomically; return the path."""
    return _write(path, page_html(m))


def write_fragment(m, path: str | os.PathLike, *, height: int = 500, element_id: str | None = None) -> Path:
    """Write :func:`fragment_html` of ``m`` to ``path`` atomically; return the path."""
    return _write(path, fragment_html(m, height=height, element_id=element_id))


def write_iframe(m, path: str | os.PathLike, *, aspect: float = 0.625, title: str | None = None) -> Path:
    """Write :func:`iframe_html` of ``m`` to ``path`` atomically; return the path."""
    return _write(path, iframe_html(m, aspect=aspect, title=title))


def _write(path: str | os.PathLike, text: str) -> Path:
    with atomic_write(path) as fh:
        fh.write(text)
    return Path(path)
