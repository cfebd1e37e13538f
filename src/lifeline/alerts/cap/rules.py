"""The rules of the CAP 1.2 specification that its XML schema cannot check.

Each rule names the spec's section (OASIS CAP 1.2, 2010, §3.2) in its message where useful.
"""

from __future__ import annotations

import re

from lifeline.alerts.cap.issues import CapIssue
from lifeline.alerts.cap.model import CapAlert, CapArea, CapInfo, CapMsgType, CapScope

_FORBIDDEN_ID_CHARS = re.compile(r"[\s,<&]")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")  # RFC 3066
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_ABSOLUTE_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def check(alert: CapAlert) -> list[CapIssue]:
    """Every rule the message breaks, as issues with element paths (empty when conformant)."""
    issues: list[CapIssue] = []
    issues += _check_ids("/alert/identifier", alert.identifier)
    issues += _check_ids("/alert/sender", alert.sender)
    needs_refs = (CapMsgType.UPDATE, CapMsgType.CANCEL, CapMsgType.ACK, CapMsgType.ERROR)
    if alert.msg_type in needs_refs and not alert.references:
        issues.append(
            CapIssue("/alert/references", f"a {alert.msg_type} must reference earlier messages")
        )
    if alert.scope is CapScope.RESTRICTED and not alert.restriction:
        issues.append(CapIssue("/alert/restriction", "scope Restricted needs a restriction"))
    if alert.scope is CapScope.PRIVATE and not alert.addresses:
        issues.append(CapIssue("/alert/addresses", "scope Private needs addresses"))
    for ref in alert.references:
        if ref.identifier == alert.identifier and ref.sender == alert.sender:
            issues.append(CapIssue("/alert/references", "a message cannot reference itself"))
        if ref.sent > alert.sent:
            issues.append(
                CapIssue("/alert/references", f"{ref.identifier!r} was sent after this message")
            )
    for i, info in enumerate(alert.infos):
        issues += _check_info(alert, info, f"/alert/info[{i + 1}]")
    return issues


def _check_ids(path: str, value: str) -> list[CapIssue]:
    if _FORBIDDEN_ID_CHARS.search(value):
        return [CapIssue(path, "must not contain spaces, commas, '<' or '&'")]
    return []


def _check_info(alert: CapAlert, info: CapInfo, p: str) -> list[CapIssue]:
    issues: list[CapIssue] = []
    if not _LANGUAGE.match(info.language):
        issues.append(CapIssue(p + "/language", f"{info.language!r} is not an RFC 3066 code"))
    if info.expires is not None:
        if info.expires <= alert.sent:
            issues.append(CapIssue(p + "/expires", "must be after the alert's sent time"))
        for name, when in (("effective", info.effective), ("onset", info.onset)):
            if when is not None and info.expires <= when:
                issues.append(CapIssue(p + "/expires", f"must be after {name}"))
    if info.web is not None and not _ABSOLUTE_URI.match(info.web):
        issues.append(CapIssue(p + "/web", "must be a full absolute URI"))
    for j, res in enumerate(info.resources):
        rp = f"{p}/resource[{j + 1}]"
        if res.digest is not None and not _SHA1.match(res.digest):
            issues.append(CapIssue(rp + "/digest", "must be a SHA-1 hash in hexadecimal"))
        if res.size_bytes is not None and res.size_bytes < 0:
            issues.append(CapIssue(rp + "/size", "must not be negative"))
    for j, area in enumerate(info.areas):
        issues += _check_area(area, f"{p}/area[{j + 1}]")
    return issues


def _check_area(area: CapArea, p: str) -> list[CapIssue]:
    issues: list[CapIssue] = []
    for k, ring in enumerate(area.polygons):
        pp = f"{p}/polygon[{k + 1}]"
        if len(ring) < 4:
            issues.append(CapIssue(pp, f"needs at least 4 points; has {len(ring)}"))
        elif ring[0] != ring[-1]:
            issues.append(CapIssue(pp, "must be closed: the first and last points must be equal"))
        issues += [
            CapIssue(pp, f"({lat}, {lon}) is not a WGS84 latitude,longitude")
            for lat, lon in ring
            if not _on_earth(lat, lon)
        ]
    for k, circle in enumerate(area.circles):
        cp = f"{p}/circle[{k + 1}]"
        if not _on_earth(circle.lat, circle.lon):
            issues.append(CapIssue(cp, "centre is not a WGS84 latitude,longitude"))
        if circle.radius_km < 0:
            issues.append(CapIssue(cp, "radius must not be negative"))
    for k, geocode in enumerate(area.geocodes):
        if not geocode.value:
            issues.append(CapIssue(f"{p}/geocode[{k + 1}]", "needs a value"))
    if area.ceiling_ft is not None:
        if area.altitude_ft is None:
            issues.append(CapIssue(p + "/ceiling", "is only allowed together with altitude"))
        elif area.ceiling_ft < area.altitude_ft:
            issues.append(CapIssue(p + "/ceiling", "must not be below altitude"))
    return issues


def _on_earth(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
