"""Read vector features from untrusted files and check their coordinates.

GeoJSON is parsed here, not by GDAL, so that every structural fault (a feature
that is not an object, a geometry given as a string, coordinates nested to the
wrong depth, a position that is not two numbers) is reported with the file and
the feature number instead of the feature being dropped with a warning.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from geomap.errors import InputError, first_line

__all__ = ["load_json", "parse_geojson", "is_wgs84", "to_shapes", "check_lonlat", "DEPTHS"]

# nesting depth of "coordinates" for each GeoJSON geometry type (a position is depth 1)
DEPTHS = {"Point": 1, "MultiPoint": 2, "LineString": 2, "MultiLineString": 3, "Polygon": 3, "MultiPolygon": 4}
_MIN_POSITIONS = {"LineString": 2, "MultiLineString": 2, "Polygon": 4, "MultiPolygon": 4}


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def load_json(text: str, *, where: str, hint: str = "check the file", allow_nan: bool = False) -> Any:
    """Parse JSON text strictly, or raise :class:`InputError` naming ``where``.

    ``NaN``/``Infinity``, numbers too large for a float, integers of more than
    4300 digits, nesting deeper than Python's recursion limit and lone UTF-16
    surrogates (which cannot be written back as UTF-8) are all refused.

    Parameters
    ----------
    text : str
        The JSON text.
    where : str
        What to call it in messages (file name, and line).
    hint : str
        How to fix malformed JSON, ending the message.
    allow_nan : bool
        Read ``NaN``/``Infinity`` (and overflowing numbers) as floats, for a caller
        that checks them itself and can say where they are.
    """
    try:
        obj = json.loads(text, parse_constant=float if allow_nan else _reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{where}: malformed JSON, cannot read it ({exc.msg} at line {exc.lineno} column {exc.colno}); {hint}"
        ) from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply; flatten the data") from None
    except ValueError as exc:  # NaN/Infinity, or an integer of too many digits
        raise InputError(f"{where}: unusable JSON value ({str(exc).split(';')[0]})") from None
    _check_values(obj, where, finite=not allow_nan)
    return obj


def _check_values(obj: Any, where: str, *, finite: bool) -> None:
    """Refuse infinite floats and lone surrogates anywhere in a parsed document."""
    stack = [obj]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif finite and isinstance(v, float) and not math.isfinite(v):
            raise InputError(f"{where}: a number is too large for a float ({v}); give numbers within ±1e308")
        elif isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError(
                    f"{where}: text holds a lone UTF-16 surrogate (\\u{ord(v[exc.start]):04x}); "
                    "fix the escape sequences"
                ) from None


def parse_geojson(raw: bytes, name: str) -> tuple[list[dict], list[dict | None], str | None]:
    """Parse and validate a GeoJSON document.

    Parameters
    ----------
    raw : bytes
        The file's bytes (UTF-8, optionally with a BOM).
    name : str
        What to call the file in messages.

    Returns
    -------
    properties : list of dict
        One per feature (``{}`` where the feature has none).
    geometries : list of dict or None
        The validated GeoJSON geometry objects (``None`` where a feature has none).
    crs : str or None
        The legacy ``crs`` member's name (e.g. ``EPSG:3857``) if the file has one;
        positions are range-checked as longitude, latitude only when it is WGS 84.

    Raises
    ------
    InputError
        Naming the file and the feature of the first structural fault.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save the GeoJSON as UTF-8") from None
    doc = load_json(text, where=name, allow_nan=True)  # NaN positions are reported with their feature
    if not isinstance(doc, dict):
        raise InputError(f"{name}: GeoJSON must be an object (a FeatureCollection), not {_kind(doc)}")
    kind = doc.get("type")
    feats: object
    if kind == "Feature":
        feats = [doc]
    elif isinstance(kind, str) and (kind in DEPTHS or kind == "GeometryCollection"):
        feats = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        feats = doc.get("features")
    if not isinstance(feats, list):
        raise InputError(f'{name}: GeoJSON has no "features" list; expected a FeatureCollection')
    crs = _crs_name(doc, name)
    lonlat = crs is None or is_wgs84(crs)
    props: list[dict] = []
    geoms: list[dict | None] = []
    for i, f in enumerate(feats, 1):
        where = f"{name}: feature {i}"
        if not isinstance(f, dict):
            raise InputError(f"{where} is {_kind(f)}, not a GeoJSON Feature object")
        p = f.get("properties")
        if p is not None and not isinstance(p, dict):
            raise InputError(f'{where}: "properties" is {_kind(p)}; it must be an object or null')
        props.append(p or {})
        g = f.get("geometry")
        if g is not None:
            _check_geometry(g, where, lonlat=lonlat)
        geoms.append(g)
    return props, geoms, crs


def is_wgs84(crs: str) -> bool:
    """Whether a GeoJSON ``crs`` name means WGS 84 longitude, latitude."""
    return crs.upper().replace("::", ":").endswith(("CRS84", "EPSG:4326"))


def _crs_name(doc: dict, name: str) -> str | None:
    crs = doc.get("crs")
    if crs is None:
        return None
    props = crs.get("properties") if isinstance(crs, dict) else None
    crs_name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(crs_name, str):
        raise InputError(f'{name}: the "crs" member has no name; remove it (GeoJSON is WGS 84 longitude, latitude)')
    return crs_name


def _check_geometry(g: Any, where: str, *, lonlat: bool, depth: int = 0) -> None:
    if not isinstance(g, dict):
        raise InputError(f"{where}: geometry is {_kind(g)}, not a GeoJSON geometry object")
    kind = g.get("type")
    if not isinstance(kind, str):
        raise InputError(f'{where}: geometry "type" is {_kind(kind)}; give a geometry type such as "Point"')
    if kind == "GeometryCollection":
        parts = g.get("geometries")
        if not isinstance(parts, list) or depth > 8:
            raise InputError(f'{where}: GeometryCollection needs a "geometries" list of geometries')
        for part in parts:
            _check_geometry(part, where, lonlat=lonlat, depth=depth + 1)
        return
    if kind not in DEPTHS:
        raise InputError(
            f"{where}: unknown geometry type {_short(kind)}; use one of {', '.join(DEPTHS)} or GeometryCollection"
        )
    coords = g.get("coordinates")
    if coords != []:  # an empty geometry is allowed
        _check_coordinates(coords, DEPTHS[kind], kind, where, lonlat=lonlat)


def _check_coordinates(c: Any, depth: int, kind: str, where: str, *, lonlat: bool) -> None:
    if depth == 1:
        lon, lat = _position(c, kind, where)
        if lonlat and not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InputError(
                f"{where}: {kind} position has longitude {lon}, latitude {lat}; "
                "longitude must be within -180..180 and latitude within -90..90"
            )
        return
    if not isinstance(c, list) or (c and not isinstance(c[0], list)):
        wanted = "a list of " * (depth - 2) + "a list of [longitude, latitude] positions"
        raise InputError(
            f"{where}: {kind} coordinates are nested wrongly: found {_short(c)} where {wanted} "
            f"was expected (a {kind}'s coordinates are {DEPTHS[kind] + 1} lists deep)"
        )
    if depth == 2 and kind in _MIN_POSITIONS and len(c) < _MIN_POSITIONS[kind]:
        raise InputError(f"{where}: {kind} has {len(c)} position(s); it needs at least {_MIN_POSITIONS[kind]}")
    for part in c:
        _check_coordinates(part, depth - 1, kind, where, lonlat=lonlat)


def _position(c: Any, kind: str, where: str) -> tuple[float, float]:
    """The longitude and latitude of a GeoJSON position, or raise naming what is wrong."""
    if (
        isinstance(c, list)
        and 2 <= len(c) <= 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in c)
    ):
        try:
            lon, lat = float(c[0]), float(c[1])
        except OverflowError:
            pass
        else:
            if math.isfinite(lon) and math.isfinite(lat):
                return lon, lat
    nested = isinstance(c, list) and bool(c) and isinstance(c[0], list)
    raise InputError(
        f"{where}: {kind} position {_short(c)} is not [longitude, latitude] as finite numbers"
        + (f" (coordinates nested too deeply for a {kind})" if nested else "")
    )


def to_shapes(geoms: list[dict | None], name: str) -> np.ndarray:
    """Shapely geometries (``None`` kept) from geometries that :func:`parse_geojson` validated.

    Heights and measures are dropped: positions become ``[longitude, latitude]``, so a
    file mixing 2-D and 3-D positions still reads.
    """
    import shapely.geometry

    out = np.empty(len(geoms), dtype=object)
    for i, g in enumerate(geoms):
        try:
            out[i] = None if g is None else shapely.geometry.shape(_flat(g))
        except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
            raise InputError(f"{name}: feature {i + 1}: unusable {(g or {}).get('type')} ({first_line(exc)})") from None
    return out


def _flat(g: dict) -> dict:
    """A validated geometry with 2-D positions only."""
    if g["type"] == "GeometryCollection":
        return {"type": g["type"], "geometries": [_flat(part) for part in g["geometries"]]}
    return {"type": g["type"], "coordinates": _xy(g["coordinates"], DEPTHS[g["type"]])}


def _xy(c: list, depth: int) -> list:
    if not c:
        return c
    return [c[0], c[1]] if depth == 1 else [_xy(part, depth - 1) for part in c]


def check_lonlat(geoms: Any, name: str, *, unit: str = "feature") -> None:
    """Raise :class:`InputError` naming the first geometry with a NaN or off-globe coordinate.

    Parameters
    ----------
    geoms : array-like of shapely geometries
        In EPSG:4326 (longitude, latitude).
    name : str
        What to call the file in messages.
    unit : str
        What to call one geometry (``feature`` or ``row``).
    """
    import shapely

    xy, index = shapely.get_coordinates(np.asarray(geoms, dtype=object), return_index=True)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(xy).all(axis=1) | (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name}: {unit} {int(index[k]) + 1} has longitude {float(xy[k, 0])}, latitude "
            f"{float(xy[k, 1])}; longitude must be within -180..180 and latitude within -90..90"
        )


def _kind(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(v), "a number"
    )


def _short(v: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(v, ensure_ascii=True)
    except (RecursionError, ValueError):
        text = _kind(v)
    return text if len(text) <= limit else text[: limit - 3] + "..."
