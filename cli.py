"""The ``geomap`` command: thin click commands over the public geomap API."""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable
from typing import Any, cast

import click

import geomap
from geomap.errors import GeomapError


class UserError(click.ClickException):
    """A user error: one line on stderr, exit code 2, no traceback."""

    exit_code = 2


class BadValue(click.BadParameter):
    """A bad option or argument value: one line naming the option and the value, exit code 2."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


#: the command-line flag that sets each library parameter an error can name (GeomapError.option)
_FLAGS = {
    "overwrite": "pass --force to replace it",
    "max_bytes": "raise it with --max-bytes",
    "zone": "--zone COUNTRY:ZONE, --area FILE or --events",
    "columns": "--columns",
}


def _user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn geomap's domain errors into :class:`UserError` (exit code 2)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GeomapError as exc:
            flag = _FLAGS.get(exc.option or "")
            raise UserError(f"{exc} ({flag})" if flag else str(exc)) from None
        except BrokenPipeError:  # e.g. `geomap ... | head`
            sys.stderr.close()
            sys.exit(0)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


_NEGATIVE = re.compile(r"-\.?\d")


class Command(click.Command):
    """A command whose arguments may start with a minus sign, as in ``geomap zone -33.9,18.4``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _negatives_as_arguments(self, args))


def _negatives_as_arguments(command: click.Command, args: list[str]) -> list[str]:
    """Put the arguments after ``--`` when one starts with ``-`` and a digit (a negative number).

    Option values (``--point -33.9,18.4``) stay with their options; an unknown
    option such as ``--formt`` still gets click's message.
    """
    takes_value = {
        name
        for p in command.params
        if isinstance(p, click.Option) and not p.is_flag and not p.count
        for name in p.opts + p.secondary_opts
    }
    options: list[str] = []
    arguments: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            arguments += list(rest)
        elif _is_negative(arg) or arg == "-" or not arg.startswith("-"):
            arguments.append(arg)
        else:
            options.append(arg)
            value = next(rest, None) if arg in takes_value else None
            if value is not None:
                options.append(value)
    if not any(_is_negative(a) for a in arguments):
        return args
    return options + ["--"] + arguments


def _is_negative(arg: str) -> bool:
    """True for ``-33.9,18.4``, ``-.5``, ``-inf,0``: a minus sign that starts a number, not an option."""
    return bool(_NEGATIVE.match(arg)) or (arg.startswith("-") and _is_number(arg.split(",")[0]))


class Number(click.FloatRange):
    """A finite number (``nan``, ``inf`` and ``-inf`` are refused), optionally within a range."""

    name = "number"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise BadValue(f"{value!r} is not a number", ctx=ctx, param=param) from None
        if not math.isfinite(number):
            raise BadValue(
                f"{value!r} is not a finite number; give one in the range {self._describe_range()}",
                ctx=ctx,
                param=param,
            )
        try:
            return super().convert(number, param, ctx)
        except click.BadParameter:
            raise BadValue(f"{value!r} is not in the range {self._describe_range()}", ctx=ctx, param=param) from None


class Count(click.IntRange):
    """A whole number within a range, refused in one line."""

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            raise BadValue(
                f"{value!r} is not a whole number in the range {self._describe_range()}", ctx=ctx, param=param
            ) from None


class Group(click.Group):
    """The ``geomap`` group: its commands take negative coordinates as arguments."""

    command_class = Command


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(geomap.__version__, prog_name="geomap")
def main() -> None:
    """Turn news stories into maps and answers, offline.

    \b
    Examples:
      geomap render examples/article.txt -o map.html --png map.png
      geomap places examples/article.txt --format json
      geomap zone 26.68,119.72 39.0392,125.7625
      geomap zone --points positions.csv --distances --format csv -o zones.csv
      geomap distance 40.1292,124.3947 39.0392,125.7625
      geomap vessels ais.csv --zone CHN:territorial_sea --events

    Every command takes --help, with examples.
    """


_POSITIVE = Number(min=0, min_open=True)
_OUTPUT_HELP = "Write to this file (atomically) instead of stdout; - is stdout."
_MAX_BYTES = click.option(
    "--max-bytes",
    "max_bytes",
    type=Count(min=1),
    default=geomap.MAX_ARTICLE_BYTES,
    show_default=True,
    help="Largest article (or --jsonl line) read, in bytes; longer ones are refused.",
)


def _progress(after_s: float = 2.0):
    """A ``progress(rows)`` callback that shows rows read and their rate on a terminal's stderr, or None."""
    if not sys.stderr.isatty():
        return None
    import time

    start = time.monotonic()

    def show(rows: int) -> None:
        elapsed = time.monotonic() - start
        if elapsed >= after_s:
            click.echo(f"\r{rows:,} rows read, {rows / elapsed:,.0f} rows/s", err=True, nl=False)

    return show


@main.command("vessels")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@click.option("--zone", "zone", metavar="COUNTRY:ZONE", help="Zone of the zone engine, e.g. CHN:territorial_sea.")
@click.option(
    "--area",
    "area",
    type=click.Path(dir_okay=False, path_type=str),
    help="GeoJSON or GeoParquet polygon file instead of --zone.",
)
@click.option(
    "--columns",
    metavar="NAME=COLUMN,...",
    help="Name columns that are not recognised, e.g. mmsi=ShipId,time=ts,lat=Y,lon=X.",
)
@click.option(
    "--max-gap",
    "max_gap",
    type=_POSITIVE,
    default=6.0,
    show_default=True,
    help="Reporting gap (hours) that splits a visit.",
)
@click.option(
    "--max-speed",
    "max_speed",
    type=_POSITIVE,
    default=50.0,
    show_default=True,
    help="Implied speed (knots) above which a jump is impossible.",
)
@click.option(
    "--events", is_flag=True, help="Also find going dark, loitering and encounters (works without --zone/--area)."
)
@click.option(
    "--dark-hours",
    type=_POSITIVE,
    default=geomap.EventOptions.dark_hours,
    show_default=True,
    help="Going dark: silent for at least (hours).",
)
@click.option(
    "--loiter-speed",
    type=_POSITIVE,
    default=geomap.EventOptions.loiter_speed_kn,
    show_default=True,
    help="Loitering: average speed under (knots).",
)
@click.option(
    "--loiter-hours",
    type=_POSITIVE,
    default=geomap.EventOptions.loiter_hours,
    show_default=True,
    help="Loitering: for at least (hours).",
)
@click.option(
    "--encounter-distance",
    type=_POSITIVE,
    default=geomap.EventOptions.encounter_distance_m,
    show_default=True,
    help="Encounter: vessels within (metres).",
)
@click.option(
    "--encounter-speed",
    type=_POSITIVE,
    default=geomap.EventOptions.encounter_speed_kn,
    show_default=True,
    help="Encounter: both under (knots).",
)
@click.option(
    "--encounter-hours",
    type=_POSITIVE,
    default=geomap.EventOptions.encounter_hours,
    show_default=True,
    help="Encounter: for at least (hours).",
)
@click.option(
    "--stop-speed",
    type=_POSITIVE,
    default=geomap.EventOptions.stop_speed_kn,
    show_default=True,
    help="Port call or anchorage stop: under (knots).",
)
@click.option(
    "--stop-hours",
    type=_POSITIVE,
    default=geomap.EventOptions.stop_hours,
    show_default=True,
    help="Port call or anchorage stop: for at least (hours).",
)
@click.option(
    "--port-radius",
    type=_POSITIVE,
    default=geomap.EventOptions.port_radius_km,
    show_default=True,
    help="A stop within (km) of a port is a port call.",
)
@click.option(
    "--sts-shore",
    type=_POSITIVE,
    default=geomap.EventOptions.sts_shore_nm,
    show_default=True,
    help="An encounter outside ports at least (nm) from the coast is a transfer candidate.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "geojson"]),
    default=None,
    help="Output format [default: from the -o file's suffix (.csv, .json, .geojson), else table].",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str), help=_OUTPUT_HELP)
@click.option(
    "--rejects",
    "rejects_path",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the rejected rows, with their reasons and line numbers, to this CSV file (- is stdout).",
)
@click.option(
    "--engine",
    type=click.Choice(["default", "dask"]),
    default="default",
    show_default=True,
    help="dask: workers read, clean and analyse parts of the file (Parquet row groups, CSV byte ranges).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Address of a dask.distributed scheduler to run on (default: threads of this process).",
)
@click.option(
    "--workers",
    type=Count(min=1),
    default=None,
    help="With --engine dask and no --scheduler: worker threads (default: one per core).",
)
@_user_errors
def vessels(file: str, **opts: Any) -> None:
    """Vessel visits to a zone, and going dark, loitering and encounters, from an AIS file.

    FILE is CSV (plain or gzip) or Parquet (or a folder of Parquet files) with the
    US AIS archive columns (MMSI, BaseDateTime, LAT, LON, SOG, ..., VesselName) or
    mmsi, timestamp, lat, lon, sog, cog, name. Times without a zone are read as
    UTC. Rejected rows (malformed, bad values, duplicates, impossible jumps) are
    counted by reason on stderr.

    \b
    Examples:
      geomap vessels ais.csv --zone CHN:territorial_sea
      geomap vessels ais.csv.gz --events --format json -o events.json
      geomap vessels ais.parquet --area sansha_bay.geojson --events --format json -o out.json
    """
    from geomap.vessels import analyse, format_report, parse_columns_option, resolve_area, summary_lines, write_rejects

    _check_outputs({"-o": opts["output"] or geomap.STDOUT, "--rejects": opts["rejects_path"]})
    area = resolve_area(zone=opts["zone"], area=opts["area"])
    options = geomap.EventOptions(
        dark_hours=opts["dark_hours"],
        loiter_speed_kn=opts["loiter_speed"],
        loiter_hours=opts["loiter_hours"],
        encounter_distance_m=opts["encounter_distance"],
        encounter_speed_kn=opts["encounter_speed"],
        encounter_hours=opts["encounter_hours"],
        stop_speed_kn=opts["stop_speed"],
        stop_hours=opts["stop_hours"],
        port_radius_km=opts["port_radius"],
        sts_shore_nm=opts["sts_shore"],
    )
    result = analyse(
        file,
        area=area,
        columns=parse_columns_option(opts["columns"]),
        max_gap_h=opts["max_gap"],
        max_speed_kn=opts["max_speed"],
        events=opts["events"],
        event_options=options,
        engine=opts["engine"],
        scheduler=opts["scheduler"],
        workers=opts["workers"],
        progress=_progress(),
    )
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)
    for line in summary_lines(result.summary):
        click.echo(line, err=True)
    if opts["rejects_path"]:
        write_rejects(result.rejects, opts["rejects_path"])
    text = format_report(
        result.visits,
        result.events,
        fmt=opts["fmt"] or _format_of(opts["output"]),
        summary=result.summary,
        positions=result.positions,
        vessels=result.vessels,
    )
    _emit(text, opts["output"])


@main.command("render")
@click.argument("article", required=False, metavar="[ARTICLE|-]")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    help="HTML file to write (self-contained page unless --fragment/--iframe); - is stdout.",
)
@click.option(
    "--layer",
    "layer_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="GeoJSON, GeoParquet or CSV points file, drawn as its own layer (repeatable).",
)
@click.option("--point", "points", multiple=True, metavar="LAT,LON[,LABEL]", help="Add a point (repeatable).")
@click.option(
    "--place", "place_names", multiple=True, metavar="NAME", help="Add a place by gazetteer name (repeatable)."
)
@click.option("--title", help="Title shown on the map.")
@click.option("--bounds", metavar="MINLON,MINLAT,MAXLON,MAXLAT", help="Show this area instead of fitting the places.")
@click.option("--no-zones", is_flag=True, help="Do not draw maritime zones.")
@click.option("--no-borders", is_flag=True, help="Do not draw land borders.")
@click.option(
    "--basemap",
    type=click.Choice(["vector", "none", "osm"]),
    default="vector",
    show_default=True,
    help="vector: offline land and sea; osm: OpenStreetMap tiles (need the network to view).",
)
@click.option("--fragment", is_flag=True, help="Write a <div> plus scripts to paste into a larger HTML page.")
@click.option("--iframe", is_flag=True, help="Write a responsive <iframe> embed snippet holding the whole map.")
@click.option(
    "--id",
    "element_id",
    metavar="ID",
    help="With --fragment: id of the map element (letters, digits, "
    "- and _; default: a hash of the content), so one map can be pasted twice on a page.",
)
@click.option(
    "--png",
    "png",
    type=click.Path(dir_okay=False, path_type=str),
    help="Also write a PNG screenshot (headless Chromium); - is stdout.",
)
@click.option(
    "--scale", type=Number(0.5, 4), default=1.0, show_default=True, help="PNG pixels per map pixel (2 for print)."
)
@click.option(
    "--pdf",
    "pdf",
    type=click.Path(dir_okay=False, path_type=str),
    help="Also write a vector PDF (Chromium's print to PDF); - is stdout.",
)
@click.option(
    "--drop", "drop", multiple=True, metavar="NAME", help="Leave this place of the article off the map (repeatable)."
)
@click.option(
    "--only", "only", multiple=True, metavar="NAME", help="Show only these places of the article (repeatable)."
)
@click.option("--highlight", metavar="COUNTRY:ZONE", help="Put one zone forward, e.g. CHN:territorial_sea.")
@click.option(
    "--smooth-zones",
    is_flag=True,
    help="Exact, smooth 24 nm, 200 nm and median lines from the baseline (regional views; 5-20 s slower).",
)
@click.option(
    "--ais",
    "ais_file",
    type=click.Path(path_type=str),
    help="AIS positions file (CSV, NMEA or Parquet): draw vessel tracks, dashed gaps and events.",
)
@click.option(
    "--ais-zone", metavar="COUNTRY:ZONE", help="With --ais: also draw visits to this zone, e.g. CHN:territorial_sea."
)
@click.option(
    "--ais-area",
    type=click.Path(dir_okay=False, path_type=str),
    help="With --ais: also draw visits to the polygons of this file.",
)
@click.option(
    "--width",
    type=Count(200, 8000),
    default=1000,
    show_default=True,
    help="Map width in pixels (PNG size; data is prepared for it).",
)
@click.option(
    "--height",
    type=Count(200, 8000),
    default=700,
    show_default=True,
    help="Map height in pixels (PNG and fragment height).",
)
@_MAX_BYTES
@_user_errors
def render_cmd(article: str | None, **opts: Any) -> None:
    """Draw an article's places, borders and maritime zones on an interactive map.

    ARTICLE is a UTF-8 text file, or - for stdin. The map opens with no network:
    Leaflet and the data are inside the HTML file. Exit code 2 when the article has
    no places and no --place/--point was given (the map is still written, with a notice).

    \b
    Examples:
      geomap render examples/article.txt -o map.html
      geomap render article.txt -o map.html --png map.png --title "Sansha Bay"
      geomap render --point 26.68,119.72,"Sansha Bay" --layer tracks.geojson -o map.html
      geomap render article.txt --fragment -o map-fragment.html
      geomap render article.txt --fragment --id second-map -o map-fragment-2.html
      geomap render article.txt --drop Lima --highlight CHN:territorial_sea -o map.html
      geomap render article.txt --png map.png --scale 2 --pdf map.pdf
    """
    from geomap import atomic_write, read_article
    from geomap.render import html_id, parse_bounds, pdf_bytes, png_bytes, write_fragment, write_html, write_iframe

    if not opts["output"] and not opts["png"] and not opts["pdf"]:
        raise UserError("give an output: -o map.html, --png map.png and/or --pdf map.pdf")
    if opts["fragment"] and opts["iframe"]:
        raise UserError("--fragment and --iframe exclude each other; choose one")
    if (opts["fragment"] or opts["iframe"]) and not opts["output"]:
        raise UserError("--fragment/--iframe write to the -o file; give -o")
    if opts["element_id"] is not None:
        if not opts["fragment"]:
            raise UserError("--id names the map element of a --fragment; give --fragment too")
        html_id(opts["element_id"])
    _check_outputs({"-o": opts["output"], "--png": opts["png"], "--pdf": opts["pdf"]})
    text = read_article(article, max_bytes=opts["max_bytes"], allow_empty=True) if article is not None else None
    extra_layers: list = list(opts["layer_files"])
    if opts["ais_file"]:
        from geomap.layers import vessel_layers
        from geomap.vessels import analyse, resolve_area

        analysis = analyse(
            opts["ais_file"], area=resolve_area(zone=opts["ais_zone"], area=opts["ais_area"]), events=True
        )
        extra_layers += vessel_layers(analysis)
    elif opts["ais_zone"] or opts["ais_area"]:
        raise UserError("--ais-zone/--ais-area need --ais FILE")
    # geomap.render is the lazily loaded function, not the geomap.render package
    m = cast(Any, geomap.render)(
        text,
        layers=extra_layers,
        points=opts["points"],
        place_names=opts["place_names"],
        title=opts["title"],
        bounds=parse_bounds(opts["bounds"]) if opts["bounds"] else None,
        zones=not opts["no_zones"],
        borders=not opts["no_borders"],
        basemap=opts["basemap"],
        width=opts["width"],
        height=opts["height"],
        drop=opts["drop"],
        only=opts["only"],
        highlight=opts["highlight"],
        smooth_zones=opts["smooth_zones"],
    )
    # the screenshot first: if Chromium fails, no output has been replaced
    png = png_bytes(m, width=opts["width"], height=opts["height"], scale=opts["scale"]) if opts["png"] else None
    pdf = pdf_bytes(m, width=opts["width"], height=opts["height"]) if opts["pdf"] else None
    if opts["output"]:
        if opts["fragment"]:
            write_fragment(m, opts["output"], height=opts["height"], element_id=opts["element_id"])
        elif opts["iframe"]:
            write_iframe(m, opts["output"], aspect=opts["height"] / opts["width"], title=opts["title"])
        else:
            write_html(m, opts["output"])
    for target, data in ((opts["png"], png), (opts["pdf"], pdf)):
        if data is not None:
            with atomic_write(target, mode="wb") as fh:
                fh.write(data)
    written = " and ".join(
        "stdout" if p == geomap.STDOUT else p for p in (opts["output"], opts["png"], opts["pdf"]) if p
    )
    click.echo(
        f"{written}: {len(m.places)} place(s) from the article and --place, {len(opts['points'])} point(s)", err=True
    )
    if m.notice:
        source = "stdin" if article == "-" else article
        if m.places.empty and not opts["points"]:
            raise UserError(
                f"no places were found in {source}; {written} shows the notice and the layers only. "
                "Add --place NAME or --point LAT,LON,LABEL"
            )
        click.echo(f"warning: no places were found in {source}; the map shows the notice", err=True)


@main.command("places")
@click.argument("file", default="-", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "geojson"]),
    default="table",
    show_default=True,
    help="Output format of the place table.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help=_OUTPUT_HELP)
@click.option(
    "--jsonl",
    is_flag=True,
    help='Batch: FILE has one {"id","text"} per line; writes one {"id","mentions"} per line, in input order.',
)
@click.option("--strict", is_flag=True, help="With --jsonl: stop at the first bad line (exit 2).")
@click.option(
    "--gazetteer",
    type=click.Path(dir_okay=False),
    help="User gazetteer CSV (name,lat,lon[,type,country,aliases]); its entries win over shipped ones.",
)
@click.option(
    "--threshold",
    type=Number(0, 1),
    default=0.5,
    show_default=True,
    help="Minimum probability that a span is a place name.",
)
@click.option(
    "--no-demonyms",
    "no_demonyms",
    is_flag=True,
    help='Do not count adjectives and demonyms ("Canadian") as mentions of their country.',
)
@_MAX_BYTES
@_user_errors
def places_cmd(
    file: str,
    fmt: str,
    output: str | None,
    jsonl: bool,
    strict: bool,
    gazetteer: str | None,
    threshold: float,
    no_demonyms: bool,
    max_bytes: int,
) -> None:
    """Find, geocode and explain the places in an article (FILE, or - for stdin).

    \b
    Examples:
      geomap places story.txt
      geomap places story.txt --format geojson -o places.geojson
      geomap places --jsonl articles.jsonl -o mentions.jsonl
    """
    from geomap import atomic_write, read_article
    from geomap.text import format_places, place_records, write_batch

    opts: dict[str, Any] = {"gazetteer": gazetteer, "threshold": threshold, "demonyms": not no_demonyms}
    if jsonl:
        with atomic_write(output or geomap.STDOUT) as fh:
            done, bad = write_batch(file, fh, strict=strict, max_bytes=max_bytes, **opts)
        if bad:
            click.echo(f"geomap: {done} line(s) parsed, {bad} bad line(s) skipped", err=True)
        return
    text = read_article(file, max_bytes=max_bytes)
    _emit(format_places(place_records(text, **opts), fmt), output)


class LatLon(click.ParamType):
    """A ``LAT,LON`` pair in degrees."""

    name = "LAT,LON"

    def convert(self, value: Any, param: Any, ctx: Any) -> tuple[float, float]:
        if isinstance(value, tuple):
            return value
        parts = str(value).replace(" ", "").split(",")
        try:
            lat, lon = (float(p) for p in parts)
        except ValueError:
            one = len(parts) == 1 and _is_number(parts[0])
            raise BadValue(
                f"{value!r} is "
                + (
                    "one number, not LAT,LON: join latitude and longitude with a comma, e.g. -33.9,18.4"
                    if one
                    else "not LAT,LON (two numbers, e.g. 26.68,119.72 or -33.9,18.4)"
                ),
                ctx=ctx,
                param=param,
            ) from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise BadValue(
                f"{value!r} is out of range: latitude -90..90, longitude -180..180 (LAT comes first)",
                ctx=ctx,
                param=param,
            )
        return lat, lon


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@main.command()
@click.argument("coords", nargs=-1, type=LatLon(), metavar="[LAT,LON]...")
@click.option(
    "--points",
    "points_file",
    metavar="FILE",
    help="CSV (lat/lon, latitude/longitude or y/x columns), GeoJSON or GeoParquet points; - reads standard input.",
)
@click.option(
    "--distances", is_flag=True, help="Add geodesic distances to the nearest coast and land border (km and nm)."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json", "geojson"]), default="table", show_default=True
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write here instead of standard output (replaced only on success); - is stdout.",
)
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option(
    "--zone-type",
    "zone_type",
    metavar="[COUNTRY:]ZONE",
    help="Keep only points in this zone, e.g. eez, CHN:eez or CHN:internal_waters (or COUNTRY alone).",
)
@click.option(
    "--basis",
    is_flag=True,
    help="Add the legal basis of each answer (e.g. the straight baseline and its points, a bay closing line).",
)
@_user_errors
def zone(
    coords: tuple[tuple[float, float], ...],
    points_file: str | None,
    distances: bool,
    fmt: str,
    output: str | None,
    force: bool,
    zone_type: str | None,
    basis: bool,
) -> None:
    """Say which country's land or water each point is in.

    Zones: land, inland_water, internal_waters, territorial_sea, contiguous_zone,
    eez, none. Countries are ISO 3166-1 alpha-3 codes. contiguous_zone (24 nm) and
    eez (200 nm) are approximate, derived from the coastline by geomap (median lines
    by equidistance); overlap_with names a second state whose 200 nm reach also
    covers the point. internal_waters are the waters behind the published straight
    baselines geomap ships (China, Viet Nam, Mayotte), historic waters (the Bohai,
    Peter the Great Gulf) and bays closed under UNCLOS art. 10, found from the
    coastline; the territorial sea is measured from those lines too. --basis names
    the legal basis of each answer.

    Every input column of --points is kept. The added columns are country, zone,
    overlap_with (and basis with --basis; coast_km, coast_nm, border_km, border_nm with --distances);
    when the input already has a column of one of these names, all the added
    columns are prefixed with geomap_ (geomap_country, geomap_zone, ...).

    \b
    Examples:
      geomap zone 26.68,119.72 39.03,125.75
      geomap zone -33.9,18.4
      geomap zone 26.68,119.72 --distances
      geomap zone --points positions.csv --format csv -o zones.csv
      geomap zone --points positions.csv --zone-type CHN:eez
      geomap zone 26.68,119.72 --basis
      geomap zone --points positions.csv --zone-type CHN:internal_waters
      cat positions.csv | geomap zone --points - --format json
    """
    from geomap import check_writable, read_points, write_table
    from geomap.zones import APPROXIMATE_NOTE, parse_zone, quick_table, zone_table

    if bool(coords) == bool(points_file):
        raise click.UsageError("give LAT,LON points or --points FILE (one of the two)")
    if output:
        check_writable(output, overwrite=force)
    if zone_type:
        parse_zone(zone_type)  # a bad filter is an error before any work
    lat = [c[0] for c in coords]
    lon = [c[1] for c in coords]
    if coords and not distances and fmt == "table":  # the fast path: no pandas
        _emit(quick_table(lat, lon, zone_type=zone_type, basis=basis), output, force)
        return
    if coords:
        import pandas as pd

        frame = pd.DataFrame({"lat": lat, "lon": lon})
        x, y = frame["lon"].to_numpy(), frame["lat"].to_numpy()
    else:
        frame, x, y = read_points(points_file)
    frame, x, y, approximate = zone_table(frame, x, y, distances=distances, zone_type=zone_type, basis=basis)
    write_table(frame, x, y, fmt=fmt, out=output)
    if approximate:
        click.echo("note: " + APPROXIMATE_NOTE, err=True)


@main.command()
@click.argument("facts_file", metavar="FACTS.csv")
@click.option("-o", "--output", metavar="FILE", help="Write the report here instead of standard output.")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@_user_errors
def check(facts_file: str, output: str | None, force: bool) -> None:
    """Check spatial claims against the zone engine; exit 1 if any fails.

    FACTS.csv has a header and, per row, a point (LAT,LON or a place name), the
    expected country (ISO alpha-3; several separated by |; none for no country)
    and zone (several separated by |), and optionally a distance claim and the
    claim's words. Each row is printed as pass or FAIL with the actual answer and
    its basis; a row that cannot be read is reported and counts as a failure.

    \b
    Example FACTS.csv:
      claim,point,country,zone,distance
      tankers anchored in Chinese waters,"26.68,119.72",CHN,territorial_sea|internal_waters,within 12 nm of the coast
      ferry docked in Busan,Busan,KOR,land|territorial_sea,
    \b
    Example:
      geomap check facts.csv
    """
    from geomap import check_writable
    from geomap.zones import check_facts, format_verdicts, read_facts

    if output and output != "-":
        check_writable(output, overwrite=force)
    facts, bad = read_facts(facts_file)
    verdicts = check_facts(facts)
    _emit(format_verdicts(verdicts, bad), output, force)
    if bad or not all(v.passed for v in verdicts):
        sys.exit(1)


@main.command()
@click.argument("start", type=LatLon())
@click.argument("end", type=LatLon())
@_user_errors
def distance(start: tuple[float, float], end: tuple[float, float]) -> None:
    """Print the geodesic distance between two points (WGS 84), in km and nm.

    \b
    Example:
      geomap distance 40.12,124.39 39.03,125.75
    """
    from geomap import NM_KM
    from geomap.zones import geodesic

    km = float(geodesic(start[0], start[1], end[0], end[1]))
    click.echo(f"{km:.3f} km  {km / NM_KM:.3f} nm")


#: output formats of ``geomap vessels`` chosen by the -o file's suffix
_VESSEL_SUFFIX_FORMATS = {".csv": "csv", ".json": "json", ".geojson": "geojson"}


def _format_of(output: str | None) -> str:
    """The vessels output format that an -o file's suffix names (``table`` for none)."""
    suffix = os.path.splitext(output or "")[1].lower()
    return _VESSEL_SUFFIX_FORMATS.get(suffix, "table")


def _emit(text: str, output: str | None, force: bool = True) -> None:
    """Print ``text`` or write it atomically to ``output`` (``-`` or None: standard output)."""
    if not output or output == geomap.STDOUT:
        click.echo(text, nl=False)
        return
    with geomap.atomic_write(output, overwrite=force) as fh:
        fh.write(text)


def _check_outputs(outputs: dict[str, str | None]) -> None:
    """Check, before any work, that each output can be written and that no two name the same file."""
    geomap.check_distinct(outputs)
    for target in outputs.values():
        if target:
            geomap.check_writable(target)


if __name__ == "__main__":  # pragma: no cover
    main()
