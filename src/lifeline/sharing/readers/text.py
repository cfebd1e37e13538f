"""Text sources: CSV (UTF-8, UTF-8 with BOM, or GB18030/GBK) and NDJSON.

Encoding is sniffed from the first 64 KiB: a BOM means UTF-8-SIG; bytes that are valid UTF-8 mean
UTF-8; otherwise GB18030 (a superset of GBK and GB2312).

Lines are read at most ``MAX_LINE_CHARS`` characters at a time, so memory stays bounded whatever
the file holds: an absurdly long line (a corrupt export, a file of NUL bytes) is read past in
chunks and becomes one ragged row saying so; a CSV field over the csv module's field limit
(131,072 characters) is a ragged row too. The reader never holds more than one line.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.source import RowSource, first_row_header

SNIFF_BYTES = 64 * 1024
MAX_LINE_CHARS = 1024 * 1024  # far beyond any real row; longer lines are quarantined
_ENDINGS = ("\n", "\r")


def _bounded_lines(stream: Any, overlong: list[int], limit: int) -> Iterator[str]:
    """The stream's lines; one longer than ``limit`` characters is read past in chunks of
    ``limit`` and stands as an empty line, its number appended to ``overlong``."""
    readline = stream.readline
    number = 0
    while line := readline(limit):
        number += 1
        if len(line) < limit or line.endswith(_ENDINGS):
            yield line
            continue
        while (rest := readline(limit)) and not rest.endswith(_ENDINGS):
            pass
        overlong.append(number)
        yield "\n"


def _overlong_rows(overlong: list[int], limit: int) -> Iterator[dict[str, Any]]:
    for number in overlong:
        yield {RAGGED: f"line {number} is longer than {limit:,} characters; skipped to its end"}
    overlong.clear()


def detect_encoding(head: bytes) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` for a file starting with ``head``."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _csv_rows(
    reader: Any, header: list[str], overlong: list[int], limit: int
) -> Iterator[dict[str, Any]]:
    width = len(header)
    while True:
        try:
            for cells in reader:  # a plain loop while rows are well-formed (most of the time)
                if overlong:
                    yield from _overlong_rows(overlong, limit)
                if len(cells) == width:
                    yield dict(zip(header, cells, strict=True))
                elif cells:
                    row: dict[str, Any] = dict(zip(header, cells, strict=False))
                    row[RAGGED] = f"row has {len(cells)} cells, the header has {width}"
                    yield row
            break
        except csv.Error as exc:  # a field over the csv module's limit, NUL in a quoted field …
            yield {RAGGED: f"line {reader.line_num}: {exc}"}
    yield from _overlong_rows(overlong, limit)


def _ndjson_rows(lines: Iterator[str], overlong: list[int], limit: int) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if overlong:
            yield from _overlong_rows(overlong, limit)
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {RAGGED: f"line {number} is not JSON: {exc.msg}"}
            continue
        if not isinstance(doc, dict):
            yield {RAGGED: f"line {number} is not a JSON object"}
            continue
        yield doc


def open_text(path: Path, *, ndjson: bool, max_line_chars: int = MAX_LINE_CHARS) -> RowSource:
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head.strip():
        raise InvalidInput("file", "the file is empty")
    encoding = detect_encoding(head)
    stream: Any = path.open(encoding=encoding, newline="", errors="strict")
    overlong: list[int] = []
    lines = _bounded_lines(stream, overlong, max_line_chars)
    try:
        if ndjson:
            # NDJSON has no header: the first object's keys stand for it
            rows = _ndjson_rows(lines, overlong, max_line_chars)
            return first_row_header(rows, encoding, stream)
        reader = csv.reader(lines)
        try:
            header = [h.strip() for h in next(reader, [])]
        except csv.Error as exc:
            raise InvalidInput("file", f"the header row cannot be read: {exc}") from exc
        if overlong:
            raise InvalidInput(
                "file", f"the header row is longer than {max_line_chars:,} characters"
            )
        if not header:
            raise InvalidInput("file", "the file has no header row")
        rows = _csv_rows(reader, header, overlong, max_line_chars)
        return RowSource(header, rows, encoding, stream)
    except BaseException:
        stream.close()
        raise
