"""Facility CSVs: a header row, then one facility per line."""

from __future__ import annotations

import csv
import io

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.registry.importers._decode import decode_text
from lifeline.registry.importers._rows import (
    FACILITY_FIELDS,
    MAX_ROWS,
    OWNER_ALIASES,
    ImportRow,
    ParsedImport,
    RowReader,
    facility_command,
    locate,
)
from lifeline.registry.model import RegisterFacility

CSV_REQUIRED = ("name", "kind", "lon", "lat", "owner")


def parse_facilities_csv(
    content: bytes | str, crs: CoordinateSystem = CoordinateSystem.WGS84
) -> ParsedImport[RegisterFacility]:
    """Parse a facility CSV with a header row.

    Columns: ``name, kind, lon, lat, owner`` (required; ``owner`` is an organisation id or admin
    code, ``organisation_id`` is accepted as its alias) and ``capacity, capacity_unit, address,
    contact_name, contact_phone`` (optional); any other non-empty column is kept in
    ``attributes``. Data rows are numbered from 0 (``rows[0]`` is the line after the header);
    each reason also names the line of the file.
    """
    text = decode_text(content)
    if not text.strip():
        raise InvalidInput("body", "the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise InvalidInput("header", f"cannot parse the header: {exc}") from exc
    problems = [
        FieldProblem("header", f"missing column {name!r}")
        for name in CSV_REQUIRED
        if not (name in header or (name == "owner" and any(a in header for a in OWNER_ALIASES)))
    ]
    dupes = sorted({h for h in header if header.count(h) > 1})
    problems += [FieldProblem("header", f"duplicate column {h!r}") for h in dupes]
    problems += [
        FieldProblem("header", f"column {i + 1} has no name") for i, h in enumerate(header) if not h
    ]
    if problems:
        raise InvalidInput(problems)
    parsed: ParsedImport[RegisterFacility] = ParsedImport()
    index = 0
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue  # blank line
            prefix, line = f"rows[{index}]", reader.line_num
            index += 1
            if index > MAX_ROWS:
                raise InvalidInput("body", f"more than {MAX_ROWS} rows; split the file")
            if len(cells) != len(header):
                parsed.problems.append(
                    FieldProblem(
                        prefix, f"line {line} has {len(cells)} fields; the header has {len(header)}"
                    )
                )
                continue
            row = RowReader(prefix, dict(zip(header, cells, strict=True)), f" (line {line})")
            location = locate(row, row.number("lon"), row.number("lat"), crs)
            extras = {
                k: v.strip()
                for k, v in row.values.items()
                if k not in FACILITY_FIELDS and v.strip()
            }
            result = facility_command(row, location, crs, extras)
            parsed.problems += row.problems
            if result is not None:
                parsed.rows.append(ImportRow(prefix, result[0], result[1]))
    except csv.Error as exc:
        raise InvalidInput(f"rows[{index}]", f"cannot parse CSV: {exc}") from exc
    if index == 0:
        raise InvalidInput("body", "the file has a header but no data rows")
    return parsed
