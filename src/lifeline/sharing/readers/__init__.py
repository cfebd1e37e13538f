"""Streaming readers: every source becomes a header and a one-pass iterator of rows.

| format | files | module |
|---|---|---|
| CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) | `.csv`, `.txt` | `text` |
| NDJSON | `.ndjson`, `.jsonl` | `text` |
| JSON array of objects, GeoJSON FeatureCollection | `.json`, `.geojson` | `jsondoc` (ijson) |
| Excel workbook, first sheet | `.xlsx` | `xlsx` (openpyxl, read-only) |
| XML, each child of the root a record | `.xml` | `xml` (lxml iterparse, no DTDs) |
| HTTP JSON API, paged | `http(s)://…` | `http` (httpx) |

Readers hold one row (one page for HTTP) at a time, so memory stays constant whatever the size.
A row that does not fit (ragged CSV, a line that is not JSON, a malformed document's tail) is
yielded with the ``RAGGED`` key saying why, so the run quarantines it instead of dropping it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.readers.http import open_http
from lifeline.sharing.readers.jsondoc import open_json
from lifeline.sharing.readers.source import RowSource
from lifeline.sharing.readers.text import SNIFF_BYTES, detect_encoding, open_text
from lifeline.sharing.readers.xlsx import open_xlsx
from lifeline.sharing.readers.xml import open_xml

__all__ = [
    "SNIFF_BYTES",
    "RowSource",
    "SourceFormat",
    "detect_encoding",
    "guess_format",
    "is_url",
    "open_rows",
]


class SourceFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"
    JSON = "json"  # an array of objects or a GeoJSON FeatureCollection
    XLSX = "xlsx"
    XML = "xml"
    HTTP = "http"


_SUFFIXES = {
    ".csv": SourceFormat.CSV,
    ".txt": SourceFormat.CSV,
    "": SourceFormat.CSV,
    ".ndjson": SourceFormat.NDJSON,
    ".jsonl": SourceFormat.NDJSON,
    ".json": SourceFormat.JSON,
    ".geojson": SourceFormat.JSON,
    ".xlsx": SourceFormat.XLSX,
    ".xml": SourceFormat.XML,
}


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def guess_format(path: Path) -> SourceFormat:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        names = ", ".join(sorted(s for s in _SUFFIXES if s))
        raise InvalidInput("format", f"unsupported file type {path.suffix!r}: use one of {names}")
    return fmt


def open_rows(location: Path | str, fmt: SourceFormat | None = None) -> RowSource:
    """Open a file path or an http(s) URL for streaming; use the result as a context manager."""
    if isinstance(location, str) and is_url(location):
        return open_http(location)
    path = Path(location)
    fmt = fmt or guess_format(path)
    if fmt is SourceFormat.HTTP:
        raise InvalidInput("format", "an HTTP source needs an http(s) URL")
    if fmt is SourceFormat.XLSX:
        return open_xlsx(path)
    if fmt is SourceFormat.XML:
        return open_xml(path)
    if fmt is SourceFormat.JSON:
        return open_json(path)
    return open_text(path, ndjson=fmt is SourceFormat.NDJSON)
