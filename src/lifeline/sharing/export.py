"""Serialising canonical records for export as CSV, NDJSON or GeoJSON (pure, streaming).

Each function turns already-masked records into text chunks, one per record (plus a header or
envelope), so an exporter can stream any number of records in constant memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Any

from lifeline.sharing.standard import FieldType, RecordSpec


class ExportFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"
    GEOJSON = "geojson"

    @property
    def media_type(self) -> str:
        return {
            ExportFormat.CSV: "text/csv; charset=utf-8",
            ExportFormat.NDJSON: "application/x-ndjson",
            ExportFormat.GEOJSON: "application/geo+json",
        }[self]


def _csv_line(cells: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def _columns(spec: RecordSpec) -> list[str]:
    """CSV columns: points split into ``<name>_lon`` and ``<name>_lat``."""
    out: list[str] = []
    for field in spec.fields:
        if field.type is FieldType.POINT:
            out.extend((f"{field.name}_lon", f"{field.name}_lat"))
        else:
            out.append(field.name)
    return out


def _csv_cells(spec: RecordSpec, data: dict[str, Any]) -> list[Any]:
    cells: list[Any] = []
    for field in spec.fields:
        value = data.get(field.name)
        if field.type is FieldType.POINT:
            cells.extend((value["lon"], value["lat"]) if value else ("", ""))
        else:
            cells.append("" if value is None else value)
    return cells


def _geometry(spec: RecordSpec, data: dict[str, Any]) -> dict[str, Any] | None:
    for field in spec.fields:
        if field.type is FieldType.POINT and data.get(field.name):
            point = data[field.name]
            return {"type": "Point", "coordinates": [point["lon"], point["lat"]]}
    return None


def render(
    fmt: ExportFormat, spec: RecordSpec, records: Iterable[tuple[str, dict[str, Any]]]
) -> Iterator[str]:
    """Chunks of the export of ``(record id, data)`` pairs in ``fmt``."""
    if fmt is ExportFormat.CSV:
        yield _csv_line(["id", *_columns(spec)])
        for record_id, data in records:
            yield _csv_line([record_id, *_csv_cells(spec, data)])
        return
    if fmt is ExportFormat.NDJSON:
        for record_id, data in records:
            yield json.dumps({"id": record_id, **data}, ensure_ascii=False) + "\n"
        return
    yield '{"type": "FeatureCollection", "features": ['
    first = True
    for record_id, data in records:
        properties = {k: v for k, v in data.items() if _geometry(spec, {k: v}) is None}
        feature = {
            "type": "Feature",
            "id": record_id,
            "geometry": _geometry(spec, data),
            "properties": properties,
        }
        yield ("" if first else ",") + "\n" + json.dumps(feature, ensure_ascii=False)
        first = False
    yield "\n]}\n"
