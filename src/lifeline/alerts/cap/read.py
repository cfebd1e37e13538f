"""Reading a parsed CAP 1.2 tree into a :class:`CapAlert`, collecting every issue with its
element path instead of stopping at the first."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import TypeVar

from lxml import etree

from lifeline.alerts.cap.issues import CapIssue, Fatal
from lifeline.alerts.cap.model import (
    CAP_NS,
    CapAlert,
    CapArea,
    CapCategory,
    CapCertainty,
    CapCircle,
    CapInfo,
    CapMsgType,
    CapReference,
    CapResource,
    CapResponseType,
    CapScope,
    CapSeverity,
    CapStatus,
    CapUrgency,
    NamedValue,
)

E = TypeVar("E", bound=StrEnum)

_NS = f"{{{CAP_NS}}}"
_DATETIME = re.compile(
    r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:([+-])(\d\d):(\d\d)|(Z))$"
)


def parse_datetime(text: str) -> tuple[datetime, bool]:
    """Parse a CAP date-time; return it and whether it broke CAP's form (``Z``, fractions).

    Raises ``ValueError`` when it is not a date-time at all.
    """
    m = _DATETIME.match(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a date-time of the form YYYY-MM-DDThh:mm:ss±hh:mm")
    y, mo, d, h, mi, s, sign, oh, om, zulu = m.groups()
    if zulu:
        tz: timezone = UTC
    else:
        delta = timedelta(hours=int(oh), minutes=int(om))
        tz = timezone(-delta if sign == "-" else delta)
    value = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), tzinfo=tz)
    irregular = bool(zulu) or "." in text
    return value, irregular


def parse_polygon(text: str) -> tuple[tuple[float, float], ...]:
    """``"lat,lon lat,lon …"`` → pairs; ``ValueError`` on bad syntax."""
    points = []
    for pair in text.split():
        lat_s, lon_s = pair.split(",")
        points.append((float(lat_s), float(lon_s)))
    return tuple(points)


def parse_circle(text: str) -> CapCircle:
    """``"lat,lon radius_km"`` → :class:`CapCircle`; ``ValueError`` on bad syntax."""
    centre, radius = text.split()
    lat_s, lon_s = centre.split(",")
    return CapCircle(lat=float(lat_s), lon=float(lon_s), radius_km=float(radius))


class _Reader:
    """Builds the model from a tree, collecting issues with element paths."""

    def __init__(self) -> None:
        self.issues: list[CapIssue] = []

    def fatal(self, path: str, reason: str) -> None:
        self.issues.append(CapIssue(path, reason, Fatal.FATAL))

    def rule(self, path: str, reason: str) -> None:
        self.issues.append(CapIssue(path, reason, Fatal.RULE))

    def text(
        self, el: etree._Element, tag: str, path: str, *, required: bool = False
    ) -> str | None:
        child = el.find(_NS + tag)
        if child is None or child.text is None or not child.text.strip():
            if required:
                self.fatal(f"{path}/{tag}", "is required")
            return None
        return child.text.strip()

    def texts(self, el: etree._Element, tag: str) -> list[str]:
        return [(c.text or "").strip() for c in el.findall(_NS + tag)]

    def enum(self, cls: type[E], value: str | None, path: str) -> E | None:
        if value is None:
            return None
        try:
            return cls(value)
        except ValueError:
            self.fatal(path, f"{value!r} is not one of {[m.value for m in cls]}")
            return None

    def when(
        self, el: etree._Element, tag: str, path: str, *, required: bool = False
    ) -> datetime | None:
        raw = self.text(el, tag, path, required=required)
        if raw is None:
            return None
        try:
            value, irregular = parse_datetime(raw)
        except ValueError as exc:
            self.fatal(f"{path}/{tag}", str(exc))
            return None
        if irregular:
            self.rule(f"{path}/{tag}", f"{raw!r}: CAP date-times carry an offset (UTC is -00:00)")
        return value

    def named(self, el: etree._Element, tag: str, path: str) -> tuple[NamedValue, ...]:
        out = []
        for i, child in enumerate(el.findall(_NS + tag)):
            name = self.text(child, "valueName", f"{path}/{tag}[{i + 1}]", required=True)
            value = child.findtext(_NS + "value")
            if name is not None:
                out.append(NamedValue(name, (value or "").strip()))
        return tuple(out)

    def alert(self, root: etree._Element) -> CapAlert | None:
        p = "/alert"
        identifier = self.text(root, "identifier", p, required=True)
        sender = self.text(root, "sender", p, required=True)
        sent = self.when(root, "sent", p, required=True)
        status = self.enum(CapStatus, self.text(root, "status", p, required=True), p + "/status")
        msg_type = self.enum(
            CapMsgType, self.text(root, "msgType", p, required=True), p + "/msgType"
        )
        scope = self.enum(CapScope, self.text(root, "scope", p, required=True), p + "/scope")
        references = self.references(self.text(root, "references", p))
        infos = [
            self.info(el, f"{p}/info[{i + 1}]") for i, el in enumerate(root.findall(_NS + "info"))
        ]
        if (
            identifier is None
            or sender is None
            or sent is None
            or status is None
            or msg_type is None
            or scope is None
            or any(info is None for info in infos)
        ):
            return None
        return CapAlert(
            identifier=identifier,
            sender=sender,
            sent=sent,
            status=status,
            msg_type=msg_type,
            scope=scope,
            source=self.text(root, "source", p),
            restriction=self.text(root, "restriction", p),
            addresses=self.text(root, "addresses", p),
            codes=tuple(self.texts(root, "code")),
            note=self.text(root, "note", p),
            references=references,
            incidents=self.text(root, "incidents", p),
            infos=tuple(i for i in infos if i is not None),
        )

    def references(self, raw: str | None) -> tuple[CapReference, ...]:
        if raw is None:
            return ()
        out = []
        for entry in raw.split():
            parts = entry.split(",")
            if len(parts) != 3 or not parts[0] or not parts[1]:
                self.rule("/alert/references", f"{entry!r} is not sender,identifier,sent")
                continue
            try:
                sent, irregular = parse_datetime(parts[2])
            except ValueError as exc:
                self.rule("/alert/references", str(exc))
                continue
            if irregular:
                self.rule("/alert/references", f"{parts[2]!r}: CAP date-times carry an offset")
            out.append(CapReference(parts[0], parts[1], sent))
        return tuple(out)

    def info(self, el: etree._Element, p: str) -> CapInfo | None:
        categories = [
            self.enum(CapCategory, c, p + "/category") for c in self.texts(el, "category")
        ]
        if not categories:
            self.fatal(p + "/category", "at least one category is required")
        responses = [
            self.enum(CapResponseType, r, p + "/responseType")
            for r in self.texts(el, "responseType")
        ]
        event = self.text(el, "event", p, required=True)
        urgency = self.enum(CapUrgency, self.text(el, "urgency", p, required=True), p + "/urgency")
        severity = self.enum(
            CapSeverity, self.text(el, "severity", p, required=True), p + "/severity"
        )
        certainty = self.enum(
            CapCertainty, self.text(el, "certainty", p, required=True), p + "/certainty"
        )
        effective = self.when(el, "effective", p)
        onset = self.when(el, "onset", p)
        expires = self.when(el, "expires", p)
        resources = [
            self.resource(r, f"{p}/resource[{i + 1}]")
            for i, r in enumerate(el.findall(_NS + "resource"))
        ]
        areas = [self.area(a, f"{p}/area[{i + 1}]") for i, a in enumerate(el.findall(_NS + "area"))]
        cats = [c for c in categories if c is not None]
        resps = [r for r in responses if r is not None]
        if (
            event is None
            or urgency is None
            or severity is None
            or certainty is None
            or not cats
            or len(cats) != len(categories)
            or len(resps) != len(responses)
            or any(x is None for x in resources)
            or any(x is None for x in areas)
        ):
            return None
        return CapInfo(
            categories=tuple(cats),
            event=event,
            urgency=urgency,
            severity=severity,
            certainty=certainty,
            language=self.text(el, "language", p) or "en-US",
            response_types=tuple(resps),
            audience=self.text(el, "audience", p),
            event_codes=self.named(el, "eventCode", p),
            effective=effective,
            onset=onset,
            expires=expires,
            sender_name=self.text(el, "senderName", p),
            headline=self.text(el, "headline", p),
            description=self.text(el, "description", p),
            instruction=self.text(el, "instruction", p),
            web=self.text(el, "web", p),
            contact=self.text(el, "contact", p),
            parameters=self.named(el, "parameter", p),
            resources=tuple(r for r in resources if r is not None),
            areas=tuple(a for a in areas if a is not None),
        )

    def resource(self, el: etree._Element, p: str) -> CapResource | None:
        desc = self.text(el, "resourceDesc", p, required=True)
        mime = self.text(el, "mimeType", p, required=True)
        size_raw = self.text(el, "size", p)
        size: int | None = None
        if size_raw is not None:
            try:
                size = int(size_raw)
            except ValueError:
                self.fatal(p + "/size", f"{size_raw!r} is not a whole number of bytes")
                return None
        if desc is None or mime is None:
            return None
        return CapResource(
            resource_desc=desc,
            mime_type=mime,
            size_bytes=size,
            uri=self.text(el, "uri", p),
            deref_uri=self.text(el, "derefUri", p),
            digest=self.text(el, "digest", p),
        )

    def area(self, el: etree._Element, p: str) -> CapArea | None:
        desc = self.text(el, "areaDesc", p, required=True)
        polygons = []
        for i, raw in enumerate(self.texts(el, "polygon")):
            try:
                polygons.append(parse_polygon(raw))
            except ValueError:
                self.fatal(f"{p}/polygon[{i + 1}]", f"{raw[:60]!r} is not 'lat,lon lat,lon …'")
                return None
        circles = []
        for i, raw in enumerate(self.texts(el, "circle")):
            try:
                circles.append(parse_circle(raw))
            except ValueError:
                self.fatal(f"{p}/circle[{i + 1}]", f"{raw[:60]!r} is not 'lat,lon radius'")
                return None
        altitude = self._float(el, "altitude", p)
        ceiling = self._float(el, "ceiling", p)
        if desc is None:
            return None
        return CapArea(
            area_desc=desc,
            polygons=tuple(polygons),
            circles=tuple(circles),
            geocodes=self.named(el, "geocode", p),
            altitude_ft=altitude,
            ceiling_ft=ceiling,
        )

    def _float(self, el: etree._Element, tag: str, p: str) -> float | None:
        raw = self.text(el, tag, p)
        if raw is None:
            return None
        try:
            return float(raw)
        except ValueError:
            self.fatal(f"{p}/{tag}", f"{raw!r} is not a number")
            return None


def read(root: etree._Element) -> tuple[CapAlert | None, list[CapIssue]]:
    """Build a :class:`CapAlert` from a parsed CAP 1.2 ``alert`` element.

    Returns ``None`` with at least one ``FATAL`` issue when a required part is missing or
    unreadable; ``RULE`` issues leave the model intact.
    """
    if root.tag != _NS + "alert":
        return None, [
            CapIssue("/", f"root element is {root.tag!r}; expected {{{CAP_NS}}}alert", Fatal.FATAL)
        ]
    reader = _Reader()
    alert = reader.alert(root)
    return alert, reader.issues
