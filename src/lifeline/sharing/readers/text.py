"""Text sources: CSV (UTF-8, UTF-8 with BOM, or GB18030/GBK) and NDJSON.

Encoding is sniffed from the first 64 KiB: a BOM means UTF-8-SIG; bytes that are valid UTF-8 mean
UTF-8; otherwise GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.source import RowSource, first_row_header

SNIFF_BYTES = 64 * 1024


def detect_encoding(head: bytes) -> str:
    """``utf-8-sig``, ``utf-8`` or ``gb18030`` for a file starting with ``head``."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _csv_rows(reader: Any, header: list[str]) -> Iterator[dict[str, Any]]:
    width = len(header)
    for cells in reader:
        if not cells:
            continue
        row: dict[str, Any] = dict(zip(header, cells, strict=False))
        if len(cells) != width:
            row[RAGGED] = f"row has {len(cells)} cells, the header has {width}"
        yield row


def _ndjson_rows(stream: io.TextIOBase) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
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


def open_text(path: Path, *, ndjson: bool) -> RowSource:
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head.strip():
        raise InvalidInput("file", "the file is empty")
    encoding = detect_encoding(head)
    stream: Any = path.open(encoding=encoding, newline="", errors="strict")
    try:
        if ndjson:
            # NDJSON has no header: the first object's keys stand for it
            return first_row_header(_ndjson_rows(stream), encoding, stream)
        reader = csv.reader(stream)
        header = [h.strip() for h in next(reader, [])]
        if not header:
            raise InvalidInput("file", "the file has no header row")
        return RowSource(header, _csv_rows(reader, header), encoding, stream)
    except BaseException:
        stream.close()
        raise
