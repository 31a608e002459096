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
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import InputError
from .io import MAX_TABLE_BYTES, atomic_write, read_bounded

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FORMATS", "read_points", "format_rows", "format_table", "write_table"]

FORMATS = ("table", "csv", "json", "geojson")
_COORD_NAMES = (("lat", "lon"), ("latitude", "longitude"), ("y", "x"), ("lat", "lng"))


def read_points(source: str) -> tuple["pd.DataFrame", np.ndarray, np.ndarray]:
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


def _read_csv(raw: bytes, name: str) -> "pd.DataFrame":
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not raw.strip():
        raise InputError(f"{name}: file is empty; expected a CSV header with lat and lon columns")
    try:
        header = raw.split(b"\n", 1)[0].decode("utf-8-sig").strip("\r")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 text; save the CSV as UTF-8") from None
    columns = next(iter(__import__("csv").reader([header])))
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in columns}, strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InputError(f"{name}: not a readable CSV file ({str(exc).splitlines()[0]})") from None
    return table.to_pandas()


def _coords_from_columns(frame: "pd.DataFrame", name: str) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    lower = {str(c).lower(): c for c in frame.columns}
    for lat_name, lon_name in _COORD_NAMES:
        if lat_name in lower and lon_name in lower:
            lat_col, lon_col = lower[lat_name], lower[lon_name]
            break
    else:
        raise InputError(
            f"{name}: no coordinate columns; found {', '.join(map(str, frame.columns)) or 'none'}, "
            "expected lat/lon, latitude/longitude or y/x"
        )
    lat = pd.to_numeric(frame[lat_col].astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    lon = pd.to_numeric(frame[lon_col].astype(str).str.strip(), errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(lat) | ~np.isfinite(lon) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
    if bad.any():
        rows = np.flatnonzero(bad)
        i = int(rows[0])
        more = f" (and {rows.size - 1} more bad rows)" if rows.size > 1 else ""
        raise InputError(
            f"{name}: row {i + 1} (line {i + 2}) has {lat_col}={frame[lat_col].iloc[i:i + 1].tolist()[0]!r}, "
            f"{lon_col}={frame[lon_col].iloc[i:i + 1].tolist()[0]!r}; latitude must be a number within -90..90 "
            f"and longitude within -180..180{more}"
        )
    return lon, lat


def _read_geojson(raw: bytes, name: str) -> tuple["pd.DataFrame", np.ndarray, np.ndarray]:
    import pandas as pd

    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{name}: not valid GeoJSON ({exc})") from None
    feats = doc.get("features") if isinstance(doc, dict) else None
    if doc.get("type") == "Feature" if isinstance(doc, dict) else False:
        feats = [doc]
    if not isinstance(feats, list):
        raise InputError(f"{name}: GeoJSON has no features; expected a FeatureCollection of points")
    props, lon, lat = [], [], []
    for i, f in enumerate(feats):
        geom = (f or {}).get("geometry") or {}
        coords = geom.get("coordinates")
        if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
            raise InputError(f"{name}: feature {i + 1} is not a Point (got {geom.get('type')!r}); give point features")
        lon.append(coords[0])
        lat.append(coords[1])
        props.append(f.get("properties") or {})
    from .zones import check_coordinates

    try:
        x, y = check_coordinates(lon, lat, source=name)
    except InputError as exc:
        raise InputError(str(exc).replace("point ", "feature ", 1)) from None
    return pd.DataFrame(props), x, y


def _read_parquet(path: Path, name: str) -> tuple["pd.DataFrame", np.ndarray, np.ndarray]:
    import geopandas as gpd
    import pandas as pd

    try:
        gdf = gpd.read_parquet(path)
    except ValueError:
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many kinds
            raise InputError(f"{name}: not a readable Parquet file ({exc})") from None
        return frame, *_coords_from_columns(frame, name)
    except Exception as exc:
        raise InputError(f"{name}: not a readable Parquet file ({exc})") from None
    types = gdf.geometry.geom_type
    if not (types == "Point").all():
        i = int(np.flatnonzero((types != "Point").to_numpy())[0])
        raise InputError(f"{name}: row {i + 1} geometry is {types.iloc[i]!r}, not a Point; give point geometries")
    from .zones import check_coordinates

    x, y = check_coordinates(gdf.geometry.x.to_numpy(), gdf.geometry.y.to_numpy(), source=name)
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), x, y


def format_table(frame: "pd.DataFrame") -> str:
    """Render a frame as an aligned plain-text table."""
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


def write_table(
    frame: "pd.DataFrame", lon: np.ndarray, lat: np.ndarray, *, fmt: str, out: str | None = None
) -> None:
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
        data = frame.to_json(orient="records", force_ascii=False, double_precision=6).encode("utf-8") + b"\n"
    else:
        data = _geojson_bytes(frame, lon, lat)
    if out is None or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with atomic_write(out, mode="wb") as fh:
        fh.write(data)


def _csv_bytes(frame: "pd.DataFrame") -> bytes:
    """CSV with quotes only where a value needs them (RFC 4180)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

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


def _geojson_bytes(frame: "pd.DataFrame", lon: np.ndarray, lat: np.ndarray) -> bytes:
    records = json.loads(frame.to_json(orient="records", force_ascii=False, double_precision=6))
    feats = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 7), round(float(y), 7)]}, "properties": p}
        for p, x, y in zip(records, lon, lat)
    ]
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False).encode("utf-8") + b"\n"
