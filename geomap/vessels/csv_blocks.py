"""Read an AIS CSV file in blocks that survive broken rows.

A file of millions of positions is often damaged in a few places: a row with a
field too many or too few, a quote that is never closed, a last line cut off by
an interrupted download, bytes that are not UTF-8. None of these may sink the
file. :func:`csv_blocks` reads the raw bytes in large blocks cut at line ends,
lets Arrow parse each block (every wanted column as text) and sets every row
that Arrow cannot parse aside as a *malformed row*, with its line number and
text, so that the rest of the file is analysed:

- a row with more or fewer fields than the header is malformed;
- a line whose quotes do not close (AIS values never hold line breaks) is
  malformed; when Arrow's rows do not add up to the block's lines, such lines
  are taken out and the block parsed again, so that an open quote cannot
  swallow the lines after it;
- bytes that are not UTF-8 are replaced by U+FFFD;
- blank lines are not rows: they are skipped and counted.

A block without any of these (the usual case) costs Arrow's parse and nothing
more; the lines of a block that has them are located in one pass over it.

Line numbers count every line of the file, the header being line 1; the data
row number of a line is its line number minus one. Line breaks may be ``\\n``,
``\\r\\n`` or ``\\r``. Compressed files (gzip) are recognised by their first
bytes, whatever their name.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geomap.errors import InputError

__all__ = ["BLOCK_BYTES", "MAX_LINE_BYTES", "RowBlock", "csv_blocks", "open_input", "read_header"]

#: raw bytes read per block; each block is parsed by Arrow's threads
BLOCK_BYTES = 16 << 20
#: a line longer than this is not a line of an AIS file (a binary file, /dev/zero)
MAX_LINE_BYTES = 1 << 20
#: the longest text of a malformed row kept for ``--rejects``
MAX_REJECT_TEXT = 500
_GZIP_MAGIC = b"\x1f\x8b"


@dataclasses.dataclass
class RowBlock:
    """One block of parsed rows (of a CSV file, or a Parquet row batch).

    Attributes
    ----------
    batch : pyarrow.RecordBatch
        The wanted columns of the block's well-formed rows, as text.
    rows : ndarray of int64
        Data row number of each row of ``batch`` (line number minus one).
    malformed : list of (int, str, str)
        Data row number, what is wrong, and the line's text, for each
        malformed row of the block.
    blank_lines : int
        Blank lines in the block (not rows).
    size_hint : int or None
        Estimated number of rows in the whole file (None when unknown).
    line_offset : int or None
        Line number minus row number (1 for CSV, whose header is line 1; 0
        for NMEA logs; None for Parquet, which has no lines).
    other_messages : int
        NMEA messages that are neither positions nor names (not rows).
    malformed_reason : str
        The reject reason of the ``malformed`` rows.
    late_names : dict
        MMSI -> name for vessels whose rows without a name (in this block or
        earlier ones) take the name it sent later (NMEA logs).
    """

    batch: pa.RecordBatch
    rows: np.ndarray
    malformed: list[tuple[int, str, str]]
    blank_lines: int
    size_hint: int | None
    line_offset: int | None = 1
    other_messages: int = 0
    malformed_reason: str = "malformed_row"
    late_names: dict[int, str] = dataclasses.field(default_factory=dict)


@contextlib.contextmanager
def open_input(source: str | os.PathLike) -> Iterator[tuple[str, int | None, IO[bytes]]]:
    """Open a file (or ``"-"``, standard input) for reading, gzip decompressed when its first bytes say so.

    Yields
    ------
    (str, int or None, binary stream)
        The input's name for messages, its size in bytes when known
        (plain files), and a buffered stream with ``peek``.

    Raises
    ------
    InputError
        If the file cannot be opened.
    """
    name, size = _describe(source)
    own = source != "-"
    try:
        raw = sys.stdin.buffer if not own else open(source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise InputError(
            f"{name}: cannot be opened ({exc.strerror or exc}); give a CSV, NMEA or Parquet file"
        ) from None
    try:
        buffered = raw if hasattr(raw, "peek") else io.BufferedReader(cast("io.RawIOBase", raw))
        if buffered.peek(2)[:2] == _GZIP_MAGIC:
            yield name, None, io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"), buffer_size=1 << 20)
        else:
            yield name, size, buffered
    finally:
        if own:
            raw.close()


def read_header(source: str | os.PathLike | IO[bytes]) -> list[str]:
    """Return the column names of a CSV file (plain or gzip).

    Raises
    ------
    InputError
        If the file cannot be opened, is empty or is not text.
    """
    with _Reader(source) as reader:
        return reader.header


def csv_blocks(
    source: str | os.PathLike | IO[bytes],
    *,
    columns: Sequence[str] | None = None,
    block_bytes: int = BLOCK_BYTES,
    header_check=None,
    name: str | None = None,
    size: int | None = None,
) -> Iterator[RowBlock]:
    """Yield the parsed blocks of a CSV file, malformed rows set aside.

    Parameters
    ----------
    source : str, PathLike or binary file object
        The CSV file (plain or gzip); ``"-"`` reads standard input.
    columns : sequence of str, optional
        Header names to keep (all when None).
    block_bytes : int
        Raw bytes read per block.
    header_check : callable, optional
        Called with the header's column names before any row is read; may
        raise (e.g. when required columns are missing) and may return the
        columns to keep, replacing ``columns``: a sequence (read as text) or a
        mapping of column -> Arrow type for Arrow's parser to convert to (None:
        text). A typed column that holds a value its type cannot read is read
        as text from the block that holds it on.
    name, size : optional
        The input's name and size, when ``source`` is an open stream.

    Yields
    ------
    RowBlock

    Raises
    ------
    InputError
        If the file cannot be read (missing, broken compression, a line
        longer than :data:`MAX_LINE_BYTES`).
    """
    with _Reader(source) as reader:
        reader.name = name or reader.name
        reader.size = size if size is not None else reader.size
        header = reader.header
        types: dict[str, pa.DataType] = {}
        if header_check is not None:
            chosen = header_check(header)
            if isinstance(chosen, Mapping):
                types = {c: t for c, t in chosen.items() if t is not None}
            columns = list(chosen) if chosen is not None else columns
        names = _unique(header)  # the first of repeated names keeps its name
        wanted = list(dict.fromkeys(columns)) if columns is not None else names
        size = reader.size
        hint = None
        for buf, line0, n_lines in reader.blocks(block_bytes):
            if hint is None and size:
                hint = int(n_lines * max(size / max(len(buf), 1), 1.0) * 1.02) + 1
            yield _parse(
                buf, line0=line0, n_lines=n_lines, names=names, wanted=wanted, types=types, path=reader.name, hint=hint
            )


# --------------------------------------------------------------------------- raw reading


class _Reader:
    """A CSV source as blocks of whole lines (normalised to ``\\n``), after its header."""

    def __init__(self, source: str | os.PathLike | IO[bytes]) -> None:
        self.name, self.size = _describe(source)
        self._own = not hasattr(source, "read")
        self._raw: IO[bytes] | None = None
        self._source = source
        self._stream: IO[bytes] | None = None
        self.header: list[str] = []
        self._rest = b""
        self._eof = False
        self._lines = 0  # lines returned so far (the header is line 1)

    def __enter__(self) -> _Reader:
        src = self._source
        if src == "-":
            src = sys.stdin.buffer
        try:
            raw = cast("IO[bytes]", open(src, "rb") if not hasattr(src, "read") else src)
        except OSError as exc:
            raise InputError(
                f"{self.name}: cannot be opened ({exc.strerror or exc}); give a CSV or Parquet file"
            ) from None
        self._raw = raw
        buffered = raw if hasattr(raw, "peek") else io.BufferedReader(cast("io.RawIOBase", raw))
        head = buffered.peek(2)[:2] if hasattr(buffered, "peek") else b""
        self._stream = (
            cast("IO[bytes]", gzip.GzipFile(fileobj=buffered, mode="rb")) if head == _GZIP_MAGIC else buffered
        )
        if head == _GZIP_MAGIC:
            self.size = None
        self._read_header()
        return self

    def __exit__(self, *exc) -> None:
        if self._own and self._raw is not None:
            self._raw.close()

    def _read(self, n: int) -> bytes:
        try:
            return self._stream.read(n)  # type: ignore[union-attr]
        except (OSError, EOFError, zlib.error) as exc:
            raise self._read_error(exc) from None

    def _read_error(self, exc: BaseException) -> InputError:
        gz = isinstance(self._stream, gzip.GzipFile) or isinstance(getattr(self._stream, "raw", None), gzip.GzipFile)
        what = "gzip data is broken or cut short" if gz else "read failed"
        return InputError(
            f"{self.name}: {what} after line {self._lines} ({exc}); the file may be incomplete, download it again"
        )

    def _read_header(self) -> None:
        data = b""
        while True:
            chunk = self._read(1 << 16)
            data += chunk
            cut = data.find(b"\n")
            if cut < 0 and b"\r" in data[:-1]:
                cut = data.find(b"\r")
            if cut >= 0 or not chunk:
                break
            if len(data) > MAX_LINE_BYTES:
                raise InputError(f"{self.name}: no line break in the first {MAX_LINE_BYTES >> 20} MiB; not a CSV file")
        line = data if cut < 0 else data[:cut]
        self._rest = b"" if cut < 0 else data[cut + 1 :]
        if data[cut : cut + 2] == b"\r\n":
            self._rest = self._rest[1:]
        self._eof = not chunk and not self._rest
        line = line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")
        if not line.strip():
            raise InputError(
                f"{self.name}: the file is empty; it needs a header row with MMSI, time, LAT and LON columns"
            )
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{self.name}: the header is not UTF-8 text; give a UTF-8 CSV or a Parquet file") from None
        try:
            self.header = next(csv.reader([text], strict=True))
        except csv.Error as exc:
            raise InputError(f"{self.name}: line 1 (the header) is not valid CSV ({exc})") from None
        self._lines = 1

    def _readinto(self, view: memoryview) -> int:
        try:
            return self._stream.readinto(view)  # type: ignore[union-attr]
        except (OSError, EOFError, zlib.error) as exc:
            raise self._read_error(exc) from None

    def blocks(self, block_bytes: int) -> Iterator[tuple[memoryview, int, int]]:
        """Yield (block of whole lines ending in ``\\n``, lines before it, lines in it).

        The blocks are views of one buffer that is read into again for the next
        block (no page of memory is allocated afresh for each block): a consumer
        is done with a block when it asks for the next (Arrow's parse copies
        the values out of it).
        """
        size = max(block_bytes, len(self._rest), 1)
        buf = bytearray(size)
        n = len(self._rest)
        buf[:n] = self._rest
        self._rest = b""
        eof = self._eof
        while n or not eof:
            while not eof and n < size:
                got = self._readinto(memoryview(buf)[n:size])
                eof = not got
                n += got
            hold = 1 if not eof and buf[n - 1] == 13 else 0  # a \r\n may be split between reads
            m = n - hold
            if buf.find(b"\r", 0, m) >= 0:  # normalise line breaks to \n in place (never longer)
                fixed = bytes(buf[:m]).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
                buf[: len(fixed)] = fixed
                buf[len(fixed) : len(fixed) + hold] = buf[m:n]
                m, n = len(fixed), len(fixed) + hold
            cut = 0
            if m > block_bytes:  # at most one block (and the line it ends in) at a time
                cut = buf.rfind(b"\n", 0, block_bytes) + 1 or buf.find(b"\n", block_bytes, m) + 1
            cut = cut or (m if eof else buf.rfind(b"\n", 0, m) + 1)
            if cut == 0:  # no line end in the whole buffer: a long line
                if n > MAX_LINE_BYTES:
                    raise InputError(
                        f"{self.name}: line {self._lines + 1} is longer than {MAX_LINE_BYTES >> 20} MiB; "
                        "this is not a CSV file of AIS positions"
                    )
                size *= 2
                buf = buf[:n] + bytearray(size - n)  # a new buffer: Arrow may still refer to the old one
                continue
            view = memoryview(buf)[:cut]
            lines = np.frombuffer(view, np.uint8)
            n_lines = int(np.count_nonzero(lines == 10)) + (0 if buf[cut - 1] == 10 else 1)
            del lines
            line0 = self._lines
            self._lines += n_lines
            yield view, line0, n_lines
            del view
            buf[: n - cut] = buf[cut:n]  # Arrow's parse copied the values: the buffer is free again
            n -= cut


def _describe(source) -> tuple[str, int | None]:
    if source == "-":
        return "stdin", None
    if hasattr(source, "read"):
        return str(getattr(source, "name", "input")), None
    p = Path(source)
    try:
        size = p.stat().st_size if p.is_file() else None
    except OSError:
        size = None
    return str(p), size


def _unique(names: Sequence[str]) -> list[str]:
    """Column names made unique for Arrow (a repeated name gets a ``.2``, ``.3`` suffix)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0) + 1
        seen[n] = k
        out.append(n if k == 1 else f"{n}.{k}")
    return out


# --------------------------------------------------------------------------- parsing a block


def _parse(
    buf: bytes | memoryview,
    *,
    line0: int,
    n_lines: int,
    names: list[str],
    wanted: list[str],
    types: dict[str, pa.DataType],
    path: str,
    hint: int | None,
) -> RowBlock:
    """Parse one block of ``n_lines`` whole lines; set aside rows Arrow cannot parse."""
    if len(buf) and int(np.frombuffer(buf, np.uint8).max()) >= 0x80:
        raw = bytes(buf)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            buf = raw.decode("utf-8", "replace").encode("utf-8")
    where = f"{path}: after line {line0}"
    batch, bad_texts = _arrow_parse(buf, names=names, wanted=wanted, types=types, where=where)
    if batch.num_rows == n_lines:  # the usual case: every line a row
        return RowBlock(batch, np.arange(line0, line0 + n_lines, dtype=np.int64), [], 0, hint)
    buf = bytes(buf)
    lines = buf.split(b"\n")[:n_lines]
    n_blank = sum(1 for line in lines if not line)
    quoted_bad: dict[int, tuple[str, str]] = {}
    if batch.num_rows + len(bad_texts) + n_blank != n_lines or any("\n" in t for t in bad_texts):
        # an open quote ran over line ends: take its line out and parse again
        buf, quoted_bad = _take_out_bad_quotes(buf)
        batch, bad_texts = _arrow_parse(buf, names=names, wanted=wanted, types=types, where=where)
        lines = buf.split(b"\n")[:n_lines]
    located = _locate(lines, bad_texts, quoted_bad, parsed=batch.num_rows)
    if located is None:  # Arrow and the line split disagree: parse this block line by line
        block = _parse_by_line(lines, line0=line0, names=names, wanted=wanted, quoted_bad=quoted_bad)
        block.size_hint = hint
        return block
    skipped, blank = located
    keep = np.ones(n_lines, bool)
    keep[skipped] = False
    keep[blank] = False
    malformed = []
    for i in skipped:
        if i in quoted_bad:
            detail, text = quoted_bad[i]
        else:
            text = lines[i].decode("utf-8", "replace")
            detail = f"{_field_count(text)} fields where the header has {len(names)}"
        malformed.append((line0 + i, detail, text[:MAX_REJECT_TEXT]))
    return RowBlock(batch, line0 + np.flatnonzero(keep).astype(np.int64), malformed, len(blank), hint)


_CONVERSION_ERROR = re.compile(r"In CSV column #(\d+): CSV conversion error")


def _arrow_parse(
    buf: bytes | memoryview, *, names: list[str], wanted: list[str], types: dict[str, pa.DataType], where: str
) -> tuple[pa.RecordBatch, list[str]]:
    """Arrow's parse of a block and the texts of the rows it skipped.

    Columns named in ``types`` are converted by Arrow's parser (empty values
    are null), the other wanted columns are text. A typed column holding a
    value its type cannot read is taken out of ``types`` (so it is text from
    this block on, for the cleaner to judge value by value) and the block is
    parsed again.
    """
    while True:
        bad_texts: list[str] = []
        on_invalid = _collector(bad_texts)
        try:
            table = pacsv.read_csv(
                pa.py_buffer(buf),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20),
                parse_options=pacsv.ParseOptions(
                    newlines_in_values=False, ignore_empty_lines=True, invalid_row_handler=on_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=wanted,
                    column_types={c: types.get(c, pa.string()) for c in wanted},
                    strings_can_be_null=False,
                    null_values=[""],
                    quoted_strings_can_be_null=True,
                ),
            )
        except (pa.ArrowInvalid, OSError) as exc:
            hit = _CONVERSION_ERROR.search(str(exc))
            if hit and types:
                column = names[int(hit.group(1))] if int(hit.group(1)) < len(names) else None
                for c in [column] if column in types else list(types):
                    types.pop(c)
                continue
            raise InputError(f"{where}: cannot be read as CSV ({exc})") from None
        return _one_batch(table), bad_texts


def _collector(texts: list[str]):
    """An invalid-row handler for Arrow that keeps each skipped row's text in ``texts``."""

    def on_invalid(row) -> str:
        texts.append(row.text)
        return "skip"

    return on_invalid


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    table = table.combine_chunks()
    batches = table.to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)


def _take_out_bad_quotes(buf: bytes) -> tuple[bytes, dict[int, tuple[str, str]]]:
    """Blank out the lines whose quotes are not valid CSV; return them by line index."""
    bad: dict[int, tuple[str, str]] = {}
    pieces = []
    pos = 0  # start of the part of buf not yet copied
    line = 0  # line index of position `pos`
    search = 0
    while True:
        q = buf.find(b'"', search)
        if q < 0:
            break
        start = buf.rfind(b"\n", 0, q) + 1
        end = buf.find(b"\n", q)
        end = len(buf) if end < 0 else end
        search = end + 1
        text = buf[start:end].decode("utf-8", "replace")
        try:
            next(csv.reader([text], strict=True), None)
            continue
        except csv.Error as exc:
            detail = "a quote that does not close" if "end of data" in str(exc) else f"bad quoting ({exc})"
        line += buf.count(b"\n", pos, start)
        bad[line] = (detail, text[:MAX_REJECT_TEXT])
        pieces.append(buf[pos:start])  # the line itself is left out: an empty line in its place
        pos = end
    if not bad:
        return buf, bad
    pieces.append(buf[pos:])
    return b"".join(pieces), bad


def _locate(lines: list[bytes], bad_texts: list[str], quoted_bad: dict, *, parsed: int):
    """Line indices of the rows Arrow skipped, as (malformed, blank), or None if they do not add up."""
    wanted = {t.encode("utf-8") for t in bad_texts if t}
    skipped: list[int] = []
    blank: list[int] = []
    for i, line in enumerate(lines):
        if not line:
            (skipped if i in quoted_bad else blank).append(i)
        elif line in wanted:
            skipped.append(i)
    if len(skipped) + len(blank) != len(lines) - parsed:
        return None
    return np.array(skipped, np.int64), np.array(blank, np.int64)


def _parse_by_line(
    lines: list[bytes], *, line0: int, names: list[str], wanted: list[str], quoted_bad: dict
) -> RowBlock:
    """The slow, exact path: each line read by Python's csv module."""
    keep_rows, values, malformed, blank = [], [], [], 0
    index = [names.index(c) for c in wanted]
    for i, raw in enumerate(lines):
        if i in quoted_bad:
            malformed.append((line0 + i, *quoted_bad[i]))
            continue
        if not raw:
            blank += 1
            continue
        text = raw.decode("utf-8", "replace")
        fields = next(csv.reader([text]), [])
        if len(fields) != len(names):
            malformed.append(
                (line0 + i, f"{len(fields)} fields where the header has {len(names)}", text[:MAX_REJECT_TEXT])
            )
            continue
        keep_rows.append(line0 + i)
        values.append([fields[j] for j in index])
    cols = {c: pa.array([v[k] for v in values], pa.string()) for k, c in enumerate(wanted)}
    return RowBlock(pa.RecordBatch.from_pydict(cols), np.array(keep_rows, np.int64), malformed, blank, None)


def _field_count(text: str) -> int:
    try:
        return len(next(csv.reader([text]), []))
    except csv.Error:
        return text.count(",") + 1
