"""Checksums of the build inputs and outputs, as recorded in ``data/SOURCES.md``.

``SOURCES.md`` is the one place where checksums live. Its Markdown tables are read
here: a row whose first cell is a name in backticks (a file such as ``zones.npz``, or
a package such as ``world-atlas@2.0.2``) and whose table has a ``sha256`` column
records that name's checksum. The build scripts use this module to

- download each input with its registry's own client and verify it against its recorded
  checksum before using it (:func:`fetch_npm`, :func:`fetch_pypi`, :func:`verify_input`),
- rewrite the rows of the files they write (:func:`record_outputs`),
- key cached intermediate results by everything they were computed from (:class:`Cache`),
- work in a temporary folder that is removed afterwards (:func:`work_folder`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "SOURCES.md"


class InputError(SystemExit):
    """A build input is missing from ``SOURCES.md`` or does not match its checksum."""


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _name(cell: str) -> str | None:
    """The name in a cell that holds exactly one name in backticks, else None."""
    if len(cell) > 2 and cell[0] == cell[-1] == "`" and "`" not in cell[1:-1]:
        return cell[1:-1]
    return None


def table_rows(text: str) -> Iterator[tuple[int, dict[str, int], list[str]]]:
    """Yield ``(line number, header column index, cells)`` for each named table row.

    Parameters
    ----------
    text : str
        Markdown text.

    Yields
    ------
    tuple
        The 0-based line number, a mapping of header name to column index, and the row's cells,
        for rows whose first cell is a single name in backticks.
    """
    header: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines()):
        if not line.startswith("|"):
            header = None
        elif header is None:
            header = {name: i for i, name in enumerate(_cells(line))}
        elif not set(line.strip()) <= set("|-: "):
            cells = _cells(line)
            if _name(cells[0]):
                yield number, header, cells


def recorded_checksums(*, sources: Path = SOURCES) -> dict[str, list[str]]:
    """Return ``{name: [sha256, ...]}`` for every named row of a table with a ``sha256`` column."""
    out: dict[str, list[str]] = {}
    for _, header, cells in table_rows(sources.read_text(encoding="utf-8")):
        col = header.get("sha256")
        if col is not None and col < len(cells):
            out.setdefault(_name(cells[0]) or "", []).append(cells[col].strip("`"))
    return out


def input_checksum(name: str, *, sources: Path = SOURCES) -> str:
    """Return the one sha256 recorded for the build input ``name`` (a package spec)."""
    found = recorded_checksums(sources=sources).get(name, [])
    if len(found) != 1 or len(found[0]) != 64:
        raise InputError(
            f"{sources}: build input {name} needs exactly one row with its sha256 "
            f"(found {len(found)}); add it to the table of downloaded inputs"
        )
    return found[0]


def verify_input(path: Path, name: str, *, sources: Path = SOURCES) -> str:
    """Check the downloaded ``path`` against the sha256 recorded for ``name``; return it.

    Raises
    ------
    InputError
        If no checksum is recorded, or the file's checksum differs (the message names
        both, so that a deliberate upgrade can record the new one after checking it).
    """
    expected = input_checksum(name, sources=sources)
    actual = sha256_of(path)
    if actual != expected:
        raise InputError(
            f"{path}: sha256 {actual} differs from {expected} recorded for {name} in {sources.name}; "
            "delete the file to download it again, or record the new checksum if the change is intended"
        )
    return actual


def fetch_npm(spec: str, folder: Path) -> Path:
    """The verified ``npm pack`` tarball of ``spec`` (``name@version``) in ``folder``.

    The tarball is downloaded unless a file of that name is already there; either way it
    must match the checksum recorded for ``spec``.
    """
    name, version = spec.rsplit("@", 1)
    tgz = folder / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not tgz.is_file():
        print(f"npm pack {spec}", flush=True)
        subprocess.run(["npm", "pack", spec], cwd=folder, check=True, capture_output=True, text=True)
    verify_input(tgz, spec)
    return tgz


def fetch_pypi(spec: str, folder: Path) -> Path:
    """The verified ``pip download`` file (wheel or sdist) of ``spec`` (``name==version``) in ``folder``."""
    name, version = spec.split("==")
    pattern = f"{name}-{version}[-.]*"
    if not any(folder.glob(pattern)):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(folder), spec], check=True
        )
    hits = sorted(folder.glob(pattern))
    if len(hits) != 1:
        raise InputError(f"{folder}: expected one download of {spec}, found {len(hits)}; remove the extra files")
    verify_input(hits[0], spec)
    return hits[0]


def check_rows(names: list[str], *, sources: Path = SOURCES) -> None:
    """Stop unless each of ``names`` has exactly one row in a table with a ``sha256`` column."""
    recorded = recorded_checksums(sources=sources)
    wrong = sorted(n for n in names if len(recorded.get(n, [])) != 1)
    if wrong:
        raise SystemExit(f"{sources}: {', '.join(wrong)} need exactly one row with a sha256 column; add one")


def record_outputs(
    paths: list[Path], *, sources: Path = SOURCES, cells: dict[str, dict[str, str]] | None = None
) -> None:
    """Rewrite the ``sha256`` (and ``bytes``) cells of the rows that name ``paths``.

    Parameters
    ----------
    paths : list of Path
        The files written; each must have exactly one row (see :func:`check_rows`).
    sources : Path
        The Markdown file to rewrite.
    cells : dict, optional
        More cells to set, ``{file name: {column: text}}``.
    """
    check_rows([p.name for p in paths], sources=sources)
    lines = sources.read_text(encoding="utf-8").splitlines()
    todo = {p.name: p for p in paths}
    for number, header, row in list(table_rows("\n".join(lines))):
        name = _name(row[0])
        if name not in todo or "sha256" not in header:
            continue
        path = todo[name]
        values = {"sha256": f"`{sha256_of(path)}`", "bytes": str(path.stat().st_size), **(cells or {}).get(name, {})}
        for column, text in values.items():
            if column in header:
                row[header[column]] = text
        lines[number] = "| " + " | ".join(row) + " |"
    _replace(sources, "\n".join(lines) + "\n")


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextlib.contextmanager
def work_folder(folder: Path | None, *, prefix: str) -> Iterator[Path]:
    """Yield ``folder`` (created if needed and kept), or a temporary folder removed afterwards."""
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


class Cache:
    """Pickled results of slow stages, each stored under a digest of what it depends on.

    Parameters
    ----------
    folder : Path
        Where the pickles live (created if needed).
    key : dict
        Everything the stages depend on: input checksums, parameters, the code's checksum,
        library versions. Any change gives new file names, so a stale result is never reused;
        results for an older key of the same stage are deleted when the stage is recomputed.
    """

    def __init__(self, folder: Path, *, key: dict[str, Any]) -> None:
        self.folder = folder
        self.key = key
        folder.mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> Path:
        """The pickle file of stage ``name`` under this cache's key."""
        blob = json.dumps({"stage": name, **self.key}, sort_keys=True, default=str).encode()
        return self.folder / f"{name}-{hashlib.sha256(blob).hexdigest()[:16]}.pickle"

    def __call__(self, name: str, compute: Callable[[], Any]) -> Any:
        """Return the cached result of stage ``name``, computing and storing it if absent."""
        path = self.path(name)
        if path.is_file():
            return pickle.loads(path.read_bytes())
        for stale in self.folder.glob(f"{name}-*.pickle"):
            stale.unlink()
        value = compute()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        return value
