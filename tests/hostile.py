"""A corpus of hostile text, and the inputs that carry it into every sink of ``geomap render``.

Text that strangers wrote reaches a map through article sentences, ``--title``,
``--point`` labels, GeoJSON property values and keys, layer and area file names,
AIS vessel names and user gazetteer names. Each payload here would do harm if a
template engine, an HTML parser or a JavaScript parser ever took it for code:

* template payloads would create the directory :data:`MARKER` in the working
  directory, print a user id, or turn ``111*1111`` into :data:`EVALUATED`;
* HTML and JavaScript payloads would create elements carrying ``data-pwned`` or an
  ``on...`` attribute, or set ``window.__pwned``;
* the rest (line separators, bidi overrides, control characters, 100 000-character
  strings) must come through unchanged.

The sink builders write the files a user would give and return the command-line
arguments that use them; the tests run them through the real CLI and the Python API.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

#: The directory a template payload would create in the working directory.
MARKER = "geomap_pwned"
#: What ``{{ 111*1111 }}`` becomes when a template engine evaluates it.
EVALUATED = "123321"

_OS = "lipsum[dict(__globals__=1)|first][dict(os=1)|first]"
TEMPLATE = (
    # the command runner of the report, rewritten to create MARKER (no quotes, no dots)
    "{{ " + _OS + "[dict(mkdir=1)|first](dict(" + MARKER + "=1)|first) }}",
    "{{ " + _OS + "[dict(popen=1)|first](dict(id=1)|first)[dict(read=1)|first]() }}",
    "{% set x = " + _OS + "[dict(mkdir=1)|first](dict(" + MARKER + "=1)|first) %}",
    "{{ cycler.__init__.__globals__.os.mkdir('" + MARKER + "') }}",
    '{{ joiner.__init__.__globals__["os"].mkdir("' + MARKER + '") }}',
    "{{ 111*1111 }}",
    "{{7*7}}",
    "{% for x in [1] %}",
    "{% endfor %}{% if %}",
    "{# a comment that would swallow text #}",
    "{%- raw -%}{{ 111*1111 }}{%- endraw -%}",
    "{{ self }} {{ config }} {{ request }}",
    "{{ {{ }} }} {% {% %} %} {# {# #} #}",
    "${111*1111} #{111*1111} <%= 111*1111 %> [[111*1111]]",
)
HTML = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=2</script>",
    "</script><script>window.__pwned=3</script>",
    "<!--<script>window.__pwned=4//",
    "--><svg onload=window.__pwned=5 data-pwned=5>",
    '"><b data-pwned=6 onmouseover="window.__pwned=6">bold</b>',
    "'><i data-pwned=7 onclick='window.__pwned=7'>it</i>",
    '<iframe data-pwned=8 srcdoc="<script>parent.__pwned=8</script>"></iframe>',
    "<a data-pwned=9 href=javascript:window.__pwned=9>link</a>",
    "]]><![CDATA[<style data-pwned=10>body{display:none}</style>",
    "&lt;b&gt;already escaped&amp;amp; &#123;&#123;",
)
SCRIPT = (
    "'); window.__pwned=11; ('",
    '\\"; window.__pwned=12; //\\',
    "`; window.__pwned=13; `${window.__pwned=13}",
    "\\u003c/script\\u003e \\x3c!--",
    "</SCRIPT ><ScRiPt>window.__pwned=14</sCrIpT>",
)
UNICODE = (
    "line\u2028separator\u2029paragraph",
    "\u202eevil.exe\u202c txt \u2066isolate\u2069",
    "zero\u200bwidth\ufeffbom \u00a0nbsp",
    "escape \x1b[31mred\x1b[0m bell\x07 del\x7f",
    "emoji \U0001f6a2 and \ud7ff and CJK \u4e39\u4e1c",
)
#: 100 000 characters of template and markup.
LONG = ("{{ 111*1111 }}<b data-pwned=99>" + "x" * 68) * 1000

PAYLOADS = TEMPLATE + HTML + SCRIPT + UNICODE + (LONG,)


def file_name_payloads() -> tuple[str, ...]:
    """The payloads that are legal file names here (no ``/``, no NUL, at most 200 bytes),
    less those with ``;``, which GDAL's GeoJSON reader cannot open."""
    return tuple(p for p in PAYLOADS if not set(p) & {"/", "\0", ";"} and len(p.encode("utf-8")) <= 200)


#: Cities the article sentences name, one per payload (a place's popup shows its first sentence).
CITIES = (
    "Dandong",
    "Pyongyang",
    "Shanghai",
    "Beijing",
    "Tokyo",
    "Seoul",
    "Busan",
    "Osaka",
    "Manila",
    "Hanoi",
    "Bangkok",
    "Singapore",
    "Jakarta",
    "Sydney",
    "London",
    "Paris",
    "Berlin",
    "Madrid",
    "Rome",
    "Cairo",
    "Lagos",
    "Nairobi",
    "Lima",
    "Bogota",
    "Toronto",
    "Chicago",
    "Houston",
    "Denver",
    "Moscow",
    "Warsaw",
    "Vienna",
    "Prague",
    "Oslo",
    "Stockholm",
    "Helsinki",
    "Dublin",
    "Lisbon",
    "Athens",
    "Istanbul",
    "Tehran",
)
#: ``geomap render`` options that leave out the shipped layers (fast maps of the sinks only).
BARE = ("--no-zones", "--no-borders", "--basemap", "none")
#: The first vessel's MMSI in :func:`write_ais`.
MMSI0 = 412000000


def breaks_lines(text: str) -> bool:
    """True if ``text`` holds a character Python's ``str.splitlines`` ends a line at (U+2028...)."""
    return len(f"x{text}x".splitlines()) > 1


# -- input files -------------------------------------------------------------------------


def write_article(folder: Path, payloads=PAYLOADS) -> Path:
    """An article with one paragraph per payload: ``Ships off CITY said PAYLOAD and left.``"""
    path = folder / "article.txt"
    path.write_text(
        "".join(f"Ships off {c} said {p} and left.\n\n" for c, p in zip(CITIES, payloads)), encoding="utf-8"
    )
    return path


def write_geojson(path: Path, features: list[dict]) -> Path:
    """A GeoJSON FeatureCollection of ``(lon, lat, properties)`` point features."""
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
            for lon, lat, props in features
        ],
    }
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def write_property_values(folder: Path, payloads=PAYLOADS) -> Path:
    """One point per payload; the payload is its name (tooltip) and its note (popup)."""
    return write_geojson(
        folder / "values.geojson", [(120 + 0.1 * i, 30.0, {"name": p, "note": p}) for i, p in enumerate(payloads)]
    )


def write_property_keys(folder: Path, payloads=PAYLOADS, *, per_file: int = 12) -> list[Path]:
    """One point per payload, whose one property is named by the payload; ``per_file``
    payloads a file (a popup shows the first 12 columns of a layer)."""
    return [
        write_geojson(
            folder / f"keys{k}.geojson",
            [
                (120 + 0.1 * i, 30.5 + 0.1 * k, {p: f"value {i}"})
                for i, p in enumerate(payloads[k : k + per_file], start=k)
            ],
        )
        for k in range(0, len(payloads), per_file)
    ]


def write_named_layers(folder: Path, payloads) -> list[Path]:
    """One GeoJSON file per payload, the payload being the file's name."""
    sub = folder / "named"
    sub.mkdir(exist_ok=True)
    return [write_geojson(sub / f"{p}.geojson", [(121.0 + 0.1 * i, 31.0, {"n": i})]) for i, p in enumerate(payloads)]


def write_ais(folder: Path, payloads=PAYLOADS) -> Path:
    """An AIS CSV (mmsi,timestamp,lat,lon,sog,cog,name): one vessel per payload, named by it,
    sailing east through the box of :func:`write_area` (in at fix 3, out at fix 7)."""
    t0 = pd.Timestamp("2024-01-01T00:00:00Z")
    rows = []
    for v, p in enumerate(payloads):
        for i in range(10):
            rows.append(
                (
                    MMSI0 + v,
                    (t0 + pd.Timedelta(minutes=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    26.52 + 0.005 * v,
                    119.43 + 0.04 * i,
                    9.0,
                    90.0,
                    p,
                )
            )
    path = folder / "ais.csv"
    pd.DataFrame(rows, columns=["mmsi", "timestamp", "lat", "lon", "sog", "cog", "name"]).to_csv(path, index=False)
    return path


def write_area(path: Path) -> Path:
    """The polygon the vessels of :func:`write_ais` cross."""
    ring = [[119.5, 26.5], [119.7, 26.5], [119.7, 26.7], [119.5, 26.7], [119.5, 26.5]]
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [ring]}), encoding="utf-8")
    return path


def write_gazetteer(folder: Path, payloads=PAYLOADS) -> tuple[Path, Path]:
    """A user gazetteer whose entries are named by the payloads (each found in the article
    by a plain alias ``Qarvik<n>``), and the article that names them."""
    gaz = folder / "gazetteer.csv"
    rows = [
        {
            "name": p,
            "lat": 26.0 + 0.01 * i,
            "lon": 119.0 + 0.01 * i,
            "type": "port",
            "country": "CHN",
            "aliases": f"Qarvik{i}",
        }
        for i, p in enumerate(payloads)
    ]
    pd.DataFrame(rows).to_csv(gaz, index=False)
    article = folder / "gazetteer-article.txt"
    article.write_text(
        "".join(f"The ship called at Qarvik{i} on Monday.\n\n" for i in range(len(payloads))), encoding="utf-8"
    )
    return gaz, article


# -- sinks: the arguments of `geomap render` that carry the payloads, and the texts shown --------


def sink_article(folder: Path) -> tuple[list[str], list[str]]:
    """One sentence per payload, each naming another city; shown: the sentence of each place found."""
    from geomap.text.resolver import places

    article = write_article(folder)
    sentences = [s for s in places(article.read_text(encoding="utf-8"))["sentence"] if s]
    assert len(sentences) >= 20, "the article's places were not found"
    return [str(article), "--no-zones", "--no-borders"], sentences


def sink_points(folder: Path) -> tuple[list[str], list[str]]:
    """One ``--point`` per payload, labelled by it."""
    args = []
    for i, p in enumerate(PAYLOADS):
        args += ["--point", f"30,{120 + 0.05 * i},{p}"]
    return args + list(BARE), list(PAYLOADS)


def sink_property_values(folder: Path) -> tuple[list[str], list[str]]:
    """A GeoJSON layer whose property values are the payloads."""
    return ["--layer", str(write_property_values(folder))] + list(BARE), list(PAYLOADS)


def sink_property_keys(folder: Path) -> tuple[list[str], list[str]]:
    """GeoJSON layers whose property names are the payloads."""
    args = []
    for path in write_property_keys(folder):
        args += ["--layer", str(path)]
    return args + list(BARE), list(PAYLOADS)


def sink_layer_names(folder: Path) -> tuple[list[str], list[str]]:
    """One ``--layer`` file per payload that is a legal file name, named by it."""
    names = file_name_payloads()
    args = []
    for path in write_named_layers(folder, names):
        args += ["--layer", str(path)]
    return args + list(BARE), list(names)


def sink_ais_names(folder: Path) -> tuple[list[str], list[str]]:
    """An ``--ais`` file whose vessels are named by the payloads (shown as ``NAME (MMSI)``)."""
    expected = [f"{p} ({MMSI0 + i})" for i, p in enumerate(PAYLOADS)]
    return ["--ais", str(write_ais(folder))] + list(BARE), expected


def sink_ais_area_name(folder: Path) -> tuple[list[str], list[str]]:
    """An ``--ais-area`` file named by the first template payload (a visit's zone)."""
    name = file_name_payloads()[0]
    area = write_area(folder / f"{name}.geojson")
    return ["--ais", str(write_ais(folder, ["SHIP"])), "--ais-area", str(area)] + list(BARE), [name]


def sink_gazetteer(folder: Path) -> tuple[list[str], list[str]]:
    """``places --gazetteer --format geojson`` output, drawn with ``--layer``: names from the
    user gazetteer (less those with line separators, which its CSV reader splits lines at)."""
    payloads = [p for p in PAYLOADS if not breaks_lines(p)]
    gaz, article = write_gazetteer(folder, payloads)
    out = folder / "places.geojson"
    from click.testing import CliRunner

    from geomap.console.cli import main

    res = CliRunner().invoke(
        main, ["places", str(article), "--gazetteer", str(gaz), "--format", "geojson", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    return ["--layer", str(out)] + list(BARE), payloads


SINKS = {
    "article": sink_article,
    "point": sink_points,
    "property_value": sink_property_values,
    "property_key": sink_property_keys,
    "layer_file_name": sink_layer_names,
    "ais_vessel_name": sink_ais_names,
    "ais_area_file_name": sink_ais_area_name,
    "gazetteer_name": sink_gazetteer,
}
