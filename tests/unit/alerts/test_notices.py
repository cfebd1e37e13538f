"""Alarm notices become deliveries: in-app to every contact once, an SMS to those with a phone
unless the notice is a drill's, each with its own idempotency key; words in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from lifeline.alerts.notices import AlarmNotice, notice_deliveries, notice_sms, notice_texts
from lifeline.alerts.outbox import Channel, MessageKind, RecipientKind
from lifeline.alerts.recipients import Contact

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def _notice(*, exercise: bool = False) -> AlarmNotice:
    return AlarmNotice(
        id="n-1", alarm_id="a-1", event_id="e-1", organisation_id="park",
        target_organisation_id="park", role="duty_officer", step=1, title="Warehouse gas leak",
        hazard="gas_leak", level="orange", rank=3, source_id="gas-1", exercise=exercise,
        created_at=NOW,
    )  # fmt: skip


CONTACTS = [
    Contact(RecipientKind.USER, "u-1", "Zhang", "13812345678"),
    Contact(RecipientKind.USER, "u-2", "Li", None),
    Contact(RecipientKind.USER, "u-1", "Zhang", "13812345678"),  # listed twice
    Contact(RecipientKind.DEPARTMENT, "d-1", "Fire", "075512345678"),
]


def test_each_contact_gets_in_app_and_an_sms_when_it_has_a_phone() -> None:
    ids = count()
    out = notice_deliveries(_notice(), CONTACTS, NOW, lambda: f"del-{next(ids)}")
    got = sorted((d.channel, d.address) for d in out)
    assert got == sorted(
        [
            (Channel.IN_APP, "user:u-1"),
            (Channel.SMS, "13812345678"),
            (Channel.IN_APP, "user:u-2"),
            (Channel.IN_APP, "department:d-1"),
            (Channel.SMS, "075512345678"),
        ]
    )
    assert all(d.message is MessageKind.ALARM_NOTICE and d.alert_id == "n-1" for d in out)
    assert len({d.idempotency_key for d in out}) == len(out)
    assert "n-1:user/u-1:sms" in {d.idempotency_key for d in out}


def test_a_drill_notice_stays_in_the_app_and_says_so() -> None:
    out = notice_deliveries(_notice(exercise=True), CONTACTS, NOW, lambda: "x")
    assert {d.channel for d in out} == {Channel.IN_APP}
    zh, en = notice_texts(_notice(exercise=True))
    assert zh.headline.startswith("【演练】")
    assert en.headline.startswith("[Exercise]")
    assert "Warehouse gas leak" in notice_sms(_notice())
