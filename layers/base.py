"""The :class:`Layer` record every layer module builds and the renderer draws."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd

from geomap.errors import InputError

__all__ = ["Layer", "Style", "STYLE_KEYS", "PANES", "geometry_kind"]

#: Leaflet path options a style may set.
STYLE_KEYS = frozenset(
    {"color", "weight", "opacity", "fillColor", "fillOpacity", "dashArray", "radius", "fill", "stroke"}
)
#: Drawing order, bottom to top.
PANES = ("base", "zones", "lines", "user", "places")

Style = Mapping[str, Any]


@dataclass(frozen=True)
class Layer:
    """One named, styled layer of a map.

    Attributes
    ----------
    name : str
        Shown in the layer control (escaped on output, so any text is safe).
    gdf : geopandas.GeoDataFrame
        The features, in EPSG:4326 (converted if another CRS is set).
    style : Mapping
        Leaflet path options, keys from :data:`STYLE_KEYS`.
    legend : str or None
        Legend label; ``None`` uses ``name``, ``""`` shows no legend row.
    tooltip : str or None
        Column whose text is the hover tooltip of each feature.
    popup_title : str or None
        Column shown as the heading of each feature's popup.
    popup : tuple of (label, column)
        Rows of each feature's popup.
    pane : str
        Drawing order, one of :data:`PANES`.
    show : bool
        Visible when the map opens.
    control : bool
        Listed in the layer control (can be toggled).
    attribution : tuple of str
        Plain-text credits of the data sources (escaped on output).
    label : str or None
        Column whose text labels each point on the map (set as text, never as HTML).
    rank : str or None
        Numeric column: labels of higher rank are placed first and dropped last.
    """

    name: str
    gdf: gpd.GeoDataFrame
    style: Style = field(default_factory=dict)
    legend: str | None = None
    tooltip: str | None = None
    popup_title: str | None = None
    popup: tuple[tuple[str, str], ...] = ()
    pane: str = "user"
    show: bool = True
    control: bool = True
    attribution: tuple[str, ...] = ()
    label: str | None = None
    rank: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.gdf, gpd.GeoDataFrame):
            raise InputError(f"layer {self.name!r}: gdf must be a GeoDataFrame, got {type(self.gdf).__name__}")
        bad = sorted(set(self.style) - STYLE_KEYS)
        if bad:
            raise InputError(
                f"layer {self.name!r}: unknown style option(s) {', '.join(bad)}; use {', '.join(sorted(STYLE_KEYS))}"
            )
        if self.pane not in PANES:
            raise InputError(f"layer {self.name!r}: pane {self.pane!r} is not one of {', '.join(PANES)}")
        columns = [c for c in (self.tooltip, self.popup_title, self.label, self.rank) if c] + [c for _, c in self.popup]
        missing = [c for c in columns if c not in self.gdf.columns]
        if missing:
            raise InputError(f"layer {self.name!r}: column(s) {', '.join(missing)} not in its table")
        if self.gdf.crs is not None and not self.gdf.crs.equals("EPSG:4326"):
            object.__setattr__(self, "gdf", self.gdf.to_crs(4326))

    @property
    def kind(self) -> str:
        """``"point"``, ``"line"`` or ``"polygon"``: the dominant geometry kind (for the legend)."""
        return geometry_kind(self.gdf)

    @property
    def legend_label(self) -> str:
        """The legend text (``name`` unless ``legend`` was given)."""
        return self.name if self.legend is None else self.legend


def geometry_kind(gdf: gpd.GeoDataFrame) -> str:
    """Return the most common geometry kind of ``gdf``: ``"point"``, ``"line"`` or ``"polygon"``."""
    types = gdf.geometry.geom_type.dropna()
    if types.empty:
        return "point"
    kinds = types.map(lambda t: "point" if "Point" in t else "line" if "Line" in t else "polygon")
    counts = kinds.value_counts()
    return str(sorted(counts.index, key=lambda k: (-counts[k], k))[0])
