"""The one place that finds the shipped data files.

Installed, the data lives in ``geomap/data`` (mapped from the repository's
``data/``); in a source checkout it is the sibling ``data/`` folder. The
environment variable ``GEOMAP_DATA_DIR`` points elsewhere (a rebuilt data set).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from geomap.errors import DataError

__all__ = ["data_dir", "data_path"]


@cache
def data_dir() -> Path:
    """Return the folder of the shipped data files (see the module docstring).

    Raises
    ------
    DataError
        If no data folder is found.
    """
    here = Path(__file__).resolve().parent
    override = os.environ.get("GEOMAP_DATA_DIR")
    candidates = [Path(override)] if override else [here / "data", here.parent / "data"]
    for candidate in candidates:
        if (candidate / "zones.npz").is_file() or (candidate / "SOURCES.md").is_file():
            return candidate
    raise DataError(
        f"geomap's data folder was not found beside {here}; reinstall geomap (pip install .) "
        "or rebuild the data with data/build.py"
    )


def data_path(name: str) -> Path:
    """Return the path of shipped data file ``name``.

    Parameters
    ----------
    name : str
        File name inside the data folder, e.g. ``"zones.npz"``.

    Raises
    ------
    DataError
        If the file is missing (the data was not built or installed).
    """
    p = data_dir() / name
    if not p.is_file():
        raise DataError(f"shipped data file {name} is missing from {p.parent}; rebuild it with data/build.py")
    return p
