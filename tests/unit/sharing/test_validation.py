"""Validation against the standard: required fields, codes, ranges, future timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lifeline.sharing.standard import STANDARD, RecordType, json_schema
from lifeline.sharing.validation import FUTURE_TOLERANCE, conform

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
INCIDENT = STANDARD[RecordType.INCIDENT]


def test_a_good_incident_is_cleaned() -> None:
    record, problems = conform(
        INCIDENT,
        {
            "external_id": " ＩＤ-1 ",
            "category": "public_health",
            "type": "Medical  Incident",
            "reported_at": NOW,
            "units": "3",
        },
        NOW,
    )
    assert problems == []
    assert record == {
        "external_id": "ID-1",
        "category": "public_health",
        "type": "Medical Incident",
        "reported_at": NOW.isoformat(),
        "units": 3,
    }


def test_each_bad_field_gets_its_own_reason() -> None:
    _, problems = conform(
        INCIDENT,
        {
            "external_id": "1",
            "category": "alien",
            "reported_at": NOW + FUTURE_TOLERANCE + timedelta(seconds=1),
            "units": "-1",
            "grade": "V",
        },
        NOW,
    )
    reasons = {p.field: p.reason for p in problems}
    assert set(reasons) == {"category", "type", "reported_at", "units", "grade"}
    assert reasons["type"] == "required"
    assert "in the future" in reasons["reported_at"]
    assert "below the minimum" in reasons["units"]


def test_within_the_future_tolerance_is_accepted() -> None:
    _, problems = conform(
        INCIDENT,
        {
            "external_id": "1",
            "category": "social_safety",
            "type": "t",
            "reported_at": NOW + FUTURE_TOLERANCE,
        },
        NOW,
    )
    assert problems == []


def test_every_type_publishes_a_schema_listing_its_required_fields() -> None:
    for kind, spec in STANDARD.items():
        schema = json_schema(kind)
        assert set(schema["properties"]) == {f.name for f in spec.fields}
        assert schema["required"] == [f.name for f in spec.fields if f.required]
        assert "external_id" in schema["required"]
