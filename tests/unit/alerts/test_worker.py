"""The delivery worker's pure parts: pacing per channel, masking in reports."""

from __future__ import annotations

import pytest

from lifeline.alerts.outbox import Channel, RecipientKind, idempotency_key
from lifeline.alerts.service.unsubscribe import mask_address
from lifeline.alerts.worker import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_pacer_spaces_sends_by_one_over_the_rate() -> None:
    clock = FakeTime()
    pacer = Pacer(4.0, monotonic=clock)  # 4 a second: 0.25 s apart
    assert pacer.delay() == 0.0
    assert pacer.delay() == pytest.approx(0.25)
    assert pacer.delay() == pytest.approx(0.5)  # booked behind the second
    clock.now += 2.0  # idle for a while: no debt carried over
    assert pacer.delay() == 0.0


def test_an_unpaced_channel_never_waits() -> None:
    pacer = Pacer(0.0, monotonic=FakeTime())
    assert [pacer.delay() for _ in range(5)] == [0.0] * 5


def test_idempotency_keys_carry_the_recipient_kind() -> None:
    assert idempotency_key("a", "s", Channel.EMAIL) == "a:s:email"
    assert idempotency_key("a", "f", Channel.SMS, RecipientKind.FACILITY) == "a:facility/f:sms"


@pytest.mark.parametrize(
    ("channel", "address", "masked"),
    [
        (Channel.EMAIL, "alice@example.org", "a****@example.org"),
        (Channel.SMS, "+8613800001234", "+86*******1234"),
        (Channel.WEBHOOK, "https://hooks.example.org/a/secret", "https://hooks.example.org/…"),
        (Channel.IN_APP, "user-42", "us…"),
    ],
)
def test_addresses_are_masked(channel: Channel, address: str, masked: str) -> None:
    assert mask_address(channel, address) == masked
