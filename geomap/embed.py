"""Write a map for a report: a whole page, a fragment to paste, or an iframe snippet.

Every writer goes through :func:`geomap.io.atomic_write`: the output appears only when
complete, and an existing file is replaced only on success.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from . import escape
from .io import atomic_write

__all__ = ["page_html", "fragment_html", "iframe_html", "write_html", "write_fragment", "write_iframe"]


def page_html(m) -> str:
    """Return ``m`` as one self-contained HTML page (Leaflet, CSS, data inline)."""
    return m.get_root().render()


def fragment_html(m, *, height: int = 500) -> str:
    """Return ``m`` as a ``<div>`` plus its scripts, to paste inside a larger HTML page.

    Parameters
    ----------
    m : GeoMap
        A map from :func:`geomap.maps.render`.
    height : int
        Height of the map in CSS pixels (its width follows the page).

    Notes
    -----
    The element id comes from a hash of the map's content, so two different maps on
    one page never clash; Leaflet and geomap's runtime load once however many
    fragments a page holds, and the fragment defines no global but ``L`` and ``geomap``.
    """
    name = m.get_name()
    a = m.assets_css, m.assets_js
    return (
        f'<div class="geomap-fragment" style="width:100%;height:{int(height)}px;position:relative">\n'
        f"<style>{a[0]}</style>\n"
        f"<script>{a[1]}</script>\n"
        f'<div class="folium-map geomap" id="{name}" style="position:relative;width:100%;height:100%"></div>\n'
        f'<script>(function(){{geomap.draw("{name}", {m.spec_json});}})();</script>\n'
        "</div>\n"
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


def write_fragment(m, path: str | os.PathLike, *, height: int = 500) -> Path:
    """Write :func:`fragment_html` of ``m`` to ``path`` atomically; return the path."""
    return _write(path, fragment_html(m, height=height))


def write_iframe(m, path: str | os.PathLike, *, aspect: float = 0.625, title: str | None = None) -> Path:
    """Write :func:`iframe_html` of ``m`` to ``path`` atomically; return the path."""
    return _write(path, iframe_html(m, aspect=aspect, title=title))


def _write(path: str | os.PathLike, text: str) -> Path:
    with atomic_write(path) as fh:
        fh.write(text)
    return Path(path)
