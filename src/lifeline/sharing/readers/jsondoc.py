"""JSON documents streamed with ijson: a top-level array of objects, or a GeoJSON
FeatureCollection whose features become rows.

A feature's row is its ``properties`` plus, for a Point, ``lon`` and ``lat`` (WGS84 per RFC 7946,
or whatever the mapping's ``crs`` says); any other geometry is kept as GeoJSON text in
``geometry``, and a feature's ``id`` as ``id`` unless a property has that name. ijson parses
incrementally (the yajl2 C backend where available), so a file of any size is read in constant
memory. One record may take at most ``MAX_RECORD_BYTES`` of the file: a larger one (an absurdly
long string, a runaway array) ends the source with a ragged row saying so, instead of growing
memory with it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.source import RowSource, first_row_header

SNIFF_BYTES = 64 * 1024
MAX_RECORD_BYTES = 16 * 1024 * 1024
READ_BYTES = 64 * 1024


class RecordTooLarge(Exception):
    """More than the allowed bytes were read without a record being completed."""


class _RecordBudget:
    """A binary stream that delivers at most ``limit`` bytes between two completed records
    (the parser reads ahead in chunks of ``READ_BYTES``, so the bound holds within one chunk)."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self._raw = raw
        self._limit = limit
        self._since = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream's type with read(0)
            return b""
        chunk = self._raw.read(size if 0 < size <= READ_BYTES else READ_BYTES)
        self._since += len(chunk)
        if self._since > self._limit:
            raise RecordTooLarge(f"a record is larger than {self._limit:,} bytes")
        return chunk

    def record_done(self) -> None:
        self._since = 0

    def close(self) -> None:
        self._raw.close()


def _plain(value: Any) -> Any:
    """ijson yields Decimal for non-integers: turn them into floats, recursively."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _guard(items: Iterator[Any], stream: _RecordBudget) -> Iterator[Any]:
    try:
        for item in items:
            stream.record_done()
            yield item
    except (ijson.JSONError, ijson.IncompleteJSONError) as exc:
        yield {RAGGED: f"the JSON is not well-formed: {exc}"}
    except RecordTooLarge as exc:
        yield {RAGGED: f"{exc}; the rest of the document is not read"}


def _array_rows(stream: _RecordBudget) -> Iterator[dict[str, Any]]:
    items = ijson.items(stream, "item", buf_size=READ_BYTES)
    for number, item in enumerate(_guard(items, stream), start=1):
        if isinstance(item, dict) and RAGGED in item:
            yield item
        elif not isinstance(item, dict):
            yield {RAGGED: f"element {number} is not a JSON object"}
        else:
            yield _plain(item)


def feature_row(feature: Any, number: int) -> dict[str, Any]:
    """One GeoJSON Feature as a flat row."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return {RAGGED: f"feature {number} is not a GeoJSON Feature"}
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        return {RAGGED: f"feature {number} has properties that are not an object"}
    row: dict[str, Any] = _plain(dict(properties))
    if "id" in feature and "id" not in row:
        row["id"] = _plain(feature["id"])
    geometry = feature.get("geometry")
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        coords = geometry.get("coordinates") or []
        if len(coords) >= 2:
            row["lon"], row["lat"] = float(coords[0]), float(coords[1])
        else:
            row[RAGGED] = f"feature {number} has a Point without two coordinates"
    elif geometry is not None:
        row["geometry"] = json.dumps(_plain(geometry), ensure_ascii=False)
    return row


def _feature_rows(stream: _RecordBudget) -> Iterator[dict[str, Any]]:
    features = ijson.items(stream, "features.item", buf_size=READ_BYTES)
    for number, feature in enumerate(_guard(features, stream), start=1):
        if isinstance(feature, dict) and RAGGED in feature:
            yield feature
        else:
            yield feature_row(feature, number)


def open_json(path: Path, *, max_record_bytes: int = MAX_RECORD_BYTES) -> RowSource:
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InvalidInput("file", "the file is empty")
    stream = _RecordBudget(path.open("rb"), max_record_bytes)
    try:
        if head.startswith(b"["):
            return first_row_header(_array_rows(stream), "json", stream)
        if head.startswith(b"{"):
            return first_row_header(_feature_rows(stream), "geojson", stream)
        raise InvalidInput("file", "JSON must be an array of objects or a FeatureCollection")
    except BaseException:
        stream.close()
        raise
