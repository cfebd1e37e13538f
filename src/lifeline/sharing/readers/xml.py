"""XML documents: each child of the root element is one record.

A record's fields are its attributes and the text of its child elements (``<site id="7"><name>
…</name><lon>114.1</lon></site>`` → ``{"id": "7", "name": "…", "lon": "114.1"}``); a repeated
child keeps the first value and marks the row ragged. Parsed incrementally with lxml's
``iterparse`` (each record is freed once read), so memory stays flat. Untrusted input is read
safely: a document type declaration (DTD, entities) is refused outright, entities are never
resolved, nothing is fetched from the network, and lxml's huge-tree limits stay on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import RAGGED
from lifeline.sharing.readers.source import RowSource, first_row_header

SNIFF_BYTES = 64 * 1024
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _records(events: Any) -> Iterator[dict[str, Any]]:
    depth = 0
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                continue
            depth -= 1
            if depth != 1:  # only the root's children are records
                continue
            row: dict[str, Any] = {_local(k): v for k, v in element.attrib.items()}
            for child in element:
                name = _local(child.tag)
                if not name:
                    continue  # comments and processing instructions
                if name in row:
                    row[RAGGED] = f"element <{name}> appears more than once in a record"
                    continue
                row[name] = (child.text or "").strip()
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:  # drop the records already read
                while element.getprevious() is not None:
                    del parent[0]
            yield row
    except etree.XMLSyntaxError as exc:
        yield {RAGGED: f"the XML is not well-formed: {exc.msg}"}


def open_xml(path: Path) -> RowSource:
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    if not head.strip():
        raise InvalidInput("file", "the file is empty")
    if _DECLARATION.search(head):
        raise InvalidInput("file", "XML with a document type declaration (DTD/entities) is refused")
    stream = path.open("rb")
    try:
        events = etree.iterparse(
            stream,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        return first_row_header(_records(events), "xml", stream)
    except BaseException:
        stream.close()
        raise
