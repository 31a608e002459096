"""Safe file output: write to a temporary file beside the target, then rename.

An interrupted or failed write never leaves a half-written file, and an existing
output is replaced only when the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import OutputError

__all__ = ["atomic_write", "atomic_path", "check_writable"]


def check_writable(path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Check that ``path`` can be written, before any work is done.

    Parameters
    ----------
    path : str or PathLike
        The output file.
    overwrite : bool
        If False, an existing file is an error.

    Returns
    -------
    Path
        The resolved path.

    Raises
    ------
    OutputError
        If the directory does not exist or is not writable, if ``path`` is a
        directory, or if it exists and ``overwrite`` is False.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"{p}: is a directory; give a file name for the output")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{p}: directory {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{p}: directory {parent} is not writable; choose another output path")
    if p.exists() and not overwrite:
        raise OutputError(f"{p}: file exists; pass --force to replace it")
    return p


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, *, mode: str = "w", encoding: str | None = "utf-8", overwrite: bool = True
) -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` only if the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        The final output file.
    mode : {"w", "wb"}
        Text or binary.
    encoding : str or None
        Text encoding (ignored in binary mode).
    overwrite : bool
        If False and ``path`` exists, raise before writing anything.

    Yields
    ------
    file object
        Write to it; on success it is renamed over ``path``.
    """
    with atomic_path(path, overwrite=overwrite) as tmp:
        with open(tmp, mode, encoding=None if "b" in mode else encoding, newline=None if "b" in mode else "") as fh:
            yield fh


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Like :func:`atomic_write` but yield a temporary *path* for writers that need one.

    Parameters
    ----------
    path : str or PathLike
        The final output file.
    overwrite : bool
        If False and ``path`` exists, raise before writing anything.

    Yields
    ------
    Path
        A temporary file beside ``path``; on success it is renamed over ``path``.
    """
    p = check_writable(path, overwrite=overwrite)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part" + p.suffix, dir=p.parent if str(p.parent) else ".")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        existed = p.exists()
        os.replace(tmp, p)
        if existed:  # never clobber silently
            sys.stderr.write(f"geomap: replaced the existing {p}\n")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
