"""The shipped world layers: land, maritime areas, borders, coastline.

Each layer is one file ``data/<name>.npz`` written by ``data/build.py``: one
compressed geometry blob per feature plus its bounding box and attributes, so a
regional map decodes only the features it shows. Layers are at display
resolution (simplified at 0.002 degree, about 220 m); the zone engine answers
from finer geometry.

Attribution: land, maritime areas, borders and coastline derive from
OpenStreetMap data (© OpenStreetMap contributors, ODbL) via geo-maps;
``ne_countries`` is Natural Earth (public domain) via world-atlas.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from geomap.codec import decode_geoms
from geomap.datafiles import data_dir, data_path
from geomap.errors import DataError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["LAYERS", "ATTRIBUTION", "available_layers", "load_layer"]

LAYERS = {
    "land": "land per country (holes are lakes and rivers)",
    "maritime": "land + internal waters + territorial sea per country",
    "territorial_sea": "internal waters + territorial sea per country (water only)",
    "inland_water": "lakes and rivers per country",
    "borders": "land borders between two countries (lines)",
    "coastline": "coastline per country (lines)",
    "contiguous_zone": "contiguous zone per country (approximate)",
    "eez": "exclusive economic zone per country (approximate)",
    "ne_countries": "Natural Earth 1:50m countries, for small-scale maps",
}

ATTRIBUTION = {
    "osm": "© OpenStreetMap contributors (ODbL), via geo-maps",
    "naturalearth": "Natural Earth (public domain), via world-atlas",
    "geonames": "GeoNames (CC BY 4.0)",
}


def available_layers() -> list[str]:
    """Names of the layers present in the installed data, in :data:`LAYERS` order."""
    folder = data_dir()
    return [name for name in LAYERS if (folder / f"{name}.npz").is_file()]


def load_layer(name: str, *, bbox: tuple[float, float, float, float] | None = None) -> gpd.GeoDataFrame:
    """Load a shipped layer as a GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name : str
        One of :func:`available_layers` (see :data:`LAYERS`).
    bbox : tuple of float, optional
        ``(min_lon, min_lat, max_lon, max_lat)``: keep only the features whose
        bounding box intersects it (a box reaching past ±180° wraps round the globe).
        Geometries are not clipped.

    Returns
    -------
    geopandas.GeoDataFrame
        Polygon layers have a ``country`` column (ISO 3166-1 alpha-3); ``borders``
        has ``country_a`` and ``country_b``; ``ne_countries`` has ``country``
        (ISO numeric) and ``name``.

    Raises
    ------
    InputError
        If ``name`` is not a layer, or ``bbox`` is malformed.
    """
    import geopandas as gpd

    if name not in LAYERS:
        raise InputError(f"unknown layer {name!r}; valid layers: {', '.join(LAYERS)}")
    store = _store(name)
    keep = np.flatnonzero(np.isfinite(store["bbox"]).all(axis=1))  # empty features have no box
    if bbox is not None:
        keep = keep[_bbox_hits(store["bbox"][keep], bbox)]
    blob, offsets = store["blob"], store["offsets"]
    geoms = [decode_geoms(blob[offsets[i] : offsets[i + 1]].tobytes())[0] for i in keep]
    columns = {col: store[col][keep] for col in store if col.startswith("col_")}
    data = {col[4:]: values.astype(object) for col, values in columns.items()}
    return gpd.GeoDataFrame(data, geometry=np.array(geoms, dtype=object), crs="EPSG:4326")


def _bbox_hits(boxes: np.ndarray, bbox) -> np.ndarray:
    try:
        x0, y0, x1, y1 = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise InputError(f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}") from None
    if not (x0 <= x1 and y0 <= y1):
        raise InputError(f"bbox {bbox!r} has min greater than max; order is (min_lon, min_lat, max_lon, max_lat)")
    lat = (boxes[:, 1] <= y1) & (boxes[:, 3] >= y0)
    hits = (boxes[:, 0] <= x1) & (boxes[:, 2] >= x0)
    for turn in (360.0, -360.0):  # a bbox reaching past ±180° (a view across the meridian) wraps round
        if x1 - turn >= -180.0 and x0 - turn <= 180.0:
            hits |= (boxes[:, 0] <= x1 - turn) & (boxes[:, 2] >= x0 - turn)
    return hits & lat


@cache
def _store(name: str) -> dict[str, np.ndarray]:
    path = data_path(f"{name}.npz")
    try:
        with np.load(path) as z:
            return {key: z[key] for key in z.files}
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: layer file is damaged ({exc}); rebuild it with data/build.py") from None
