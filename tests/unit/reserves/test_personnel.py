"""The reach search: who can reach a place in time with an unexpired certification."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lifeline.kernel.geo import Point
from lifeline.reserves.personnel import (
    Certification,
    PersonnelKind,
    Responder,
    who_can_reach,
)

PARK = Point(114.126, 22.686)
TODAY = date(2026, 7, 1)


def _responder(name: str, lat: float, certs: tuple[Certification, ...], **kw: object) -> Responder:
    return Responder(
        id=name, name=name, organisation_id="o", path="/o/", kind=PersonnelKind.PROFESSIONAL,
        team="hazmat", skills=("rope",), certifications=certs, equipment=(),
        home_base=Point(114.126, lat), available=bool(kw.get("available", True)),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
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
    found = who_can_reach(
        people, PARK, within_min=30, speed_kmh=40, today=TODAY, certification="hazmat"
    )
    assert [f.responder.name for f in found] == ["near", "mid"]
    assert found[0].eta_min == pytest.approx(16.68, abs=0.01)
    assert found[1].eta_min == pytest.approx(25.02, abs=0.01)
    everyone = who_can_reach(people, PARK, within_min=30, speed_kmh=40, today=TODAY)
    assert [f.responder.name for f in everyone] == ["no-cert", "lapsed", "near", "mid"]


def test_a_certification_is_valid_through_its_expiry_day() -> None:
    assert Certification("hazmat", TODAY).valid_on(TODAY)
    assert not Certification("hazmat", TODAY).valid_on(date(2026, 7, 2))
    assert Certification("first-aid").valid_on(date(2099, 1, 1))
