"""Keep untrusted text as text on its way into HTML and JavaScript.

Article text, place names, layer properties and vessel names come from outside.
Every string that reaches a map goes through one of these functions: HTML is
escaped with :func:`html.escape` (quotes included), and data embedded in a
``<script>`` element is JSON with ``<``, ``>``, ``&`` and the JavaScript line
separators written as ``\\u`` escapes, so no ``</script>`` or ``<!--`` can end
or change the script.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

__all__ = ["text", "script_json", "attr"]

_SCRIPT_UNSAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def text(value: Any) -> str:
    """Return ``value`` as HTML text: ``& < > " '`` escaped.

    Parameters
    ----------
    value : Any
        Anything; ``None`` and NaN become the empty string, other values ``str()``.

    Returns
    -------
    str
        Safe to place between tags or inside a quoted attribute.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def attr(value: Any) -> str:
    """Return ``value`` escaped for a double-quoted HTML attribute (same as :func:`text`)."""
    return text(value)


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe inside a ``<script>`` element.

    Parameters
    ----------
    value : Any
        JSON-serialisable data (dicts, lists, str, numbers, bools, None).

    Returns
    -------
    str
        Compact, key-sorted JSON (deterministic) in which ``< > &`` and U+2028/U+2029
        are ``\\u`` escapes. Strings inside stay strings: nothing is evaluated.
    """
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return raw.translate(_SCRIPT_UNSAFE)
