"""Safe file output and bounded input: atomic writes, articles, bounded reads.

Outputs are written to a temporary file beside the target, then renamed: an
interrupted or failed write (full disk, read-only file system, SIGTERM, Ctrl-C)
never leaves a half-written file, and an existing output is replaced only when the
new one is complete. The new file gets the mode of the file it replaces, or the
umask's default for a new file; a symlink stays and its target is replaced. ``-``
names standard output; an existing device, FIFO or file under /dev or /proc
(``/dev/null``, ``/dev/stdout``) is written in place.

Inputs are read with a stated limit, so an endless or oversized stream
(``/dev/zero``) stops with a message instead of filling memory.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from geomap.errors import GeomapError, InputError, OutputError

__all__ = [
    "MAX_ARTICLE_BYTES",
    "MAX_TABLE_BYTES",
    "STDOUT",
    "atomic_path",
    "atomic_write",
    "check_distinct",
    "check_writable",
    "is_stdout",
    "iter_lines",
    "read_article",
    "read_bounded",
]

STDOUT = "-"
MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # one article (or one JSON Lines record): 5 MiB
MAX_TABLE_BYTES = 256 * 1024 * 1024  # a table read from a stream or a user gazetteer: 256 MiB
_CHUNK = 1 << 16
# errors of the output itself (not of an input read while writing it)
_WRITE_ERRNOS = {
    errno.ENOSPC,
    errno.EDQUOT,
    errno.EFBIG,
    errno.EROFS,
    errno.EIO,
    errno.EACCES,
    errno.EPERM,
    errno.ENOENT,
    errno.ENOTDIR,
    errno.EINVAL,
    errno.ENXIO,
    errno.ENODEV,
    errno.EBADF,
}
_TERMINATING = tuple(s for s in (getattr(signal, n, None) for n in ("SIGTERM", "SIGHUP", "SIGINT")) if s)


def is_stdout(path: str | os.PathLike | None) -> bool:
    """True if ``path`` is ``-``, which names standard output."""
    return path is not None and os.fspath(path) == STDOUT


def check_writable(path: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Check that ``path`` can be written, before any work is done.

    Parameters
    ----------
    path : str or PathLike
        The output file; ``-`` is standard output.
    overwrite : bool
        If False, an existing file is an error.

    Returns
    -------
    Path
        The path.

    Raises
    ------
    OutputError
        If the directory does not exist or is not writable, if ``path`` is a
        directory, or if it exists and ``overwrite`` is False.
    """
    p = Path(path)
    if is_stdout(path) or _in_place(p):
        return p
    if p.is_dir():
        raise OutputError(f"{p}: is a directory; give a file name for the output")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{p}: directory {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{p}: directory {parent} is not writable; choose another output path")
    if p.exists() and not overwrite:
        raise OutputError(f"{p}: file exists and overwrite is off", option="overwrite")
    return p


def check_distinct(outputs: Mapping[str, str | os.PathLike | None]) -> None:
    """Refuse two outputs that name the same file (however spelled: ``./x``, a symlink, a hard link).

    Parameters
    ----------
    outputs : mapping of str to path or None
        Option name (for the message) to output path; ``None`` entries are unused
        outputs, ``-`` is standard output. Devices and FIFOs may be shared.

    Raises
    ------
    OutputError
        Naming both options and paths.
    """
    seen: dict[tuple, tuple[str, str]] = {}
    for option, path in outputs.items():
        if path is None or _is_special(Path(path)):
            continue
        key = _identity(path)
        if key in seen:
            first, first_path = seen[key]
            raise OutputError(
                f"{first} {first_path} and {option} {os.fspath(path)} name the same file; give each output its own file"
            )
        seen[key] = (option, os.fspath(path))


def _identity(path: str | os.PathLike) -> tuple:
    if is_stdout(path):
        return ("stdout",)
    try:
        st = os.stat(path)
    except OSError:
        return ("path", os.path.realpath(os.path.abspath(path)))
    return ("inode", st.st_dev, st.st_ino)


def _in_place(p: Path) -> bool:
    """True for an output written in place: a device, a FIFO, or an existing file under /dev or /proc
    (``/dev/stdout`` redirected to a file), where a temporary file and a rename would replace the name."""
    if _is_special(p):
        return True
    return p.exists() and os.path.abspath(p).startswith(("/dev/", "/proc/"))


def _is_special(p: Path) -> bool:
    """True for an existing output that is not a regular file (device, FIFO): written in place."""
    try:
        return not stat.S_ISREG(os.stat(p).st_mode) and not stat.S_ISDIR(os.stat(p).st_mode)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, *, mode: str = "w", encoding: str | None = "utf-8", overwrite: bool = True
) -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` only if the block succeeds.

    Parameters
    ----------
    path : str or PathLike
        The final output file; ``-`` writes to standard output.
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

    Raises
    ------
    OutputError
        If the output cannot be written (one line naming it; the old file is kept).
    """
    binary = "b" in mode
    if is_stdout(path):
        with _stdout(binary=binary, encoding=encoding or "utf-8") as fh:
            yield fh
        return
    with (
        atomic_path(path, overwrite=overwrite) as tmp,
        open(tmp, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh,
    ):
        yield fh


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Like :func:`atomic_write` but yield a temporary *path* for writers that need one.

    Parameters
    ----------
    path : str or PathLike
        The final output file; ``-`` copies the finished file to standard output.
    overwrite : bool
        If False and ``path`` exists, raise before writing anything.

    Yields
    ------
    Path
        A temporary file beside ``path``; on success it is renamed over ``path``.
        SIGTERM, SIGHUP and SIGINT while it is open remove it (exit status 128 + signal).
    """
    p = check_writable(path, overwrite=overwrite)
    if not is_stdout(path) and _in_place(p):  # a device, FIFO or /dev/stdout: nothing to rename over
        with _output_errors(p, folder=None):
            yield p
        return
    if not is_stdout(path):  # through symlinks: the link stays, its target is replaced
        p = Path(os.path.realpath(p))
    folder = tempfile.gettempdir() if is_stdout(path) else os.fspath(p.parent)
    with _signals_exit(), _output_errors(p, folder=folder):
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part" + p.suffix, dir=folder)
        os.close(fd)
        try:
            with _output_errors(p, folder=folder):
                yield Path(tmp)
                _finish(Path(tmp), p, stdout=is_stdout(path))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _finish(tmp: Path, p: Path, *, stdout: bool) -> None:
    """Move the complete temporary file into place (or copy it to standard output)."""
    if stdout:
        with open(tmp, "rb") as src, _stdout(binary=True) as out:
            shutil.copyfileobj(src, out)
        os.unlink(tmp)
        return
    try:
        new_mode = stat.S_IMODE(os.stat(p).st_mode)
        existed = True
    except FileNotFoundError:
        new_mode, existed = 0o666 & ~_umask(), False
    os.chmod(tmp, new_mode)
    os.replace(tmp, p)
    if existed:  # never clobber silently
        sys.stderr.write(f"geomap: replaced the existing {p}\n")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _stdout(*, binary: bool, encoding: str = "utf-8") -> Iterator[IO]:
    """Standard output as a binary or UTF-8 text stream, flushed and left open."""
    sys.stdout.flush()
    raw = sys.stdout.buffer
    if binary:
        yield raw
        raw.flush()
        return
    text = io.TextIOWrapper(raw, encoding=encoding, newline="", write_through=True)
    try:
        yield text
        text.flush()
    finally:
        text.detach()


@contextlib.contextmanager
def _output_errors(p: Path, *, folder: str | None) -> Iterator[None]:
    """Turn an operating-system error of the output ``p`` into a one-line :class:`OutputError`.

    Errors that name another file (an input read while writing) pass through.
    """
    try:
        yield
    except OSError as exc:
        if isinstance(exc, (GeomapError, BrokenPipeError)) or exc.errno not in _WRITE_ERRNOS:
            raise
        name = None if exc.filename is None else os.fspath(exc.filename)
        if name not in (None, os.fspath(p)) and os.path.dirname(name) != folder:
            raise
        kept = "the existing file is kept" if p.exists() else "nothing was written"
        raise OutputError(
            f"{p}: cannot write the output ({exc.strerror or exc}); {kept}. Choose another path or free some space"
        ) from None


@contextlib.contextmanager
def _signals_exit() -> Iterator[None]:
    """While a temporary output exists, make terminating signals unwind (so it is removed).

    Only signals left at their default action are taken over; SIGINT normally raises
    :class:`KeyboardInterrupt`, which unwinds already.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    saved = {}
    for sig in _TERMINATING:
        if signal.getsignal(sig) == signal.SIG_DFL:  # Ctrl-C already raises KeyboardInterrupt
            saved[sig] = signal.signal(sig, _exit)
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


def read_bounded(fh: IO[bytes], *, limit: int, where: str, hint: str, option: str | None = None) -> bytes:
    """Read a whole binary stream, stopping with an error once it passes ``limit`` bytes.

    Parameters
    ----------
    fh : binary file object
        Read from its current position; at most ``limit + 1`` bytes are read.
    limit : int
        Largest accepted size in bytes.
    where : str
        What to call the input in the message (its file name).
    hint : str
        How to raise the limit or work around it, e.g. ``"give a shorter article or raise max_bytes"``.
    option : str, optional
        The parameter that raises the limit (see :class:`geomap.errors.GeomapError`).

    Raises
    ------
    InputError
        If the stream holds more than ``limit`` bytes.
    """
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{where}: larger than the limit of {_size(limit)}; {hint}", option=option)
    return data


def iter_lines(fh: IO[bytes], *, limit: int) -> Iterator[tuple[bytes, bool]]:
    """Yield ``(line, too_long)`` for each line of a binary stream, holding at most ``limit`` bytes.

    A line longer than ``limit`` bytes (its newline aside) is yielded once as its
    first ``limit + 1`` bytes with ``too_long`` True; the rest of it is skipped
    without being kept in memory.
    """
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, False
            continue
        yield line, True
        while line and not line.endswith(b"\n"):
            line = fh.readline(_CHUNK)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:g} MiB ({n} bytes)" if n >= 1024 * 1024 else f"{n} bytes"


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{where}: binary data, not text; give a UTF-8 text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{where}:{line}: not UTF-8 text (byte {exc.start}); convert the file to UTF-8 (e.g. iconv -t UTF-8)"
        ) from None


def read_article(
    path: str | os.PathLike,
    *,
    stdin: IO[bytes] | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    allow_empty: bool = False,
) -> str:
    """Read one article from a file (``"-"`` for standard input) as text.

    Parameters
    ----------
    path : str or PathLike
        A UTF-8 text file, or ``"-"``.
    stdin : binary file, optional
        Read instead of standard input.
    max_bytes : int
        Largest article accepted; reading stops just past it (``/dev/zero`` is refused).
    allow_empty : bool
        Accept an empty or blank text.

    Raises
    ------
    InputError
        If the file is missing, binary, not UTF-8, larger than ``max_bytes`` or empty.
    """
    where = "<stdin>" if str(path) == "-" else str(path)
    hint = "give a shorter article or raise max_bytes"
    if str(path) == "-":
        data = read_bounded(stdin or sys.stdin.buffer, limit=max_bytes, where=where, hint=hint, option="max_bytes")
    else:
        try:
            with open(path, "rb") as fh:
                data = read_bounded(fh, limit=max_bytes, where=where, hint=hint, option="max_bytes")
        except FileNotFoundError:
            raise InputError(f"{where}: file not found; give a text file or - for standard input") from None
        except IsADirectoryError:
            raise InputError(f"{where}: is a directory; give a text file") from None
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    text = _decode(data, where)
    if not text.strip() and not allow_empty:
        raise InputError(f"{where}: the text is empty; give an article to parse")
    return text
