"""Validation against the official OASIS CAP 1.2 XML schema shipped in this package."""

from __future__ import annotations

import functools
from importlib import resources

from lxml import etree

SCHEMA_FILE = "CAP-v1.2.xsd"


@functools.cache
def cap_schema() -> etree.XMLSchema:
    """The compiled CAP 1.2 schema (read once from package data; it imports nothing)."""
    data = resources.files("lifeline.alerts").joinpath("schema", SCHEMA_FILE).read_bytes()
    return etree.XMLSchema(etree.fromstring(data))


def schema_errors(root: etree._Element) -> list[tuple[str, str]]:
    """Every schema violation of the document at ``root`` as ``(path, message)`` pairs."""
    schema = cap_schema()
    if schema.validate(root):
        return []
    return [(_readable(root, entry.path), entry.message) for entry in schema.error_log]


def _readable(root: etree._Element, xpath: str | None) -> str:
    """libxml2's ``/*/*[3]`` as ``/alert/sent``, numbering repeated elements (``info[2]``)."""
    if not xpath:
        return "/"
    try:
        found = root.getroottree().xpath(xpath)
    except etree.XPathError:
        return xpath
    if not isinstance(found, list) or not found or not isinstance(found[0], etree._Element):
        return xpath
    parts = []
    el: etree._Element | None = found[0]
    while el is not None:
        name = etree.QName(el).localname
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == el.tag]
            if len(same) > 1 or name in ("info", "area", "resource", "polygon", "circle"):
                name = f"{name}[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))
