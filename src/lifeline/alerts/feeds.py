"""Other agencies' CAP feeds: split a document into CAP alerts and check each leniently.

A document is either one CAP 1.2 ``alert`` or an Atom feed whose entries embed a CAP ``alert``
in their ``content`` (the form meteorological services publish). Linked CAP documents are not
fetched. Each alert is validated in lenient mode: small errors become warnings, unreadable
alerts are rejected with their reasons; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from lifeline.alerts.cap.issues import CapIssue
from lifeline.alerts.cap.model import CAP_NS, CapAlert
from lifeline.alerts.cap.safexml import parse_untrusted
from lifeline.alerts.cap.validate import validate_element
from lifeline.kernel.errors import InvalidInput

ATOM_NS = "http://www.w3.org/2005/Atom"
MAX_FEED_BYTES = 16 * 1_048_576
MAX_FEED_ENTRIES = 5_000


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One alert found in a feed: ``alert`` when accepted (with ``warnings``), else ``errors``."""

    position: int  # 1-based entry number in the document
    alert: CapAlert | None
    warnings: tuple[CapIssue, ...]
    errors: tuple[CapIssue, ...]
    document: bytes  # the alert element as received, for the record


def read_feed(data: bytes, *, max_bytes: int = MAX_FEED_BYTES) -> list[FeedEntry]:
    """Every alert in ``data``, each checked in lenient mode.

    Refused with :class:`InvalidInput` (field ``xml``): hostile or oversized documents, roots
    that are neither a CAP 1.2 alert nor an Atom feed, and feeds of more than
    :data:`MAX_FEED_ENTRIES` entries.
    """
    root = parse_untrusted(data, max_bytes=max_bytes)
    if root.tag == f"{{{CAP_NS}}}alert":
        return [_entry(1, root)]
    if root.tag != f"{{{ATOM_NS}}}feed":
        raise InvalidInput("xml", f"{root.tag!r} is neither a CAP 1.2 alert nor an Atom feed")
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    if len(entries) > MAX_FEED_ENTRIES:
        raise InvalidInput("xml", f"{len(entries)} entries; the limit is {MAX_FEED_ENTRIES}")
    out = []
    for i, entry in enumerate(entries, start=1):
        alert = entry.find(f"{{{ATOM_NS}}}content/{{{CAP_NS}}}alert")
        if alert is None:
            issue = CapIssue(
                f"/feed/entry[{i}]", "no embedded CAP 1.2 alert (linked documents are not fetched)"
            )
            out.append(FeedEntry(i, None, (), (issue,), etree.tostring(entry)))
        else:
            out.append(_entry(i, alert))
    return out


def _entry(position: int, element: etree._Element) -> FeedEntry:
    standalone = parse_untrusted(etree.tostring(element))  # its own document and namespace map
    report = validate_element(standalone, strict=False)
    return FeedEntry(
        position=position,
        alert=report.alert if report.ok else None,
        warnings=report.warnings,
        errors=report.errors,
        document=etree.tostring(standalone, encoding="UTF-8"),
    )
