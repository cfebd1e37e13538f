"""What every reader returns: a header and a one-pass iterator of rows, and what to close."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass
class RowSource:
    """A header (column names), a one-pass iterator of rows as ``{column: value}``, the text
    encoding (or the container format), and the resource to close when done.

    Use it as a context manager: ``with open_rows(path) as source: for row in source.rows: …``.
    """

    header: list[str]
    rows: Iterator[dict[str, Any]]
    encoding: str
    resource: Closeable | None = None

    def close(self) -> None:
        if self.resource is not None:
            self.resource.close()

    def __enter__(self) -> RowSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def first_row_header(
    rows: Iterator[dict[str, Any]], encoding: str, resource: Closeable | None
) -> RowSource:
    """For sources without a header row (NDJSON, JSON, GeoJSON, XML): the first record's keys
    stand for the header; that record is yielded first."""
    try:
        first = next(rows)
    except StopIteration as exc:
        raise InvalidInput("file", "the file has no records") from exc

    def chained() -> Iterator[dict[str, Any]]:
        yield first
        yield from rows

    header = [k for k in first if k != RAGGED]
    return RowSource(header, chained(), encoding, resource)
