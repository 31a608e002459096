"""Keep untrusted text as text on its way into HTML and JavaScript.

Article text, place names, layer properties, file names and vessel names come from
outside. No template engine ever sees them: the map's page is assembled with plain
string code (see :mod:`geomap.render.embed`). Every string that reaches a map goes through
one of these functions: HTML is escaped with :func:`html.escape` (quotes included,
and ``{ }`` as character references), and data embedded in a ``<script>`` element is
JSON with ``< > &``, the JavaScript line separators and, inside strings, ``{ }``
written as ``\\u`` escapes, so no ``</script>`` or ``<!--`` can end or change the
script and no template syntax survives even if the text met a template engine.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

from geomap.errors import InputError

__all__ = ["text", "script_json", "attr", "html_id"]

_SCRIPT_UNSAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
# braces are escaped inside JSON strings only: outside them they are the JSON's own structure
_STRING_BRACES = str.maketrans({"{": "\\u007b", "}": "\\u007d"})
_HTML_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_HTML_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")


def text(value: Any) -> str:
    """Return ``value`` as HTML text: ``& < > " '`` escaped, ``{ }`` as ``&#123; &#125;``.

    Parameters
    ----------
    value : Any
        Anything; ``None`` and NaN become the empty string, other values ``str()``.

    Returns
    -------
    str
        Safe to place between tags or inside a quoted attribute; a browser shows
        exactly ``str(value)``.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True).translate(_HTML_BRACES)


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
        are ``\\u`` escapes, and so are ``{ }`` inside strings. Strings inside stay
        strings: nothing is evaluated.
    """
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    raw = _JSON_STRING.sub(lambda m: m.group().translate(_STRING_BRACES), raw)
    return raw.translate(_SCRIPT_UNSAFE)


def html_id(value: str) -> str:
    """Return ``value`` if it is a plain element id: 1 to 64 ASCII letters, digits, ``-`` or ``_``,
    starting with a letter (safe as an HTML id, a CSS selector and a JavaScript string).

    Raises
    ------
    InputError
        Naming the value and the rule.
    """
    if not isinstance(value, str) or not _HTML_ID.fullmatch(value):
        raise InputError(
            f"map id {value!r}: use 1 to 64 ASCII letters, digits, - or _, starting with a letter (e.g. map-2)"
        )
    return value
