"""Read raw NMEA AIS logs (``!AIVDM``/``!AIVDO`` sentences) with pyais.

Each line holds one sentence, optionally after an NMEA 4.10 tag block
(``\\s:station,c:1704067200*hh\\!AIVDM,...``). A message sent in several
sentences (fragments) is reassembled from the consecutive fragments of the same
sequence id and channel.

- Position reports (message types 1, 2, 3, 18, 19 and 27) are rows: MMSI,
  time, latitude, longitude and speed over ground.
- Static data (types 5 and 24 part A) give vessel names; a position takes the
  name its vessel last sent before it in the log, or else the first it sends.
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


def nmea_blocks(stream: IO[bytes], *, name: str) -> Iterator[tuple[dict, RowBlock]]:
    """Decode a whole NMEA log; yield (column map, block of position rows) once.

    Names join positions across the whole log, so the log is decoded before
    its rows are handed on (the decoded rows are compact arrays, not
    sentences).

    Yields
    ------
    (dict, RowBlock)
        Column map, and the positions: ``rows`` are line numbers,
        ``malformed`` the bad sentences, ``other_messages`` the count of
        messages that are neither positions nor names.
    """
    from pyais.exceptions import AISBaseException
    from pyais.messages import NMEASentenceFactory

    pos: dict[str, list] = {k: [] for k in ("row", "mmsi", "time", "lat", "lon", "sog")}
    statics: list[tuple[int, int, str]] = []  # (line, mmsi, name)
    bad: list[tuple[int, str, str]] = []
    pending: dict[tuple, list] = {}
    other = 0
    line_no = 0
    for raw in stream:
        line_no += 1
        text = raw.strip()
        if not text:
            continue
        if len(text) > 4096:
            bad.append(
                (line_no, "line too long for an NMEA sentence", text[:MAX_REJECT_TEXT].decode("ascii", "replace"))
            )
            continue
        m = _SENTENCE.search(text)
        if m is None:
            bad.append((line_no, "not an AIS NMEA sentence", text[:MAX_REJECT_TEXT].decode("utf-8", "replace")))
            continue
        prefix, sentence = text[: m.start()], text[m.start() :]
        try:
            # the pattern above admits AIS sentences only
            s = cast("AISSentence", NMEASentenceFactory.produce(_strip_trailer(sentence)))
            if not s.is_valid:
                raise ValueError("checksum does not match")
        except (AISBaseException, ValueError, IndexError, KeyError, TypeError) as exc:
            bad.append(
                (line_no, f"bad sentence ({type(exc).__name__})", text[:MAX_REJECT_TEXT].decode("ascii", "replace"))
            )
            continue
        when = _sentence_time(s, prefix, sentence)
        if s.frag_cnt > 1:
            key = (s.seq_id, s.channel, s.frag_cnt)
            parts = pending.setdefault(key, [])
            if parts and s.frag_num != parts[-1][1].frag_num + 1:  # a new message began: the old one is incomplete
                bad += [
                    (ln, "fragment without the rest of its message", str(p.raw)[:MAX_REJECT_TEXT]) for ln, p, _ in parts
                ]
                parts.clear()
            parts.append((line_no, s, when))
            if len(parts) < s.frag_cnt:
                continue
            first_line, _, when = parts[0]
            try:
                s = type(s).assemble_from_iterable([p for _, p, _ in parts])
            finally:
                pending.pop(key, None)
        else:
            first_line = line_no
        try:
            msg: Any = s.decode()  # the message type is checked below, by its number
        except (AISBaseException, ValueError, IndexError, KeyError, TypeError) as exc:
            bad.append(
                (
                    first_line,
                    f"cannot be decoded ({type(exc).__name__})",
                    text[:MAX_REJECT_TEXT].decode("ascii", "replace"),
                )
            )
            continue
        kind = getattr(msg, "msg_type", None)
        if kind in POSITION_TYPES:
            pos["row"].append(first_line)
            pos["mmsi"].append(int(msg.mmsi))
            pos["time"].append(when)
            pos["lat"].append(float(msg.lat))
            pos["lon"].append(float(msg.lon))
            speed = getattr(msg, "speed", None)
            pos["sog"].append(np.nan if speed is None else float(speed))
        elif kind in STATIC_TYPES and getattr(msg, "shipname", None):
            statics.append((first_line, int(msg.mmsi), _clean_name(msg.shipname)))
        else:
            other += 1
    for parts in pending.values():
        bad += [(ln, "fragment without the rest of its message", str(p.raw)[:MAX_REJECT_TEXT]) for ln, p, _ in parts]
    if not pos["row"] and not bad and line_no == 0:
        raise InputError(f"{name}: the file is empty; give an NMEA log of !AIVDM sentences")
    names = _join_names(pos["row"], pos["mmsi"], statics)
    batch = pa.RecordBatch.from_pydict(
        {
            "mmsi": pa.array(pos["mmsi"], pa.int64()),
            "time": pa.array(pos["time"], pa.string()),
            "lat": pa.array(pos["lat"], pa.float64()),
            "lon": pa.array(pos["lon"], pa.float64()),
            "sog": pa.array(pos["sog"], pa.float64()),
            "name": pa.array(names, pa.string()),
        }
    )
    block = RowBlock(
        batch,
        np.array(pos["row"], np.int64),
        sorted(bad),
        0,
        len(pos["row"]),
        line_offset=0,
        other_messages=other,
        malformed_reason="bad_sentence",
    )
    yield dict(COLUMNS), block


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


def _join_names(rows: list[int], mmsi: list[int], statics: list[tuple[int, int, str]]) -> list[str | None]:
    """For each position: its vessel's last name sent before it in the log, else its first name."""
    by_vessel: dict[int, tuple[list[int], list[str]]] = {}
    for line, m, n in statics:
        if n:
            lines, names = by_vessel.setdefault(m, ([], []))
            lines.append(line)
            names.append(n)
    out: list[str | None] = []
    for row, m in zip(rows, mmsi):
        entry = by_vessel.get(m)
        if entry is None:
            out.append(None)
            continue
        k = int(np.searchsorted(entry[0], row, side="right")) - 1
        out.append(entry[1][max(k, 0)])
    return out
