"""Geocoded places as markers whose popups carry the evidence."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geomap.geodata import ATTRIBUTION as _SOURCES
from geomap.layers.base import Layer
from geomap.zones import zone_labels

__all__ = ["places_layer", "place_labels", "label_rank", "format_coords"]

STYLE = {"radius": 7, "color": "#922b21", "weight": 2, "fillColor": "#e74c3c", "fillOpacity": 0.9}
ATTRIBUTION = (_SOURCES["geonames"],)


def places_layer(places: gpd.GeoDataFrame, *, name: str = "Places", style: dict | None = None) -> Layer:
    """Build the layer of geocoded places.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point geometries with (optional) columns ``name``, ``country``, ``score``,
        ``sentence``, ``kind`` (or ``feature_type``), ``gazetteer_id`` (or ``geonameid``, ``id``),
        as :func:`geomap.text.resolver.places` returns, and ``label``, the name the map
        shows (the name as the article writes it; ``name`` where missing or empty).
    name : str
        Layer name.
    style : dict, optional
        Leaflet circle-marker options replacing the default red dots.

    Returns
    -------
    Layer
        Each feature's popup shows the name, country, coordinates, the zone the place
        is in (from :func:`geomap.zones.grid.classify`), the sentence that names it and the
        score; its label and tooltip are ``label`` (the article's spelling, see
        :func:`geomap.text.resolver.written_names`) and its popup's title is ``name``.
    """
    gdf = places.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs(4326)
    gdf = gdf.to_crs(4326)
    x = gdf.geometry.x.to_numpy(dtype=float)
    y = gdf.geometry.y.to_numpy(dtype=float)
    n = len(gdf)
    table = pd.DataFrame(index=gdf.index)
    table["_name"] = _col(gdf, "name", n)
    # the label is the name as the article writes it ("Bosporus"); the popup's title is the gazetteer's
    table["_label"] = place_labels(gdf)
    table["_written"] = ["" if _same(w, g) else w for w, g in zip(table["_label"], table["_name"])]
    table["_country"] = _col(gdf, "country", n)
    table["_coords"] = [format_coords(la, lo) for la, lo in zip(y, x)]
    table["_zone"] = zone_labels(x, y, words=True)
    table["_sentence"] = _col(gdf, "sentence", n)
    table["_score"] = [_fmt_score(v) for v in _col(gdf, "score", n, default=np.nan)]
    kind = next((c for c in ("feature_type", "kind") if c in gdf.columns), None)
    table["_feature"] = _col(gdf, kind, n)
    gid = next((c for c in ("gazetteer_id", "geonameid", "id") if c in gdf.columns), None)
    table["_id"] = [_fmt_id(v) for v in _col(gdf, gid, n)] if gid else [""] * n
    table["_rank"] = label_rank(gdf)
    rows = [
        ("As written", "_written"),
        ("Country", "_country"),
        ("Coordinates", "_coords"),
        ("Zone", "_zone"),
        ("Sentence", "_sentence"),
        ("Score", "_score"),
        ("Feature", "_feature"),
        ("Gazetteer id", "_id"),
    ]
    out = gpd.GeoDataFrame(table, geometry=gdf.geometry.values, crs=4326)
    return Layer(
        name=name,
        gdf=out,
        style=dict(style or STYLE),
        tooltip="_label",
        popup_title="_name",
        popup=tuple(rows),
        pane="places",
        attribution=ATTRIBUTION,
        label="_label",
        rank="_rank",
    )


def place_labels(places: pd.DataFrame) -> list[str]:
    """The name the map shows for each place: ``label`` (the article's spelling), else ``name``."""
    n = len(places)
    return [str(w) if str(w).strip() else str(g) for w, g in zip(_col(places, "label", n), _col(places, "name", n))]


def label_rank(places: pd.DataFrame) -> np.ndarray:
    """Rank of each place's label: mentions × score (1 where a column is missing or empty)."""
    n = len(places)
    mentions = (
        pd.to_numeric(places["mentions"], errors="coerce") if "mentions" in places.columns else pd.Series(np.ones(n))
    )
    score = pd.to_numeric(places["score"], errors="coerce") if "score" in places.columns else pd.Series(np.ones(n))
    return np.round(mentions.fillna(1).to_numpy(float) * score.fillna(1).to_numpy(float), 4)


def format_coords(lat: float, lon: float) -> str:
    """Return ``"26.6800° N, 119.7200° E"`` (4 decimals, about 10 m)."""
    return f"{abs(lat):.4f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.4f}° {'E' if lon >= 0 else 'W'}"


def _col(gdf: pd.DataFrame, column: str | None, n: int, *, default: object = "") -> list:
    if column is None or column not in gdf.columns:
        return [default] * n
    return [
        "" if (v is None or (isinstance(v, float) and np.isnan(v) and default == "")) else v
        for v in gdf[column].tolist()
    ]


def _same(a: object, b: object) -> bool:
    """True if two names differ at most in case and blanks."""
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def _fmt_id(v: object) -> object:
    """A gazetteer id as written (287614, not the 287614.0 of a column that also holds gaps)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _fmt_score(v: object) -> str:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(v)
    return "" if np.isnan(f) else f"{f:.2f}"
