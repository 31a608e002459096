"""Ports: the shipped UN/LOCODE port list and the nearest port of a position.

``data/ports.csv`` holds 3,923 UN/LOCODE-coded ports with the coordinates of
their centre (from the PyPI package ``searoute``; see ``data/SOURCES.md``).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

from geomap.datafiles import data_path

__all__ = ["Ports", "load_ports", "nearest_ports"]

_R_KM = 6371.0088


@dataclasses.dataclass(frozen=True)
class Ports:
    """The port table with a k-d tree on unit vectors."""

    locode: np.ndarray
    name: np.ndarray
    country: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    tree: cKDTree


def _unit(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


@lru_cache(maxsize=1)
def load_ports() -> Ports:
    """Read ``data/ports.csv`` once."""
    from scipy.spatial import cKDTree

    df = pd.read_csv(data_path("ports.csv"), dtype={"locode": str, "name": str, "country": str}, keep_default_na=False)
    lon, lat = df["lon"].to_numpy(np.float64), df["lat"].to_numpy(np.float64)
    return Ports(
        locode=df["locode"].to_numpy(object),
        name=df["name"].to_numpy(object),
        country=df["country"].to_numpy(object),
        lon=lon,
        lat=lat,
        tree=cKDTree(_unit(lon, lat)),
    )


def nearest_ports(lon: np.ndarray, lat: np.ndarray, *, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Index of the nearest port within ``radius_km`` of each point (-1 when none) and its distance (km).

    Distances are great-circle on the mean-radius sphere (under 0.5 % from the
    ellipsoid, far less than a port's extent).
    """
    lon = np.asarray(lon, np.float64)
    lat = np.asarray(lat, np.float64)
    if lon.size == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    ports = load_ports()
    chord = 2 * np.sin(radius_km / _R_KM / 2)
    d, idx = ports.tree.query(_unit(lon, lat), distance_upper_bound=chord)
    found = np.isfinite(d)
    km = np.where(found, 2 * _R_KM * np.arcsin(np.clip(np.where(found, d, 0) / 2, 0, 1)), np.nan)
    return np.where(found, idx, -1).astype(np.int64), km
