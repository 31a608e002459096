"""Read point tables (CSV, GeoJSON, GeoParquet) and write result tables.

Every input column is kept verbatim (CSV is read as text, so ``007`` stays
``007``); coordinates are found by name (``lat``/``lon``, ``latitude``/``longitude``
or ``y``/``x``, any case) or taken from point geometries. A bad row stops the
run with a message naming the file, the row and the value: nothing is dropped
silently.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geomap.errors import InputError, first_line
from geomap.files import MAX_TABLE_BYTES, atomic_write, read_bounded

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "FEATURE_SUFFIXES",
    "FORMATS",
    "LAT_NAMES",
    "LON_NAMES",
    "cell_text",
    "coordinate_columns",
    "format_rows",
    "format_table",
    "read_features",
    "read_points",
    "write_table",
]

#: output formats of every command that writes a table
FORMATS = ("table", "csv", "json", "geojson")
LAT_NAMES = ("lat", "latitude", "y")
LON_NAMES = ("lon", "longitude", "lng", "long", "x")


def read_points(source: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Read a point file.

    Parameters
    ----------
    source : str
        A path to a ``.csv``, ``.geojson``/``.json`` or ``.parquet`` file, or ``-``
        for CSV (or GeoJSON) on standard input.

    Returns
    -------
    frame : pandas.DataFrame
        The input columns, unchanged (no geometry column).
    lon, lat : numpy.ndarray
        Coordinates of each row.

    Raises
    ------
    InputError
        If the file is missing, unreadable, of an unknown kind, lacks coordinate
        columns, or has a row with a non-numeric or out-of-range coordinate.
    """
    name = "<stdin>" if source == "-" else source
    if source == "-":
        raw = read_bounded(sys.stdin.buffer, limit=MAX_TABLE_BYTES, where=name, hint="give the points as a file path")
        kind = "geojson" if raw.lstrip()[:1] == b"{" else "csv"
    else:
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{name}: no such file; check the path")
        kind = _kind(path)
        try:
            raw = path.read_bytes() if kind != "parquet" else b""
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    if kind == "csv":
        frame = _read_csv(raw, name)
        lon, lat = _coords_from_columns(frame, name)
    elif kind == "geojson":
        frame, lon, lat = _read_geojson(raw, name)
    else:
        frame, lon, lat = _read_parquet(Path(source), name)
    return frame, lon, lat


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if suffix in (".parquet", ".geoparquet", ".pq"):
        return "parquet"
    raise InputError(f"{path}: unknown file kind {suffix!r}; use .csv, .geojson or .parquet")


def _read_csv(raw: bytes, name: str) -> pd.DataFrame:
    import csv

    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not raw.strip():
        raise InputError(f"{name}: file is empty; expected a CSV header with lat and lon columns")
    try:
        header = raw.split(b"\n", 1)[0].decode("utf-8-sig").strip("\r")
        columns = next(iter(csv.reader([header])), [])
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text; save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise InputError(f"{name}: line 1: the header is not CSV ({exc})") from None
    _check_unique(columns, name)
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in columns}, strings_can_be_null=False)
    try:
        table = pacsv.read_csv(io.BytesIO(raw), convert_options=convert)
    except (pa.ArrowException, UnicodeDecodeError) as exc:
        raise _csv_error(raw, name, convert, exc) from None
    _check_unique(table.column_names, name)
    return table.to_pandas()


def _csv_error(raw: bytes, name: str, convert, exc: BaseException) -> InputError:
    """The error of an unreadable CSV, naming the first ragged row's line when there is one."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = raw[: bad.start].count(b"\n") + 1
        return InputError(f"{name}: line {line} is not UTF-8 text (byte {bad.start}); save the CSV as UTF-8")
    ragged = []

    def keep(row) -> str:
        ragged.append(row)
        return "error"

    try:  # again, on one thread, which numbers the rows
        pacsv.read_csv(
            io.BytesIO(raw),
            convert_options=convert,
            read_options=pacsv.ReadOptions(use_threads=False),
            parse_options=pacsv.ParseOptions(invalid_row_handler=keep),
        )
    except (pa.ArrowException, UnicodeDecodeError):
        pass
    if ragged:
        row = ragged[0]
        where = f"line {row.number}" if row.number is not None else "a row"
        return InputError(
            f"{name}: {where} has {row.actual_columns} field(s) where the header has {row.expected_columns} "
            f"({_show(row.text)}); quote values that contain commas and close every quote"
        )
    return InputError(f"{name}: not a readable CSV file ({first_line(exc)})")


def _check_unique(columns: list[str], name: str) -> None:
    """Refuse a header that names a column twice (which value would be which?)."""
    seen: set[str] = set()
    for c in columns:
        if c in seen:
            raise InputError(
                f"{name}: line 1: column {_show(c)} appears twice in the header; give each column a distinct name"
            )
        seen.add(c)


def _show(value: object, limit: int = 60) -> str:
    """A value as a person reads it in a message: numbers plain, text quoted and cut."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        text = repr(value if len(value) <= limit else value[: limit - 3] + "...")
    else:
        text = str(value)
    return text if len(text) <= limit + 2 else text[:limit] + "..."


def coordinate_columns(columns) -> tuple[object, object] | None:
    """The ``(latitude, longitude)`` columns among ``columns`` (by name, any case), or None."""
    lower: dict[str, object] = {}
    for c in columns:
        lower.setdefault(str(c).strip().lower(), c)
    lat = next((lower[n] for n in LAT_NAMES if n in lower), None)
    lon = next((lower[n] for n in LON_NAMES if n in lower), None)
    return None if lat is None or lon is None else (lat, lon)


def _coords_from_columns(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    found = coordinate_columns(frame.columns)
    if found is None:
        raise InputError(
            f"{name}: no coordinate columns; found {', '.join(map(str, frame.columns)) or 'none'}; give latitude "
            f"and longitude columns named {'/'.join(LAT_NAMES)} and {'/'.join(LON_NAMES)}"
        )
    lat_col, lon_col = found
    lat = pd.to_numeric(frame[lat_col].astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(frame[lon_col].astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        rows = np.flatnonzero(bad)
        i = int(rows[0])
        more = f" (and {rows.size - 1} more bad rows)" if rows.size > 1 else ""
        raise InputError(
            f"{name}: row {i + 1} (line {i + 2}) has {lat_col}={_show(frame[lat_col].iloc[i])}, "
            f"{lon_col}={_show(frame[lon_col].iloc[i])}; latitude must be a number within -90..90 "
            f"and longitude within -180..180{more}"
        )
    return lon, lat


def _read_geojson(raw: bytes, name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    import pandas as pd

    from geomap.geojson import is_wgs84, parse_geojson

    props, geoms, crs = parse_geojson(raw, name)
    if crs is not None and not is_wgs84(crs):
        raise InputError(f"{name}: points in {crs}; give GeoJSON in WGS 84 longitude, latitude (RFC 7946)")
    lon, lat = np.empty(len(geoms)), np.empty(len(geoms))
    for i, g in enumerate(geoms):
        if g is None or g["type"] != "Point" or not g["coordinates"]:
            got = "no geometry" if g is None else ("an empty Point" if g["type"] == "Point" else f"a {g['type']}")
            raise InputError(f"{name}: feature {i + 1} has {got}; give a Point geometry for every feature")
        lon[i], lat[i] = g["coordinates"][0], g["coordinates"][1]
    return pd.DataFrame(props, index=pd.RangeIndex(len(props))), lon, lat


def _read_parquet(path: Path, name: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    import geopandas as gpd
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            gdf = gpd.read_parquet(path)
        except ValueError:  # no geometry metadata: plain columns
            try:
                frame = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises many kinds
                raise InputError(f"{name}: not a readable Parquet file ({first_line(exc)})") from None
            _check_unique([str(c) for c in frame.columns], name)
            return frame, *_coords_from_columns(frame, name)
        except Exception as exc:
            raise InputError(f"{name}: not a readable Parquet file ({first_line(exc)})") from None
    types = gdf.geometry.geom_type
    if not (types == "Point").all():
        i = int(np.flatnonzero((types != "Point").to_numpy())[0])
        got = "no geometry" if types.iloc[i] is None else f"a {types.iloc[i]} geometry"
        raise InputError(f"{name}: row {i + 1} has {got}, not a Point; give point geometries")
    if gdf.crs is not None and not gdf.crs.equals(4326):
        gdf = gdf.to_crs(4326)
    from geomap.zones.grid import check_coordinates

    with np.errstate(invalid="ignore"):
        x, y = gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy()
    try:
        x, y = check_coordinates(x, y, source=name)
    except InputError as exc:
        raise InputError(str(exc).replace(": point ", ": row ", 1)) from None
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), x, y


def format_table(frame: pd.DataFrame) -> str:
    """Render a frame as an aligned plain-text table (nested values as JSON text)."""
    frame = _plain_columns(frame, cell_text)
    return format_rows([str(c) for c in frame.columns], frame.itertuples(index=False))


def format_rows(cols: list[str], rows, *, digits: int | None = 3, rule: bool = True) -> str:
    """Render rows (sequences of values) under ``cols`` as an aligned plain-text table.

    Parameters
    ----------
    cols : list of str
        Column headings.
    rows : iterable of sequences
        The values; ``None`` and NaN print empty.
    digits : int or None
        Decimals for floats; ``None`` prints them as they are.
    rule : bool
        Draw a line of dashes under the headings.

    Returns
    -------
    str
        The table. Control characters in values (from untrusted files) are shown
        as ``?`` so they cannot move the terminal's cursor; line breaks and tabs
        become spaces.
    """
    cells = [[_cell(v, digits) for v in row] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip()]
    if rule:
        lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def _cell(value, digits: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        if not np.isfinite(value):
            return ""
        if digits is not None:
            return f"{value:.{digits}f}"
    text = " ".join(str(value).replace("\t", " ").splitlines())
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def write_table(frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray, *, fmt: str, out: str | None = None) -> None:
    """Write a result table to ``out`` (atomically) or standard output.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns to write.
    lon, lat : numpy.ndarray
        Point coordinates (for GeoJSON geometry).
    fmt : {"table", "csv", "json", "geojson"}
    out : str, optional
        Output file; ``None`` or ``-`` writes to standard output.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if fmt == "csv":
        data = _csv_bytes(frame)
    elif fmt == "table":
        data = format_table(frame).encode("utf-8")
    elif fmt == "json":
        data = _records_json(frame).encode("utf-8") + b"\n"
    else:
        data = _geojson_bytes(frame, lon, lat)
    if out is None or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with atomic_write(out, mode="wb") as fh:
        fh.write(data)


def _plain_columns(frame: pd.DataFrame, convert) -> pd.DataFrame:
    """Pass each value of the columns that hold more than text (nested, mixed, bytes) through ``convert``."""
    import pandas as pd

    mixed = [
        i
        for i, dtype in enumerate(frame.dtypes)
        if dtype.kind == "O" and pd.api.types.infer_dtype(frame.iloc[:, i], skipna=True) not in ("string", "empty")
    ]
    if not mixed:
        return frame
    frame = frame.copy()
    for i in mixed:
        frame.isetitem(i, frame.iloc[:, i].map(convert, na_action="ignore"))
    return frame


def _jsonable(value: object, depth: int = 0) -> object:
    """A value made of JSON types only: numpy scalars and arrays unwrapped, bytes as text, NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if value is None or isinstance(value, (str, int)):
        return value
    if depth > 64:
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v, depth + 1) for v in value]
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return "0x" + bytes(value).hex()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    try:
        if value != value:  # pd.NA, NaT and friends
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def cell_text(value: object) -> str | None:
    """A value as one CSV/table cell: nested values become compact JSON text, NaN and None stay None."""
    value = _jsonable(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value if value is None else str(value)


def _records_json(frame: pd.DataFrame) -> str:
    return _plain_columns(frame, _jsonable).to_json(orient="records", force_ascii=False, double_precision=6)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV with quotes only where a value needs them (RFC 4180)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:  # text and numbers convert in one pass; anything else goes through cell_text first
        table = pa.Table.from_pandas(frame, preserve_index=False)
        flat = all(_flat_type(col.type) for col in table.columns)
    except pa.ArrowException:
        flat = False
    if not flat:
        frame = _plain_columns(frame, cell_text)
        table = pa.Table.from_pandas(frame, preserve_index=False)
    needs_quotes = any(
        pc.any(pc.match_substring_regex(col, r'[,"\r\n]')).as_py()
        for col in table.columns
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    ) or any(re.search(r'[,"\r\n]', name) for name in table.column_names)
    if needs_quotes:  # rare: let pandas quote the values that need it
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    sink = io.BytesIO()
    sink.write((",".join(table.column_names) + "\n").encode("utf-8"))
    pacsv.write_csv(table, sink, write_options=pacsv.WriteOptions(quoting_style="none", include_header=False))
    return sink.getvalue()


def _flat_type(t) -> bool:
    """Whether the CSV writer prints an Arrow type as plain text (not nested, not raw bytes)."""
    import pyarrow as pa

    return (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_boolean(t)
        or pa.types.is_null(t)
        or pa.types.is_timestamp(t)
        or pa.types.is_date(t)
    )


def _geojson_bytes(frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> bytes:
    records = json.loads(_records_json(frame))
    feats = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(x), 7), round(float(y), 7)]},
            "properties": p,
        }
        for p, x, y in zip(records, lon, lat)
    ]
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode("utf-8") + b"\n"


#: Suffixes of the feature files :func:`read_features` reads, and their format.
FEATURE_SUFFIXES = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
}


def read_features(path: str | os.PathLike, *, what: str = "layer") -> gpd.GeoDataFrame:
    """Read a GeoJSON, GeoParquet or CSV points file as features in EPSG:4326.

    Parameters
    ----------
    path : str or PathLike
        The file; its suffix picks the reader (``.geojson``/``.json``,
        ``.parquet``/``.geoparquet``, ``.csv`` with latitude/longitude columns).
    what : str
        What the file is, for messages (``"layer 'x.csv': ..."``).

    Returns
    -------
    geopandas.GeoDataFrame
        The features whose geometry is usable (empty ones dropped), in EPSG:4326.

    Raises
    ------
    InputError
        If the file is missing or unreadable, its format is unknown, a coordinate is
        out of range, or it has no geometry.
    """
    import warnings

    import numpy as np

    from geomap.geojson import check_lonlat

    p = Path(path)
    kind = FEATURE_SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise InputError(
            f"{what} {p}: unknown file type {p.suffix!r}; use one of {', '.join(sorted(FEATURE_SUFFIXES))}"
        )
    if not p.is_file():
        raise InputError(f"{what} {p}: file not found; check the path")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # every fault becomes an InputError below, none a warning
        gdf = _read_features(p, kind, what)
    geom = gdf.geometry
    usable = ~(geom.isna() | geom.is_empty)
    if not usable.any():
        raise InputError(f"{what} {p}: the file has no geometry (every feature's geometry is empty)")
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    if not gdf.crs.equals(4326):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            gdf = gdf.to_crs(4326)
    check_lonlat(gdf.geometry.values, f"{what} {p}", unit="row" if kind == "parquet" else "feature")
    return gdf[usable].reset_index(drop=True)


def _read_features(p: Path, kind: str, what: str) -> gpd.GeoDataFrame:
    """The file as a GeoDataFrame (any CRS), or raise :class:`InputError` naming the file and feature."""
    import geopandas as gpd

    from geomap.errors import first_line

    if kind == "geojson":
        return _read_geojson_features(p, what)
    if kind == "parquet":
        try:
            return gpd.read_parquet(p)
        except ValueError:  # no geometry column: maybe latitude/longitude columns
            pass
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise InputError(
                f"{what} {p}: cannot read it as parquet ({type(exc).__name__}: {first_line(exc)}); check the file"
            ) from None
    return _read_point_columns(p, what)


def _read_geojson_features(p: Path, what: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    from geomap.errors import first_line
    from geomap.geojson import parse_geojson, to_shapes

    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{what} {p}: cannot read ({exc.strerror})") from None
    props, geoms, crs = parse_geojson(raw, f"{what} {p}")
    frame = pd.DataFrame(props, index=pd.RangeIndex(len(props)))
    geom_col = "geometry"
    while geom_col in frame.columns:  # a property may be called "geometry"
        geom_col = "_" + geom_col
    shapes = to_shapes(geoms, f"{what} {p}")
    try:
        shapes = gpd.GeoSeries(shapes, index=frame.index, crs=crs or 4326)
    except Exception as exc:  # pyproj: an unknown CRS name
        raise InputError(f"{what} {p}: unusable crs {crs!r} ({first_line(exc)}); give WGS 84 GeoJSON") from None
    return gpd.GeoDataFrame(frame.assign(**{geom_col: shapes}), geometry=geom_col)


def _read_point_columns(p: Path, what: str) -> gpd.GeoDataFrame:
    """CSV (or plain Parquet) points with latitude/longitude columns; a bad row is an error naming it."""
    import geopandas as gpd
    import shapely

    try:
        frame, lon, lat = read_points(str(p))
    except InputError as exc:
        raise InputError(f"{what} {exc}") from None
    cols = coordinate_columns(frame.columns)
    assert cols is not None  # read_points found them
    df = frame.drop(columns=list(cols))
    return gpd.GeoDataFrame(df, geometry=shapely.points(lon, lat), crs=4326)
