"""A PNG or a PDF of a map, rendered by headless Chromium (Debian's ``chromium`` package).

Both are taken with the page in print media: the key shows its rows without
checkboxes or its collapse button, the zoom buttons and the measure tool are hidden,
and the view is fitted round that furniture as it is on screen.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from geomap.files import atomic_write, check_writable
from geomap.render.chromium import Chromium
from geomap.render.embed import page_html

__all__ = ["write_png", "png_bytes", "write_pdf", "pdf_bytes"]


def png_bytes(m, *, width: int = 1000, height: int = 700, scale: float = 1.0, timeout: float = 60.0) -> bytes:
    """Render map ``m`` in headless Chromium and return a PNG of it.

    The page is loaded from a temporary file; the screenshot is taken once every map on it
    has drawn (geomap's runtime marks the container ``data-geomap-ready``; with tiles, once
    the first tiles have loaded).

    Parameters
    ----------
    m : GeoMap
    width, height : int
        The map's size in CSS pixels.
    scale : float
        Device pixels per CSS pixel: the PNG is ``scale × width`` by ``scale × height``
        pixels (2 for print).
    timeout : float
        Seconds to wait for Chromium.

    Raises
    ------
    BrowserError
        If Chromium is missing, fails, or the map does not draw within ``timeout`` seconds.
    """
    return _capture(m, width=width, height=height, scale=scale, timeout=timeout, pdf=False)


def pdf_bytes(m, *, width: int = 1000, height: int = 700, timeout: float = 60.0) -> bytes:
    """Return map ``m`` printed by Chromium to a one-page vector PDF of ``width`` × ``height`` CSS pixels.

    Raises
    ------
    BrowserError
        As :func:`png_bytes`.
    """
    return _capture(m, width=width, height=height, scale=1.0, timeout=timeout, pdf=True)


def write_png(
    m, path: str | os.PathLike, *, width: int = 1000, height: int = 700, scale: float = 1.0, timeout: float = 60.0
) -> Path:
    """Write a PNG of map ``m`` to ``path`` (atomically: nothing is written on failure)."""
    check_writable(path)
    return _write(path, png_bytes(m, width=width, height=height, scale=scale, timeout=timeout))


def write_pdf(m, path: str | os.PathLike, *, width: int = 1000, height: int = 700, timeout: float = 60.0) -> Path:
    """Write a PDF of map ``m`` to ``path`` (atomically: nothing is written on failure)."""
    check_writable(path)
    return _write(path, pdf_bytes(m, width=width, height=height, timeout=timeout))


def _capture(m, *, width: int, height: int, scale: float, timeout: float, pdf: bool) -> bytes:
    with tempfile.TemporaryDirectory(prefix="geomap-png-") as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(page_html(m), encoding="utf-8")
        with Chromium(width=width, height=height, timeout=timeout, scale=scale, media="print") as browser:
            browser.open(page)
            return browser.pdf() if pdf else browser.screenshot()


def _write(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_write(path, mode="wb") as fh:
        fh.write(data)
    return Path(path)
