"""Read articles and write geoparsing results (table, JSON, CSV, GeoJSON, JSON Lines batches).

Kept free of pandas/geopandas so that the command line starts fast.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from collections.abc import Iterator
from typing import IO, TextIO

from geomap.errors import InputError
from geomap.files import MAX_ARTICLE_BYTES, iter_lines
from geomap.jsontext import dumps
from geomap.tables import FORMATS
from geomap.text.tagger import COLUMNS

__all__ = ["place_records", "format_places", "iter_batch", "parse_batch_line", "FORMATS", "COLUMNS"]

TABLE_COLUMNS = (
    "name",
    "kind",
    "country",
    "country_alpha3",
    "admin1",
    "lat",
    "lon",
    "score",
    "mentions",
    "start",
    "end",
    "gazetteer_id",
)  # the fields of COLUMNS that fit a terminal


def place_records(
    text: str, *, gazetteer: str | None = None, threshold: float = 0.5, demonyms: bool = True
) -> list[dict]:
    """Return one evidence record per distinct place of ``text`` (see :data:`COLUMNS`)."""
    from geomap.text.resolver import geoparse, mentions_table

    return mentions_table(geoparse(text, gazetteer=gazetteer, threshold=threshold, demonyms=demonyms))


def format_places(records: list[dict], fmt: str) -> str:
    """Render place records as ``table``, ``json``, ``csv`` or ``geojson`` text."""
    if fmt == "json":
        return dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "geojson":
        feats = [
            {
                "type": "Feature",
                "id": k,
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {c: r[c] for c in COLUMNS if c not in ("lat", "lon")},
            }
            for k, r in enumerate(records)
        ]
        return dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(COLUMNS), lineterminator="\n")
        w.writeheader()
        for r in records:
            w.writerow({c: r[c] for c in COLUMNS})
        return buf.getvalue()
    if fmt == "table":
        from geomap.tables import format_rows

        text = format_rows(list(TABLE_COLUMNS), ([r[c] for c in TABLE_COLUMNS] for r in records), digits=4, rule=False)
        return text if records else text + "(no places found)\n"
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def parse_batch_line(line: str, *, where: str, lineno: int) -> tuple[str, str]:
    """Return ``(id, text)`` of one JSON Lines record, or raise :class:`InputError` naming the line."""
    from geomap.geojson import load_json

    obj = load_json(line, where=f"{where}:{lineno}", hint='each line must be {"id": ..., "text": ...}')
    if not isinstance(obj, dict) or "text" not in obj:
        raise InputError(f'{where}:{lineno}: expected an object with "id" and "text"')
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError(f'{where}:{lineno}: "text" must be a string')
    if not text.strip():
        raise InputError(f"{where}:{lineno}: the text is empty")
    doc_id = obj.get("id", lineno)
    if isinstance(doc_id, (dict, list)):
        raise InputError(
            f'{where}:{lineno}: "id" must be a string, a number or null, not a JSON '
            f"{'object' if isinstance(doc_id, dict) else 'list'}"
        )
    return doc_id, text


def iter_batch(
    path: str | os.PathLike, *, stdin: IO[bytes] | None = None, max_bytes: int = MAX_ARTICLE_BYTES
) -> Iterator[tuple[int, str | None, str | None, InputError | None]]:
    """Yield ``(line number, id, text, error)`` for each non-blank line of a JSON Lines file.

    A bad line yields an :class:`InputError` instead of raising, so that a batch can go on;
    a line longer than ``max_bytes`` is a bad line, read no further than its first
    ``max_bytes`` bytes. A long run of NUL bytes (binary data, ``/dev/zero``) stops the batch.
    """
    where = "<stdin>" if str(path) == "-" else str(path)
    if str(path) == "-":
        fh = stdin or sys.stdin.buffer
        close = False
    else:
        try:
            fh = open(path, "rb")
        except FileNotFoundError:
            raise InputError(f"{where}: file not found; give a JSON Lines file or - for standard input") from None
        except OSError as exc:
            raise InputError(f"{where}: cannot read ({exc.strerror})") from None
        close = True
    try:
        for lineno, (raw, too_long) in enumerate(iter_lines(fh, limit=max_bytes), 1):
            if too_long:
                if b"\x00" in raw:
                    raise InputError(f"{where}:{lineno}: binary data, not JSON Lines text; give a UTF-8 text file")
                yield (
                    lineno,
                    None,
                    None,
                    InputError(
                        f"{where}:{lineno}: line longer than {max_bytes} bytes; split the article or raise max_bytes",
                        option="max_bytes",
                    ),
                )
                continue
            if not raw.strip():
                continue
            if b"\x00" in raw:
                yield lineno, None, None, InputError(f"{where}:{lineno}: binary data, not JSON text")
                continue
            try:
                line = raw.decode("utf-8").lstrip("\ufeff").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                yield (
                    lineno,
                    None,
                    None,
                    InputError(
                        f"{where}:{lineno}: not UTF-8 text (byte {exc.start} of the line); convert the file to UTF-8"
                    ),
                )
                continue
            try:
                doc_id, text = parse_batch_line(line, where=where, lineno=lineno)
            except InputError as exc:
                yield lineno, None, None, exc
                continue
            yield lineno, doc_id, text, None
    finally:
        if close:
            fh.close()


def write_batch(
    path: str | os.PathLike,
    out: TextIO,
    *,
    gazetteer: str | None = None,
    threshold: float = 0.5,
    strict: bool = False,
    err: TextIO | None = None,
    demonyms: bool = True,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> tuple[int, int]:
    """Geoparse a JSON Lines batch: one ``{"id","mentions":[...]}`` line out per good line in.

    Each mention is a record with the fields of :data:`COLUMNS`, one per mention in text order.

    Returns
    -------
    (done, bad) : tuple of int
        Lines parsed and lines skipped.

    Raises
    ------
    InputError
        On the first bad line when ``strict``.
    """
    from geomap.text.resolver import geoparse, mention_records

    err = err or sys.stderr
    done = bad = 0
    for _lineno, doc_id, text, exc in iter_batch(path, max_bytes=max_bytes):
        if exc is not None:
            if strict:
                raise exc
            bad += 1
            print(f"geomap: skipped {exc}", file=err)
            continue
        assert text is not None
        ms = geoparse(text, gazetteer=gazetteer, threshold=threshold, demonyms=demonyms)
        out.write(dumps({"id": doc_id, "mentions": mention_records(ms)}, ensure_ascii=False) + "\n")
        done += 1
    return done, bad
