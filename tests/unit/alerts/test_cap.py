"""CAP 1.2: the spec's examples round-trip; hostile XML is refused; strict and lenient modes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.cap import parse, produce, validate
from lifeline.alerts.cap.model import (
    CapAlert,
    CapArea,
    CapCategory,
    CapCertainty,
    CapCircle,
    CapInfo,
    CapMsgType,
    CapReference,
    CapScope,
    CapSeverity,
    CapStatus,
    CapUrgency,
)
from lifeline.alerts.cap.safexml import MAX_MESSAGE_BYTES
from lifeline.kernel.errors import InvalidInput

EXAMPLES = sorted((Path(__file__).parents[2] / "data" / "cap").glob("cap12_spec_example_*.xml"))
CST = timezone(timedelta(hours=8))
SENT = datetime(2026, 7, 1, 9, 30, tzinfo=CST)


def _alert(**changes: object) -> CapAlert:
    info = CapInfo(
        categories=(CapCategory.MET,),
        event="台风",
        urgency=CapUrgency.EXPECTED,
        severity=CapSeverity.SEVERE,
        certainty=CapCertainty.LIKELY,
        language="zh-CN",
        expires=SENT + timedelta(hours=12),
        headline="深圳市台风橙色预警",
        areas=(
            CapArea(
                area_desc="深圳市",
                polygons=(((22.5, 113.9), (22.5, 114.3), (22.7, 114.3), (22.5, 113.9)),),
                circles=(CapCircle(22.54, 114.05, 10.0),),
            ),
        ),
    )
    alert = CapAlert(
        identifier="44030041600000_20260701093000_0",
        sender="szemergency@sz.gov.cn",
        sent=SENT,
        status=CapStatus.ACTUAL,
        msg_type=CapMsgType.ALERT,
        scope=CapScope.PUBLIC,
        infos=(info,),
    )
    return dataclasses.replace(alert, **changes)  # type: ignore[arg-type]


def _with_info(alert: CapAlert, **changes: object) -> CapAlert:
    return dataclasses.replace(alert, infos=(dataclasses.replace(alert.infos[0], **changes),))  # type: ignore[arg-type]


def test_the_four_spec_examples_are_shipped() -> None:
    assert [p.name for p in EXAMPLES] == [f"cap12_spec_example_{i}.xml" for i in (1, 2, 3, 4)]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_spec_examples_round_trip_unchanged_in_meaning(path: Path) -> None:
    report = validate(path.read_bytes())
    assert report.ok, report.errors
    assert report.alert is not None
    produced = produce(report.alert)
    again = validate(produced)
    assert again.ok, again.errors
    assert again.alert == report.alert
    assert produce(again.alert) == produced  # producing is deterministic


def test_spec_example_details_are_read() -> None:
    update = parse(EXAMPLES[2].read_bytes())
    assert update.msg_type is CapMsgType.UPDATE
    assert update.references == (
        CapReference(
            "trinet@caltech.edu",
            "TRI13970876.1",
            datetime(2003, 6, 11, 20, 30, tzinfo=timezone(timedelta(hours=-7))),
        ),
    )
    assert update.infos[0].areas[0].circles == (CapCircle(32.9525, -115.5527, 0.0),)
    storm = parse(EXAMPLES[1].read_bytes())
    ring = storm.infos[0].areas[0].polygons[0]
    assert len(ring) == 5
    assert ring[0] == ring[-1] == (38.47, -120.14)
    amber = parse(EXAMPLES[3].read_bytes())
    assert [i.language for i in amber.infos] == ["en-US", "es-US"]


def test_produced_alert_is_valid_and_uses_offsets_not_z() -> None:
    alert = _alert(sent=datetime(2026, 7, 1, 1, 30, tzinfo=UTC))
    xml = produce(alert)
    assert b"<sent>2026-07-01T01:30:00-00:00</sent>" in xml
    assert validate(xml).ok
    assert parse(xml) == alert


def test_z_dates_fail_strict_and_pass_lenient_with_a_warning() -> None:
    xml = produce(_alert()).replace(b"2026-07-01T09:30:00+08:00", b"2026-07-01T01:30:00Z")
    strict = validate(xml)
    assert not strict.ok
    assert any(e.path == "/alert/sent" for e in strict.errors)
    schema_errors = [e for e in strict.errors if "pattern" in e.reason]
    assert [e.path for e in schema_errors] == ["/alert/sent"]  # readable, not libxml2's /*/*[3]
    lenient = validate(xml, strict=False)
    assert lenient.ok
    assert lenient.alert is not None
    assert lenient.alert.sent == SENT
    assert any(w.path == "/alert/sent" for w in lenient.warnings)


@pytest.mark.parametrize(
    ("alert", "path", "reason_part"),
    [
        (
            _with_info(
                _alert(), areas=(CapArea("a", polygons=(((1.0, 1.0), (2.0, 2.0), (1.0, 1.0)),)),)
            ),
            "/alert/info[1]/area[1]/polygon[1]",
            "at least 4 points",
        ),
        (
            _with_info(
                _alert(),
                areas=(CapArea("a", polygons=(((1.0, 1.0), (2.0, 2.0), (2.0, 1.0), (1.5, 1.0)),)),),
            ),
            "/alert/info[1]/area[1]/polygon[1]",
            "closed",
        ),
        (
            _with_info(_alert(), areas=(CapArea("a", circles=(CapCircle(95.0, 1.0, 2.0),)),)),
            "/alert/info[1]/area[1]/circle[1]",
            "WGS84",
        ),
        (_with_info(_alert(), expires=SENT), "/alert/info[1]/expires", "after the alert's sent"),
        (_with_info(_alert(), language="zh_CN"), "/alert/info[1]/language", "RFC 3066"),
        (_alert(msg_type=CapMsgType.CANCEL), "/alert/references", "must reference"),
        (_alert(msg_type=CapMsgType.UPDATE), "/alert/references", "must reference"),
        (_alert(identifier="has space"), "/alert/identifier", "spaces"),
        (_alert(sender="a,b"), "/alert/sender", "commas"),
        (_alert(scope=CapScope.RESTRICTED), "/alert/restriction", "Restricted"),
        (_alert(scope=CapScope.PRIVATE), "/alert/addresses", "Private"),
        (
            _alert(
                msg_type=CapMsgType.UPDATE,
                references=(CapReference("x@y", "earlier", SENT + timedelta(minutes=1)),),
            ),
            "/alert/references",
            "sent after",
        ),
        (
            _with_info(_alert(), areas=(CapArea("a", altitude_ft=100.0, ceiling_ft=50.0),)),
            "/alert/info[1]/area[1]/ceiling",
            "below altitude",
        ),
        (_with_info(_alert(), web="not a uri"), "/alert/info[1]/web", "absolute URI"),
    ],
)
def test_rules_the_schema_cannot_check(alert: CapAlert, path: str, reason_part: str) -> None:
    xml = produce(alert)
    strict = validate(xml)
    assert not strict.ok
    assert any(e.path == path and reason_part in e.reason for e in strict.errors), strict.errors
    lenient = validate(xml, strict=False)
    assert lenient.ok
    assert any(w.path == path for w in lenient.warnings)


def test_update_with_references_is_valid() -> None:
    ref = CapReference(
        "szemergency@sz.gov.cn", "44030041600000_20260701080000_0", SENT - timedelta(hours=1)
    )
    assert validate(produce(_alert(msg_type=CapMsgType.UPDATE, references=(ref,)))).ok


def test_unknown_enum_value_is_an_error_even_when_lenient() -> None:
    xml = produce(_alert()).replace(b"<status>Actual</status>", b"<status>Real</status>")
    for strict in (True, False):
        report = validate(xml, strict=strict)
        assert not report.ok
        assert report.alert is None
        assert any(e.path == "/alert/status" for e in report.errors)
    with pytest.raises(InvalidInput) as err:
        parse(xml, strict=False)
    assert any(p.field == "/alert/status" for p in err.value.problems)


def test_missing_required_element_is_an_error() -> None:
    xml = produce(_alert()).replace(b"<event>\xe5\x8f\xb0\xe9\xa3\x8e</event>", b"")
    report = validate(xml, strict=False)
    assert report.alert is None
    assert any(e.path == "/alert/info[1]/event" for e in report.errors)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol3;</identifier></alert>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""


@pytest.mark.parametrize(
    ("data", "reason_part"),
    [
        (BILLION_LAUGHS, "DOCTYPE"),
        (EXTERNAL_ENTITY, "DOCTYPE"),
        (BILLION_LAUGHS.decode().encode("utf-16"), "DOCTYPE"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.1'/>", "expected"),
        (b"<alert><identifier>x</identifier></alert>", "expected"),
        (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'>", "well-formed"),
        (b"not xml at all", "well-formed"),
        (b"<a>" + b"x" * (MAX_MESSAGE_BYTES + 1) + b"</a>", "limit"),
    ],
    ids=[
        "billion-laughs",
        "external-entity",
        "utf16-doctype",
        "cap-1.1",
        "no-namespace",
        "truncated",
        "garbage",
        "huge",
    ],
)
def test_hostile_or_wrong_xml_is_refused(data: bytes, reason_part: str) -> None:
    with pytest.raises(InvalidInput) as err:
        validate(data, strict=False)
    assert err.value.problems[0].field == "xml"
    assert reason_part in err.value.problems[0].reason


def test_size_limit_is_configurable() -> None:
    xml = produce(_alert())
    with pytest.raises(InvalidInput):
        validate(xml, max_bytes=len(xml) - 1)
    assert validate(xml, max_bytes=len(xml)).ok


_coord = st.floats(min_value=-89.0, max_value=89.0, allow_nan=False).map(lambda v: round(v, 4))


@given(
    ring=st.lists(st.tuples(_coord, _coord), min_size=3, max_size=12),
    radius=st.floats(min_value=0, max_value=500, allow_nan=False).map(lambda v: round(v, 3)),
    offset_min=st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
)
def test_produce_then_parse_is_identity(
    ring: list[tuple[float, float]], radius: float, offset_min: int
) -> None:
    closed = (*ring, ring[0])
    sent = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(minutes=offset_min)))
    alert = _with_info(
        _alert(sent=sent),
        expires=sent + timedelta(hours=3),
        areas=(CapArea("区域", polygons=(tuple(closed),), circles=(CapCircle(*ring[0], radius),)),),
    )
    back = parse(produce(alert))
    assert back == alert
    assert back.sent.utcoffset() == sent.utcoffset()


def test_schema_errors_in_repeated_elements_are_numbered() -> None:
    xml = (
        EXAMPLES[3]
        .read_bytes()
        .replace(b"<urgency>Immediate</urgency>", b"<urgency>Soon</urgency>")
    )
    report = validate(xml, strict=False)
    assert report.alert is None
    paths = {e.path for e in report.errors}
    assert paths == {"/alert/info[1]/urgency", "/alert/info[2]/urgency"}
