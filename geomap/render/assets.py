"""The JavaScript and CSS a map needs, read once from installed packages.

Leaflet comes from the ``xstatic-leaflet`` package on PyPI (its images are inlined
as ``data:`` URIs), geomap's own runtime from ``geomap/static``. Nothing is fetched
from a CDN: a saved map carries all of it and opens with the network off.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap.errors import DataError

__all__ = ["Assets", "assets"]

_STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Assets:
    """Inline assets of a map.

    Attributes
    ----------
    css : str
        Leaflet's CSS (images as data URIs) followed by geomap's CSS.
    js : str
        Leaflet (loaded only if ``window.L`` is absent) followed by geomap's runtime
        (which also guards itself), so two maps on one page load each library once.
    leaflet_version : str
        The Leaflet version shipped by xstatic-leaflet.
    """

    css: str
    js: str
    leaflet_version: str


@lru_cache(maxsize=1)
def assets() -> Assets:
    """Return the inline JS and CSS of a map (read once per process).

    Raises
    ------
    DataError
        If xstatic-leaflet is missing or its files are damaged.
    """
    try:
        from xstatic.pkg import leaflet as xleaflet
    except ImportError as exc:  # pragma: no cover - install problem
        raise DataError("the xstatic-leaflet package is missing; install it with: pip install xstatic-leaflet") from exc
    base = Path(xleaflet.BASE_DIR)
    try:
        ljs = (base / "leaflet.js").read_text(encoding="utf-8")
        lcss = (base / "leaflet.css").read_text(encoding="utf-8")
        gjs = (_STATIC / "geomap.js").read_text(encoding="utf-8")
        gcss = (_STATIC / "geomap.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"a map asset could not be read ({exc}); reinstall geomap and xstatic-leaflet") from exc
    ljs = re.sub(r"//# sourceMappingURL=\S*\s*$", "", ljs)
    lcss = _inline_images(lcss, base)
    js = "if(!window.L){" + ljs.strip() + "\n}\n" + gjs
    css = lcss + "\n" + gcss
    for name, text in (("JavaScript", js), ("CSS", css)):
        if re.search(r"</(script|style)", text, re.IGNORECASE):
            raise DataError(f"the map {name} contains a closing script/style tag and cannot be inlined safely")
    return Assets(css=css, js=js, leaflet_version=str(getattr(xleaflet, "VERSION", "")))


def _inline_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` by ``data:`` URIs and drop IE-only ``behavior`` rules."""

    def repl(m: re.Match[str]) -> str:
        rel = m.group(1).strip("'\"")
        path = base / rel
        if not path.is_file():
            raise DataError(f"Leaflet image {rel} is missing from {base}; reinstall xstatic-leaflet")
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"behavior:\s*url\(#default#VML\);?", "", css)
    return re.sub(r"url\((['\"]?images/[^)'\"]+['\"]?)\)", repl, css)
