"""Read raw NMEA AIS logs (``!AIVDM``/``!AIVDO`` sentences) with pyais.

Each line holds one sentence, optionally after an NMEA 4.10 tag block
(``\\s:station,c:1704067200*hh\\!AIVDM,...``). A message sent in several
sentences (fragments) is reassembled from the consecutive fragments of the same
sequence id and channel.

- Position reports (message types 1, 2, 3, 18, 19 and 27) are rows: MMSI,
  time, latitude, longitude and speed over ground.
- Static data (types 5 and 24 part A) give vessel names; a position takes the
  name its vessel last sent before it in the log, or else the first it sends.
- The log is decoded as a stream, in blocks of positions: memory does not grow
  with the log's length.
- Other messages (base stations, aids to navigation, safety texts ...) are
  counted as ``other_messages``, not rows.
- A sentence that cannot be decoded (bad checksum, bad fields, a fragment whose
  companions are missing) is a rejected row, ``bad_sentence``, with its line.

The time of a sentence is the tag block's ``c:`` (Unix seconds, or
milliseconds when larger than 1e11), else a time written before the sentence
on its line (ISO 8601 or Unix seconds), else a Unix time written after its
checksum (``...*5C,1704067200``). A position without any time is a
``bad_time`` row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa

from geomap.errors import InputError
from geomap.vessels.csv_blocks import MAX_REJECT_TEXT, RowBlock

if TYPE_CHECKING:
    from pyais.messages import AISSentence

__all__ = ["POSITION_TYPES", "STATIC_TYPES", "looks_like_nmea", "nmea_blocks"]

POSITION_TYPES = (1, 2, 3, 18, 19, 27)
STATIC_TYPES = (5, 24)
#: the canonical columns of the batches this reader yields
COLUMNS = {"mmsi": "mmsi", "time": "time", "lat": "lat", "lon": "lon", "sog": "sog", "name": "name"}
_SENTENCE = re.compile(rb"(\\[^\\]*\\)?[!$][A-Z]{2}VD[MO],")
_TRAILING_TIME = re.compile(rb"\*[0-9A-Fa-f]{2}\s*,\s*(\d{9,13}(?:\.\d+)?)\s*$")


def looks_like_nmea(stream: IO[bytes]) -> bool:
    """True when the first non-blank line of a buffered stream holds an AIS NMEA sentence."""
    head = stream.peek(4096)[:4096]  # type: ignore[attr-defined]
    for line in head.splitlines():
        if line.strip():
            return bool(_SENTENCE.search(line[:200]))
    return False


#: positions per block handed on (the log is decoded as a stream, block by block)
BLOCK_ROWS = 1 << 16


def nmea_blocks(stream: IO[bytes], *, name: str, block_rows: int = BLOCK_ROWS) -> Iterator[tuple[dict, RowBlock]]:
    """Decode an NMEA log as a stream; yield (column map, block of position rows) every ``block_rows`` positions.

    A position leaves with the name its vessel last sent before it, or none;
    the last block's ``late_names`` gives, for each vessel whose first name
    came after some of its positions, that name (for the reader to give to
    those positions). Memory is one block, whatever the log's length.

    Yields
    ------
    (dict, RowBlock)
        Column map, and positions: ``rows`` are line numbers, ``malformed``
        the bad sentences, ``other_messages`` the count of messages that are
        neither positions nor names.
    """
    batch = _Batch()
    last_name: dict[int, str] = {}
    unnamed: set[int] = set()  # vessels with positions sent before any name
    late: dict[int, str] = {}
    counts: dict[str, Any] = {"lines": 0, "other": 0, "bad": batch.bad}
    for line, msg, when in _messages(stream, counts):
        kind = getattr(msg, "msg_type", None)
        if kind in POSITION_TYPES:
            mmsi = int(msg.mmsi)
            speed = getattr(msg, "speed", None)
            known = last_name.get(mmsi)
            if known is None:
                unnamed.add(mmsi)
            batch.add(
                line, mmsi, when, float(msg.lat), float(msg.lon), np.nan if speed is None else float(speed), known
            )
        elif kind in STATIC_TYPES and getattr(msg, "shipname", None):
            mmsi, ship = int(msg.mmsi), _clean_name(msg.shipname)
            if ship:
                if mmsi not in last_name and mmsi in unnamed:
                    late[mmsi] = ship
                last_name[mmsi] = ship
        else:
            counts["other"] += 1
        if len(batch) >= block_rows or len(batch.bad) >= block_rows:
            yield dict(COLUMNS), batch.block(other=counts["other"])
            batch = _Batch()
            counts.update(other=0, bad=batch.bad)
    if counts["lines"] == 0:
        raise InputError(f"{name}: the file is empty; give an NMEA log of !AIVDM sentences")
    block = batch.block(other=counts["other"])
    block.late_names = late
    yield dict(COLUMNS), block


class _Batch:
    """The position rows and bad sentences of one block, as plain lists."""

    def __init__(self) -> None:
        self.cols: dict[str, list] = {k: [] for k in ("row", "mmsi", "time", "lat", "lon", "sog", "name")}
        self.bad: list[tuple[int, str, str]] = []

    def __len__(self) -> int:
        return len(self.cols["row"])

    def add(self, row: int, mmsi: int, when: str | None, lat: float, lon: float, sog: float, name: str | None) -> None:
        for key, value in zip(self.cols, (row, mmsi, when, lat, lon, sog, name)):
            self.cols[key].append(value)

    def block(self, *, other: int) -> RowBlock:
        c = self.cols
        batch = pa.RecordBatch.from_pydict(
            {
                "mmsi": pa.array(c["mmsi"], pa.int64()),
                "time": pa.array(c["time"], pa.string()),
                "lat": pa.array(c["lat"], pa.float64()),
                "lon": pa.array(c["lon"], pa.float64()),
                "sog": pa.array(c["sog"], pa.float64()),
                "name": pa.array(c["name"], pa.string()),
            }
        )
        rows = np.array(c["row"], np.int64)
        return RowBlock(
            batch, rows, sorted(self.bad), 0, None, line_offset=0, other_messages=other, malformed_reason="bad_sentence"
        )


def _messages(stream: IO[bytes], counts: dict) -> Iterator[tuple[int, Any, str | None]]:
    """Decoded messages of a log as (line of the first sentence, message, time text), read line by line.

    Bad sentences go to the list ``counts["bad"]``, which the caller may
    replace between messages (a list per block); ``counts["lines"]`` counts
    the lines read.
    """
    from pyais.exceptions import AISBaseException
    from pyais.messages import NMEASentenceFactory

    errors = (AISBaseException, ValueError, IndexError, KeyError, TypeError)
    pending: dict[tuple, list] = {}
    for raw in stream:
        counts["lines"] += 1
        line_no = counts["lines"]
        text = raw.strip()
        if not text:
            continue
        if len(text) > 4096:
            _bad(counts, line_no, "line too long for an NMEA sentence", text)
            continue
        m = _SENTENCE.search(text)
        if m is None:
            _bad(counts, line_no, "not an AIS NMEA sentence", text)
            continue
        prefix, sentence = text[: m.start()], text[m.start() :]
        try:
            # the pattern above admits AIS sentences only
            s = cast("AISSentence", NMEASentenceFactory.produce(_strip_trailer(sentence)))
            if not s.is_valid:
                raise ValueError("checksum does not match")
        except errors as exc:
            _bad(counts, line_no, f"bad sentence ({type(exc).__name__})", text)
            continue
        when = _sentence_time(s, prefix, sentence)
        first_line = line_no
        if s.frag_cnt > 1:
            key = (s.seq_id, s.channel, s.frag_cnt)
            parts = pending.setdefault(key, [])
            if parts and s.frag_num != parts[-1][1].frag_num + 1:  # a new message began: the old one is incomplete
                for ln, p, _ in parts:
                    _bad(counts, ln, "fragment without the rest of its message", _raw(p))
                parts.clear()
            parts.append((line_no, s, when))
            if len(parts) < s.frag_cnt:
                continue
            first_line, _, when = parts[0]
            try:
                s = type(s).assemble_from_iterable([p for _, p, _ in parts])
            finally:
                pending.pop(key, None)
        try:
            msg: Any = s.decode()  # the message type is checked by the caller, by its number
        except errors as exc:
            _bad(counts, first_line, f"cannot be decoded ({type(exc).__name__})", text)
            continue
        yield first_line, msg, when
    for parts in pending.values():
        for ln, p, _ in parts:
            _bad(counts, ln, "fragment without the rest of its message", _raw(p))


def _raw(sentence) -> bytes:
    """The text of a pyais sentence."""
    raw = sentence.raw
    return raw if isinstance(raw, bytes) else str(raw).encode()


def _bad(counts: dict, line: int, what: str, text: bytes) -> None:
    """Record a bad sentence in the current block's list."""
    counts["bad"].append((line, what, text[:MAX_REJECT_TEXT].decode("utf-8", "replace")))


def _strip_trailer(sentence: bytes) -> bytes:
    """The sentence up to its checksum (drops a time or other fields some loggers append)."""
    star = sentence.rfind(b"*")
    return sentence[: star + 3] if star >= 0 else sentence


def _sentence_time(s, prefix: bytes, sentence: bytes) -> str | None:
    """The sentence's time as text that :mod:`geomap.vessels.read` parses, or None."""
    tb = getattr(s, "tag_block", None)
    if tb is not None:
        try:
            tb.init()
            c = tb.receiver_timestamp
        except Exception:  # a damaged tag block: the sentence may still carry a time elsewhere
            c = None
        if c:
            value = float(c)
            return repr(value / 1000.0 if value > 1e11 else value)
    before = prefix.strip().strip(b",;|").decode("ascii", "replace")
    if before and not before.startswith("\\"):
        return before
    m = _TRAILING_TIME.search(sentence)
    return m.group(1).decode("ascii") if m else None


def _clean_name(name: str) -> str:
    """An AIS name without its ``@`` padding and surrounding spaces."""
    return name.replace("@", " ").strip()
