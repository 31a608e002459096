"""A PNG of a map, rendered by headless Chromium (Debian's ``chromium`` package)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from geomap.render.embed import page_html
from geomap.files import atomic_write, check_writable
from geomap.render.chromium import Chromium

__all__ = ["write_png", "png_bytes"]


def png_bytes(m, *, width: int = 1000, height: int = 700, timeout: float = 60.0) -> bytes:
    """Render map ``m`` in headless Chromium and return a PNG of ``width`` × ``height`` pixels.

    The page is loaded from a temporary file; the screenshot is taken once every map on it
    has drawn (geomap's runtime marks the container ``data-geomap-ready``; with tiles, once
    the first tiles have loaded).

    Raises
    ------
    BrowserError
        If Chromium is missing, fails, or the map does not draw within ``timeout`` seconds.
    """
    with tempfile.TemporaryDirectory(prefix="geomap-png-") as tmp:
        page = Path(tmp) / "map.html"
        page.write_text(page_html(m), encoding="utf-8")
        with Chromium(width=width, height=height, timeout=timeout) as browser:
            browser.open(page)
            return browser.screenshot()


def write_png(m, path: str | os.PathLike, *, width: int = 1000, height: int = 700, timeout: float = 60.0) -> Path:
    """Write a PNG of map ``m`` to ``path`` (atomically: nothing is written on failure)."""
    check_writable(path)
    data = png_bytes(m, width=width, height=height, timeout=timeout)
    with atomic_write(path, mode="wb") as fh:
        fh.write(data)
    return Path(path)
