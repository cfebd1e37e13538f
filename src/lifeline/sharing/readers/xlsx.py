"""Excel workbooks (.xlsx): the first sheet (or a named one), its first row the header.

openpyxl's read-only mode streams rows from the zipped XML, so memory stays flat whatever the
sheet's size. Cells come as Python values: numbers stay numbers, dates become ``datetime``
(written back as ISO 8601 text so mappings parse them like any other source).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.source import RowSource


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return value


def _rows(cells: Iterator[tuple[Any, ...]], header: list[str]) -> Iterator[dict[str, Any]]:
    width = len(header)
    for values in cells:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        trimmed = list(values)
        while len(trimmed) > width and trimmed[-1] is None:
            trimmed.pop()
        row: dict[str, Any] = {h: _cell(v) for h, v in zip(header, trimmed, strict=False)}
        if len(trimmed) > width:
            row[RAGGED] = f"row has {len(trimmed)} cells, the header has {width}"
        yield row


def open_xlsx(path: Path, sheet: str | None = None) -> RowSource:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InvalidInput("file", f"not a readable .xlsx workbook: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise InvalidInput("sheet", f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        cells = ws.iter_rows(values_only=True)
        first = next(cells, None)
        header = [str(h).strip() for h in first or () if h is not None and str(h).strip()]
        if not header:
            raise InvalidInput("file", "the sheet has no header row")
        return RowSource(header, _rows(cells, header), "xlsx", book)
    except BaseException:
        book.close()
        raise
