"""An HTTP JSON API as a source: pages of records fetched one at a time.

A page's body is a JSON array of objects, a GeoJSON FeatureCollection, or an object holding the
records under ``items``, ``data``, ``results`` or ``records``. The next page is the ``Link:
<…>; rel="next"`` header or a ``next`` URL in the body; paging stops when neither is there, or
after ``max_pages``. Only one page is held in memory; a page over ``max_page_bytes`` is refused.
A page that fails (status, timeout, not JSON) ends the source with one ragged row saying why, so
the run records it in quarantine instead of losing it silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import httpx

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.jsondoc import feature_row
from lifeline.sharing.readers.source import RowSource, first_row_header

RECORD_KEYS = ("items", "data", "results", "records")
MAX_PAGE_BYTES = 16 * 1024 * 1024


def _records(doc: Any) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        if doc.get("type") == "FeatureCollection":
            return [feature_row(f, i) for i, f in enumerate(doc.get("features") or [], start=1)]
        for key in RECORD_KEYS:
            if isinstance(doc.get(key), list):
                return list(doc[key])
    raise ValueError("the body holds no list of records")


def _next_url(response: httpx.Response, doc: Any) -> str | None:
    link = response.links.get("next", {}).get("url")
    if isinstance(link, str) and link:
        return urljoin(str(response.url), link)
    following = doc.get("next") if isinstance(doc, dict) else None
    if isinstance(following, str) and following:
        return urljoin(str(response.url), following)
    return None


def _fetch(client: httpx.Client, url: str, max_page_bytes: int) -> tuple[httpx.Response, Any]:
    with client.stream("GET", url, headers={"Accept": "application/json"}) as response:
        response.raise_for_status()
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > max_page_bytes:
                raise ValueError(f"page larger than {max_page_bytes} bytes")
    return response, json.loads(bytes(body))


def _rows(
    client: httpx.Client, url: str, max_pages: int, max_page_bytes: int
) -> Iterator[dict[str, Any]]:
    next_url: str | None = url
    pages = 0
    while next_url is not None and pages < max_pages:
        try:
            response, doc = _fetch(client, next_url, max_page_bytes)
            records = _records(doc)
        except (httpx.HTTPError, ValueError) as exc:
            yield {RAGGED: f"page {pages + 1} ({next_url}) failed: {exc}"}
            return
        pages += 1
        for number, record in enumerate(records, start=1):
            if isinstance(record, dict):
                yield record
            else:
                yield {RAGGED: f"page {pages} record {number} is not a JSON object"}
        next_url = _next_url(response, doc)


def open_http(
    url: str,
    *,
    max_pages: int = 1000,
    max_page_bytes: int = MAX_PAGE_BYTES,
    timeout_s: float = 30.0,
    transport: httpx.BaseTransport | None = None,
) -> RowSource:
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("url", "must be an http:// or https:// URL")
    client = httpx.Client(timeout=timeout_s, follow_redirects=True, transport=transport)
    try:
        rows = _rows(client, url, max_pages, max_page_bytes)
        try:
            first = next(rows)
        except StopIteration as exc:
            raise InvalidInput("url", "the API returned no records") from exc
        if set(first) == {RAGGED}:
            raise InvalidInput("url", str(first[RAGGED]))

        def chained() -> Iterator[dict[str, Any]]:
            yield first
            yield from rows

        return first_row_header(chained(), "http-json", client)
    except BaseException:
        client.close()
        raise
