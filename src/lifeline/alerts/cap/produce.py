"""Writing a :class:`CapAlert` as a CAP 1.2 document, in the schema's element order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from lxml import etree

from lifeline.alerts.cap.model import (
    CAP_NS,
    CapAlert,
    CapCircle,
    CapInfo,
    CapReference,
    NamedValue,
)

_NS = f"{{{CAP_NS}}}"


def format_datetime(value: datetime) -> str:
    """CAP date-time: ``YYYY-MM-DDThh:mm:ss±hh:mm``; UTC is written ``-00:00``, never ``Z``."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("CAP date-times need an offset; got a naive datetime")
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes <= 0 else "+"
    hh, mm = divmod(abs(minutes), 60)
    return f"{value.strftime('%Y-%m-%dT%H:%M:%S')}{sign}{hh:02d}:{mm:02d}"


def _num(value: float) -> str:
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def format_polygon(ring: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{_num(lat)},{_num(lon)}" for lat, lon in ring)


def format_circle(circle: CapCircle) -> str:
    return f"{_num(circle.lat)},{_num(circle.lon)} {_num(circle.radius_km)}"


def format_references(refs: tuple[CapReference, ...]) -> str:
    return " ".join(f"{r.sender},{r.identifier},{format_datetime(r.sent)}" for r in refs)


def produce(alert: CapAlert) -> bytes:
    """The alert as a UTF-8 CAP 1.2 document, elements in the schema's order."""
    root = etree.Element(_NS + "alert", nsmap={None: CAP_NS})
    add = _adder(root)
    add("identifier", alert.identifier)
    add("sender", alert.sender)
    add("sent", format_datetime(alert.sent))
    add("status", alert.status.value)
    add("msgType", alert.msg_type.value)
    add("source", alert.source)
    add("scope", alert.scope.value)
    add("restriction", alert.restriction)
    add("addresses", alert.addresses)
    for code in alert.codes:
        add("code", code)
    add("note", alert.note)
    if alert.references:
        add("references", format_references(alert.references))
    add("incidents", alert.incidents)
    for info in alert.infos:
        _produce_info(etree.SubElement(root, _NS + "info"), info)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _adder(parent: etree._Element) -> Callable[[str, str | None], None]:
    def add(tag: str, text: str | None) -> None:
        if text is not None:
            etree.SubElement(parent, _NS + tag).text = text

    return add


def _named(parent: etree._Element, tag: str, pairs: tuple[NamedValue, ...]) -> None:
    for pair in pairs:
        el = etree.SubElement(parent, _NS + tag)
        etree.SubElement(el, _NS + "valueName").text = pair.value_name
        etree.SubElement(el, _NS + "value").text = pair.value


def _produce_info(el: etree._Element, info: CapInfo) -> None:
    add = _adder(el)
    add("language", info.language)
    for category in info.categories:
        add("category", category.value)
    add("event", info.event)
    for response in info.response_types:
        add("responseType", response.value)
    add("urgency", info.urgency.value)
    add("severity", info.severity.value)
    add("certainty", info.certainty.value)
    add("audience", info.audience)
    _named(el, "eventCode", info.event_codes)
    for tag, when in (("effective", info.effective), ("onset", info.onset)):
        add(tag, format_datetime(when) if when else None)
    add("expires", format_datetime(info.expires) if info.expires else None)
    for tag, text in (
        ("senderName", info.sender_name),
        ("headline", info.headline),
        ("description", info.description),
        ("instruction", info.instruction),
        ("web", info.web),
        ("contact", info.contact),
    ):
        add(tag, text)
    _named(el, "parameter", info.parameters)
    for res in info.resources:
        r = etree.SubElement(el, _NS + "resource")
        radd = _adder(r)
        radd("resourceDesc", res.resource_desc)
        radd("mimeType", res.mime_type)
        radd("size", str(res.size_bytes) if res.size_bytes is not None else None)
        radd("uri", res.uri)
        radd("derefUri", res.deref_uri)
        radd("digest", res.digest)
    for area in info.areas:
        a = etree.SubElement(el, _NS + "area")
        aadd = _adder(a)
        aadd("areaDesc", area.area_desc)
        for ring in area.polygons:
            aadd("polygon", format_polygon(ring))
        for circle in area.circles:
            aadd("circle", format_circle(circle))
        _named(a, "geocode", area.geocodes)
        aadd("altitude", _num(area.altitude_ft) if area.altitude_ft is not None else None)
        aadd("ceiling", _num(area.ceiling_ft) if area.ceiling_ft is not None else None)
