"""The reach search, duty rosters and certification-expiry alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from lifeline.kernel.geo import Point
from lifeline.reserves.personnel import (
    Certification,
    Leave,
    PersonnelKind,
    Responder,
    Roster,
    Shift,
    certification_alarms,
    who_can_reach,
)

PARK = Point(114.126, 22.686)
TODAY = date(2026, 7, 1)  # a Wednesday
NOW = datetime(2026, 7, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shenzhen (UTC+08:00)
CST = timezone(timedelta(hours=8))


def _responder(name: str, lat: float, certs: tuple[Certification, ...], **kw: object) -> Responder:
    return Responder(
        id=name, name=name, organisation_id="o", path="/o/", kind=PersonnelKind.PROFESSIONAL,
        team="hazmat", skills=("rope",), certifications=certs, equipment=(),
        home_base=Point(114.126, lat), available=bool(kw.get("available", True)),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        roster=kw.get("roster"),  # type: ignore[arg-type]
    )  # fmt: skip


def test_who_can_reach_the_park_within_30_minutes_with_a_hazmat_certification() -> None:
    """At 40 km/h (666.7 m/min) 30 min is 20 km ≈ 0.18° of latitude. 0.1° north is 11.12 km =
    16.68 min; 0.15° is 25.02 min; 0.2° is 33.36 min (too far)."""
    hazmat = Certification("hazmat", date(2027, 1, 1))
    expired = Certification("hazmat", date(2026, 6, 30))
    people = [
        _responder("far", 22.886, (hazmat,)),
        _responder("mid", 22.836, (hazmat,)),
        _responder("near", 22.786, (hazmat,)),
        _responder("lapsed", 22.700, (expired,)),
        _responder("off-duty", 22.690, (hazmat,), available=False),
        _responder("no-cert", 22.690, ()),
    ]
    found = who_can_reach(people, PARK, within_min=30, speed_kmh=40, at=NOW, certification="hazmat")
    assert [f.responder.name for f in found] == ["near", "mid"]
    assert found[0].eta_min == pytest.approx(16.68, abs=0.01)
    assert found[1].eta_min == pytest.approx(25.02, abs=0.01)
    everyone = who_can_reach(people, PARK, within_min=30, speed_kmh=40, at=NOW)
    assert [f.responder.name for f in everyone] == ["no-cert", "lapsed", "near", "mid"]


def test_a_certification_is_valid_through_its_expiry_day() -> None:
    assert Certification("hazmat", TODAY).valid_on(TODAY)
    assert not Certification("hazmat", TODAY).valid_on(date(2026, 7, 2))
    assert Certification("first-aid").valid_on(date(2099, 1, 1))


DAY_SHIFTS = Roster(shifts=tuple(Shift(d, time(8), time(20)) for d in range(5)))  # Mon–Fri


@pytest.mark.parametrize(
    ("local", "on_duty"),
    [
        (datetime(2026, 7, 1, 10, 0, tzinfo=CST), True),  # Wednesday 10:00
        (datetime(2026, 7, 1, 7, 59, tzinfo=CST), False),  # before the shift
        (datetime(2026, 7, 1, 20, 0, tzinfo=CST), False),  # the end is exclusive
        (datetime(2026, 7, 4, 10, 0, tzinfo=CST), False),  # Saturday
        (datetime(2026, 7, 1, 3, 0, tzinfo=UTC), True),  # 11:00 local given in UTC
    ],
)
def test_a_day_roster_is_judged_in_local_time(local: datetime, on_duty: bool) -> None:
    assert DAY_SHIFTS.on_duty(local) is on_duty


def test_a_night_shift_runs_past_midnight_into_the_next_day() -> None:
    nights = Roster(shifts=(Shift(4, time(22), time(6)),))  # Friday 22:00 → Saturday 06:00
    assert nights.on_duty(datetime(2026, 7, 3, 23, 0, tzinfo=CST))
    assert nights.on_duty(datetime(2026, 7, 4, 5, 59, tzinfo=CST))
    assert not nights.on_duty(datetime(2026, 7, 4, 6, 0, tzinfo=CST))
    assert not nights.on_duty(datetime(2026, 7, 2, 23, 0, tzinfo=CST))  # Thursday night
    assert nights.hours_per_week() == 8


def test_leave_takes_a_responder_off_a_shift() -> None:
    roster = Roster(
        shifts=DAY_SHIFTS.shifts,
        leave=(Leave(datetime(2026, 7, 1, tzinfo=CST), datetime(2026, 7, 2, tzinfo=CST), "sick"),),
    )
    assert not roster.on_duty(datetime(2026, 7, 1, 10, 0, tzinfo=CST))
    assert roster.on_duty(datetime(2026, 7, 2, 10, 0, tzinfo=CST))


def test_the_reach_search_skips_responders_off_their_roster() -> None:
    hazmat = Certification("hazmat", date(2027, 1, 1))
    nights = Roster(shifts=(Shift(2, time(20), time(8)),))
    people = [
        _responder("day", 22.786, (hazmat,), roster=DAY_SHIFTS),
        _responder("night", 22.786, (hazmat,), roster=nights),
        _responder("no-roster", 22.786, (hazmat,)),
    ]
    at_ten = who_can_reach(people, PARK, within_min=30, speed_kmh=40, at=NOW)
    assert sorted(f.responder.name for f in at_ten) == ["day", "no-roster"]
    at_night = datetime(2026, 7, 1, 23, 0, tzinfo=CST)
    late = who_can_reach(people, PARK, within_min=30, speed_kmh=40, at=at_night)
    assert sorted(f.responder.name for f in late) == ["night", "no-roster"]


def test_certification_alarms_grade_by_days_left_soonest_first() -> None:
    people = [
        _responder("a", 22.7, (Certification("hazmat", date(2026, 6, 30)),)),  # expired yesterday
        _responder("b", 22.7, (Certification("first-aid", TODAY),)),  # last valid day
        _responder("c", 22.7, (Certification("rope", date(2026, 8, 15)),)),  # 45 days
        _responder("d", 22.7, (Certification("dive", date(2027, 7, 1)),)),  # beyond the window
        _responder("e", 22.7, (Certification("cpr"),)),  # never expires
    ]
    alarms = certification_alarms(people, TODAY, within_days=90)
    assert [(a.responder_name, a.days_left, a.severity) for a in alarms] == [
        ("a", -1, "expired"),
        ("b", 0, "critical"),
        ("c", 45, "warning"),
    ]
