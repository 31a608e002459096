"""geomap: turn news stories into maps and answers, offline.

The public API is loaded lazily so that ``import geomap`` does no work:

- :func:`geomap.zones.classify` — which country's land or water each point is in;
- :func:`geomap.zones.geodesic` — distances on the ellipsoid;
- :func:`geomap.geodata.load_layer` — shipped land, borders, coastline and maritime layers.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from geomap._version import __version__

# Installed, layers/ and data/ are geomap.layers and geomap.data (setup.cfg's package_dir).
# In a source checkout (the repository's root beside this folder) they are found there too.
_CHECKOUT = Path(__file__).resolve().parent.parent
if (_CHECKOUT / "setup.cfg").is_file() and (_CHECKOUT / "layers" / "__init__.py").is_file():
    __path__.append(str(_CHECKOUT))
    if "geomap.console" not in sys.modules:  # the repository's root is geomap.console (it holds cli.py)
        _spec = importlib.util.spec_from_file_location(
            "geomap.console", _CHECKOUT / "__init__.py", submodule_search_locations=[str(_CHECKOUT)]
        )
        if _spec is not None and _spec.loader is not None:
            _console = importlib.util.module_from_spec(_spec)
            sys.modules["geomap.console"] = _console
            _spec.loader.exec_module(_console)

# public name -> "module:attribute"; modules are imported on first use.
_LAZY = {
    "classify": "geomap.zones:classify",
    "geodesic": "geomap.zones:geodesic",
    "load_layer": "geomap.geodata:load_layer",
    "geoparse": "geomap.text:geoparse",
    "places": "geomap.text:places",
    "render": "geomap.compose:render",
    # the shared base: reading and writing files, tables and units
    "read_article": "geomap.files:read_article",
    "read_points": "geomap.tables:read_points",
    "write_table": "geomap.tables:write_table",
    "atomic_write": "geomap.files:atomic_write",
    "check_writable": "geomap.files:check_writable",
    "check_distinct": "geomap.files:check_distinct",
    "STDOUT": "geomap.files:STDOUT",
    "MAX_ARTICLE_BYTES": "geomap.files:MAX_ARTICLE_BYTES",
    "FORMATS": "geomap.tables:FORMATS",
    "NM_KM": "geomap.units:NM_KM",
    # every default value once, read at call time
    "EventOptions": "geomap.defaults:EventOptions",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'geomap' has no attribute {name!r}")
    module, attr = target.split(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
