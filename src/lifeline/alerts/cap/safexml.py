"""Safe XML parsing for untrusted CAP: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree

from lifeline.kernel.errors import InvalidInput

MAX_MESSAGE_BYTES = 1_048_576
"""Default ceiling on one CAP message (1 MiB); the spec's examples are about 2 KiB."""

_DECL = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_untrusted(data: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> etree._Element:
    """Parse ``data`` as one XML document, refusing anything that could expand or reach out.

    Refused with :class:`InvalidInput` (field ``xml``): more than ``max_bytes`` bytes, any
    ``DOCTYPE`` or ``ENTITY`` declaration (billion laughs, external entities), text that is not
    well-formed XML. The size check happens before parsing, so memory stays bounded.
    """
    if len(data) > max_bytes:
        raise InvalidInput("xml", f"document is {len(data)} bytes; the limit is {max_bytes}")
    if _DECL.search(data) or _DECL.search(_ascii_view(data)):
        raise InvalidInput("xml", "DOCTYPE and ENTITY declarations are not accepted")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidInput("xml", f"not well-formed XML: {exc.msg}") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidInput("xml", "DOCTYPE and ENTITY declarations are not accepted")
    return root


def _ascii_view(data: bytes) -> bytes:
    """Drop NUL bytes so a UTF-16 document's declarations are seen by the ASCII scan."""
    return data.replace(b"\x00", b"")
