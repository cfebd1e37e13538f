"""Registry model: masking of personal fields, events without personal data, permissions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from lifeline.kernel.events import Command, Query
from lifeline.registry import model
from lifeline.registry.model import (
    Organisation,
    OrganisationRegistered,
    OrgKind,
    masked,
)
from lifeline.security.model import Permission

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def _org(**kw: object) -> Organisation:
    base = Organisation(
        id="o1",
        name="福田区",
        name_en="Futian",
        kind=OrgKind.DISTRICT,
        department_type=None,
        parent_id="c",
        path="/c/o1/",
        admin_code="440304",
        contact_name="张三",
        contact_phone="13812345678",
        created_at=T0,
        updated_at=T0,
    )
    return dataclasses.replace(base, **kw)  # type: ignore[arg-type]


def test_masked_hides_personal_fields_only() -> None:
    out = masked(_org())
    assert out.contact_phone == "138****5678"
    assert out.contact_name == "张*"
    assert (out.name, out.admin_code, out.path) == ("福田区", "440304", "/c/o1/")


def test_masked_keeps_missing_values_missing() -> None:
    out = masked(_org(contact_name=None, contact_phone=None))
    assert out.contact_name is None
    assert out.contact_phone is None


def test_events_never_carry_personal_values() -> None:
    event = OrganisationRegistered(
        aggregate_id="o1",
        organisation_id="o1",
        name="福田区",
        name_en=None,
        kind=OrgKind.DISTRICT,
        department_type=None,
        parent_id="c",
        path="/c/o1/",
        admin_code=None,
        personal_fields_set=("contact_phone",),
    )
    payload = event.payload()
    assert "contact_phone" not in payload
    assert payload["personal_fields_set"] == ["contact_phone"]
    assert payload["kind"] == "district"


def test_every_message_names_a_registry_permission() -> None:
    reads = {Permission.ORG_READ, Permission.AUDIT_READ}
    writes = {
        Permission.ORG_WRITE,
        Permission.AREA_WRITE,
        Permission.FACILITY_WRITE,
        Permission.REGISTRY_IMPORT,
    }
    messages = [
        v
        for v in vars(model).values()
        if isinstance(v, type) and issubclass(v, Command | Query) and v not in (Command, Query)
    ]
    assert len(messages) == 18
    for message in messages:
        allowed = reads if issubclass(message, Query) else writes
        assert message.permission in allowed, message.__name__
