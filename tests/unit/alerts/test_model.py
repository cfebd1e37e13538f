"""The authoring state machine: transitions, the second-approver rule, expiry, exercises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.cap import produce, validate
from lifeline.alerts.cap.model import (
    CapArea,
    CapCategory,
    CapCertainty,
    CapMsgType,
    CapResponseType,
    CapStatus,
    CapUrgency,
)
from lifeline.alerts.levels import Colour
from lifeline.alerts.model import AlertState, AlertText, PublicAlert
from lifeline.alerts.templates import LANGUAGES, TEMPLATES, Hazard
from lifeline.kernel.errors import Conflict, Forbidden

T0 = datetime(2026, 7, 1, 8, tzinfo=UTC)


def _alert(colour: Colour = Colour.ORANGE, status: CapStatus = CapStatus.ACTUAL) -> PublicAlert:
    return PublicAlert(
        id="a1",
        organisation_id="o1",
        organisation_path="/o1/",
        identifier="44030400000000_20260701160000_0",
        hazard=Hazard.TYPHOON,
        colour=colour,
        status=status,
        msg_type=CapMsgType.ALERT,
        category=CapCategory.MET,
        response_type=CapResponseType.SHELTER,
        urgency=CapUrgency.EXPECTED,
        certainty=CapCertainty.LIKELY,
        texts=(AlertText("zh-CN", "台风", "标题", "描述", "指引", "福田区"),),
        areas=(CapArea("", geocodes=()),),
        expires_at=T0 + timedelta(hours=6),
        created_by="user:author",
        created_at=T0,
    )


def _through(alert: PublicAlert, approver: str) -> PublicAlert:
    submitted = alert.submit(by=alert.created_by, at=T0)
    return submitted.approve(by=approver, at=T0).publish(at=T0)


@given(colour=st.sampled_from(Colour), self_approve=st.booleans())
def test_second_person_rule_holds_for_every_colour(colour: Colour, self_approve: bool) -> None:
    submitted = _alert(colour).submit(by="user:author", at=T0)
    approver = "user:author" if self_approve else "user:other"
    if self_approve and colour in (Colour.ORANGE, Colour.RED):
        with pytest.raises(Forbidden):
            submitted.approve(by=approver, at=T0)
    else:
        approved = submitted.approve(by=approver, at=T0)
        assert approved.state is AlertState.APPROVED
        assert approved.approved_by == approver


def test_only_approved_alerts_publish_and_steps_cannot_be_skipped() -> None:
    alert = _alert()
    with pytest.raises(Conflict):
        alert.publish(at=T0)
    with pytest.raises(Conflict):
        alert.approve(by="user:other", at=T0)
    with pytest.raises(Conflict):
        alert.submit(by="x", at=T0).submit(by="x", at=T0)
    published = _through(alert, "user:other")
    assert published.state is AlertState.PUBLISHED
    assert published.version == 4
    with pytest.raises(Conflict):
        published.publish(at=T0)


def test_rejected_alert_returns_to_draft_with_the_note() -> None:
    back = _alert().submit(by="user:author", at=T0).reject(note="wrong area")
    assert back.state is AlertState.DRAFT
    assert back.note == "wrong area"
    assert back.submitted_by is None


def test_expiry_is_read_from_the_clock_and_blocks_late_publication() -> None:
    published = _through(_alert(), "user:other")
    assert published.is_public(T0)
    later = T0 + timedelta(hours=6)
    assert published.state_at(later) is AlertState.EXPIRED
    assert not published.is_public(later)
    approved = _alert().submit(by="a", at=T0).approve(by="b", at=T0)
    with pytest.raises(Conflict):
        approved.publish(at=later)


@pytest.mark.parametrize("status", [CapStatus.EXERCISE, CapStatus.TEST])
def test_exercise_and_test_alerts_are_never_public(status: CapStatus) -> None:
    published = _through(_alert(status=status), "user:other")
    assert published.state is AlertState.PUBLISHED
    assert not published.is_public(T0)


def test_cap_of_an_alert_is_valid() -> None:
    alert = _through(_alert(), "user:other")
    cap = alert.to_cap(sent=T0)
    report = validate(produce(cap))
    assert report.ok, report.errors


def test_every_hazard_has_a_template_in_both_languages() -> None:
    assert {t.hazard for t in TEMPLATES} == set(Hazard)
    for template in TEMPLATES:
        assert tuple(t.language for t in template.texts) == LANGUAGES
        for text in template.texts:
            filled = text.headline.format(area="X", colour="Y")
            assert "X" in filled
            assert "Y" in filled
