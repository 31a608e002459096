"""Domain exceptions.

Every error a user can cause is one of these. Each subclasses a built-in so that
callers can catch it generically, and each message names the input, what was
wrong and how to fix it. The command line turns them into a one-line message and
exit code 2, never a traceback.
"""

from __future__ import annotations

__all__ = ["GeomapError", "InputError", "DataError", "OutputError", "BrowserError", "first_line"]


class GeomapError(Exception):
    """Base class of every geomap error."""


class InputError(GeomapError, ValueError):
    """Bad user input: a file, a coordinate, an option value."""


class DataError(GeomapError, RuntimeError):
    """The shipped data is missing or damaged (reinstall or rebuild it)."""


class OutputError(GeomapError, OSError):
    """An output could not be written (unwritable path, existing file)."""


class BrowserError(OutputError):
    """Chromium is missing, failed to start, or did not finish in time (PNG and PDF output)."""


def first_line(exc: BaseException, *, limit: int = 200) -> str:
    """The first line of a library exception's message, cut to ``limit`` characters, for a one-line error."""
    text = (str(exc).splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= limit else text[: limit - 3] + "..."
