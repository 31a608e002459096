"""JSON text that every parser reads: non-finite numbers become ``null``.

Python's :mod:`json` writes ``NaN`` and ``Infinity``, which are not JSON (RFC 8259)
and which most parsers refuse; geomap's JSON, GeoJSON and JSON Lines outputs go
through :func:`dumps` instead.
"""

from __future__ import annotations

import json
import math
from typing import Any

__all__ = ["dumps", "finite"]


def dumps(obj: Any, **options: Any) -> str:
    """:func:`json.dumps` of ``obj`` with NaN and infinities written as ``null``.

    Parameters
    ----------
    obj : object
        Dicts, lists, tuples, strings, numbers (NumPy scalars included), bools, None.
    **options
        Passed to :func:`json.dumps` (``indent``, ``ensure_ascii``...).
    """
    return json.dumps(finite(obj), allow_nan=False, **options)


def finite(obj: Any) -> Any:
    """Return ``obj`` with every non-finite float (at any depth) replaced by None."""
    if isinstance(obj, float) or (hasattr(obj, "dtype") and getattr(obj, "shape", None) == ()):
        value = obj.item() if hasattr(obj, "item") else obj
        return None if isinstance(value, float) and not math.isfinite(value) else value
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj
