"""Organisations through the bus: hierarchy, events, versions, moves, scope and personal data."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound, OutOfScope
from lifeline.kernel.eventlog import access_log, event_log
from lifeline.kernel.geo import Point
from lifeline.registry.model import (
    FacilityKind,
    GetFacility,
    GetOrganisation,
    Listing,
    ListOrganisations,
    Organisation,
    OrganisationTimeline,
    OrgKind,
    RegisterFacility,
    RegisterOrganisation,
    RemoveOrganisation,
    UpdateOrganisation,
)
from lifeline.security.model import Role
from tests.integration.registry.conftest import Tree, actor_at, register


def _events(platform: Platform, aggregate_id: str) -> list[tuple[str, str]]:
    with platform.engine.connect() as conn:
        rows = conn.execute(
            sa.select(event_log.c.type, event_log.c.payload)
            .where(event_log.c.aggregate_id == aggregate_id)
            .order_by(event_log.c.seq)
        ).all()
    return [(r.type, r.payload) for r in rows]


def _access(platform: Platform) -> list[Any]:
    """Access decisions about users (the seeding system actor's are left out)."""
    with platform.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(
                    access_log.c.action,
                    access_log.c.outcome,
                    access_log.c.target_kind,
                    access_log.c.target_id,
                    access_log.c.personal_fields,
                )
                .where(access_log.c.actor_id != "system")
                .order_by(access_log.c.id)
            ).all()
        )


def test_register_builds_paths_and_records_events(platform: Platform, tree: Tree) -> None:
    assert tree.city.path == f"/{tree.city.id}/"
    assert tree.park.path == f"{tree.street.path}{tree.park.id}/"
    events = _events(platform, tree.futian.id)
    assert [t for t, _ in events] == ["OrganisationRegistered"]
    payload = events[0][1]
    assert "福田区" in payload
    assert "13812345678" not in payload  # personal values never enter the log
    assert "contact_phone" in payload  # … only their names do


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (OrgKind.STREET, "city"),
        (OrgKind.DISTRICT, "futian"),
        (OrgKind.ENTERPRISE, "city"),
        (OrgKind.PARK, "fire"),
    ],
)
def test_hierarchy_violations_are_invalid_input(
    bus: MessageBus, tree: Tree, kind: OrgKind, parent: str
) -> None:
    parent_org: Organisation = getattr(tree, parent)
    with pytest.raises(InvalidInput) as info:
        bus.handle(RegisterOrganisation(name="x", kind=kind, parent_id=parent_org.id), SYSTEM_ACTOR)
    assert info.value.problems[0].field == "parent_id"


def test_sibling_names_and_admin_codes_are_unique(bus: MessageBus, tree: Tree) -> None:
    with pytest.raises(Conflict, match="already exists"):
        register(bus, name="福田区", kind=OrgKind.DISTRICT, parent_id=tree.city.id)
    register(bus, name="福田街道", kind=OrgKind.STREET, parent_id=tree.luohu.id)  # other parent
    with pytest.raises(Conflict, match="admin code 440304"):
        register(
            bus, name="新区", kind=OrgKind.DISTRICT, parent_id=tree.city.id, admin_code="440304"
        )
    with pytest.raises(InvalidInput, match="division code"):
        register(bus, name="新区", kind=OrgKind.DISTRICT, parent_id=tree.city.id, admin_code="44A")


def test_missing_parent_is_not_found(bus: MessageBus) -> None:
    with pytest.raises(NotFound):
        register(bus, name="x", kind=OrgKind.DISTRICT, parent_id="nope")


def test_update_with_versions(platform: Platform, bus: MessageBus, tree: Tree) -> None:
    updated: Organisation = bus.handle(
        UpdateOrganisation(
            organisation_id=tree.luohu.id,
            expected_version=1,
            name_en="Luohu",
            contact_phone="13900001111",
        ),
        SYSTEM_ACTOR,
    )
    assert (updated.version, updated.name_en, updated.contact_phone) == (2, "Luohu", "13900001111")
    with pytest.raises(Conflict, match="version 2, not 1"):
        bus.handle(
            UpdateOrganisation(organisation_id=tree.luohu.id, expected_version=1, name_en="Stale"),
            SYSTEM_ACTOR,
        )
    same: Organisation = bus.handle(
        UpdateOrganisation(organisation_id=tree.luohu.id, name_en="Luohu"), SYSTEM_ACTOR
    )
    assert same.version == 2  # no change, no new version, no event
    types = [t for t, _ in _events(platform, tree.luohu.id)]
    assert types == ["OrganisationRegistered", "OrganisationUpdated"]
    payload = _events(platform, tree.luohu.id)[1][1]
    assert '"personal_fields_changed":["contact_phone"]' in payload
    assert "13900001111" not in payload


def test_moving_rebases_the_subtree_and_owned_records(bus: MessageBus, tree: Tree) -> None:
    facility = bus.handle(
        RegisterFacility(
            name="园区避难场所",
            kind=FacilityKind.SHELTER,
            location=Point(114.02, 22.53),
            organisation_id=tree.park.id,
        ),
        SYSTEM_ACTOR,
    )
    new_street = register(bus, name="东门街道", kind=OrgKind.STREET, parent_id=tree.luohu.id)
    moved: Organisation = bus.handle(
        UpdateOrganisation(organisation_id=tree.park.id, parent_id=new_street.id), SYSTEM_ACTOR
    )
    assert moved.path == f"{new_street.path}{tree.park.id}/"
    assert moved.parent_id == new_street.id
    again: Organisation = bus.handle(GetOrganisation(organisation_id=tree.park.id), SYSTEM_ACTOR)
    assert again.path == moved.path
    fac = bus.handle(GetFacility(facility_id=facility.id), SYSTEM_ACTOR)
    assert fac.path == moved.path
    with pytest.raises(Conflict, match="below itself"):
        bus.handle(
            UpdateOrganisation(organisation_id=tree.futian.id, parent_id=tree.street.id),
            SYSTEM_ACTOR,
        )
    with pytest.raises(InvalidInput, match="cannot be placed under"):
        bus.handle(
            UpdateOrganisation(organisation_id=tree.street.id, parent_id=tree.city.id), SYSTEM_ACTOR
        )


def test_remove_refuses_organisations_that_hold_anything(
    platform: Platform, bus: MessageBus, tree: Tree
) -> None:
    with pytest.raises(Conflict, match="child organisation"):
        bus.handle(RemoveOrganisation(organisation_id=tree.futian.id), SYSTEM_ACTOR)
    bus.handle(RemoveOrganisation(organisation_id=tree.park.id, expected_version=1), SYSTEM_ACTOR)
    with pytest.raises(NotFound):
        bus.handle(GetOrganisation(organisation_id=tree.park.id), SYSTEM_ACTOR)
    assert [t for t, _ in _events(platform, tree.park.id)][-1] == "OrganisationRemoved"


def test_district_sees_its_subtree_but_not_its_sibling(bus: MessageBus, tree: Tree) -> None:
    officer = actor_at(tree.futian, Role.DUTY_OFFICER)
    listing: Listing[Organisation] = bus.handle(ListOrganisations(), officer)
    assert {o.id for o in listing.items} == {tree.futian.id, tree.street.id, tree.park.id}
    assert listing.total == 3
    assert bus.handle(GetOrganisation(organisation_id=tree.park.id), officer).id == tree.park.id
    with pytest.raises(OutOfScope):
        bus.handle(GetOrganisation(organisation_id=tree.luohu.id), officer)
    with pytest.raises(OutOfScope):
        bus.handle(GetOrganisation(organisation_id=tree.city.id), officer)
    city_officer = actor_at(tree.city, Role.DUTY_OFFICER)
    assert bus.handle(ListOrganisations(limit=2), city_officer).total == 6


def test_writes_need_the_role_and_the_scope(bus: MessageBus, tree: Tree) -> None:
    steward = actor_at(tree.futian, Role.DATA_STEWARD)
    street = register(bus, name="园岭街道", kind=OrgKind.STREET, parent_id=tree.futian.id)
    park = bus.handle(
        RegisterOrganisation(name="新园区", kind=OrgKind.PARK, parent_id=street.id), steward
    )
    assert park.path.startswith(tree.futian.path)
    with pytest.raises(OutOfScope):
        bus.handle(
            RegisterOrganisation(name="x", kind=OrgKind.STREET, parent_id=tree.luohu.id), steward
        )
    with pytest.raises(OutOfScope):  # creating a root needs root scope
        bus.handle(RegisterOrganisation(name="广州市", kind=OrgKind.CITY), steward)
    with pytest.raises(Forbidden):
        bus.handle(
            RegisterOrganisation(name="x", kind=OrgKind.STREET, parent_id=tree.futian.id),
            actor_at(tree.futian, Role.ANALYST),
        )


def test_personal_fields_masked_without_the_right_and_reads_logged(
    platform: Platform, bus: MessageBus, tree: Tree
) -> None:
    liaison = actor_at(tree.futian, Role.DEPARTMENT_LIAISON)
    seen: Organisation = bus.handle(GetOrganisation(organisation_id=tree.futian.id), liaison)
    assert (seen.contact_name, seen.contact_phone) == ("张*", "138****5678")
    assert not [r for r in _access(platform) if r.personal_fields]

    officer = actor_at(tree.futian, Role.DUTY_OFFICER)
    seen = bus.handle(GetOrganisation(organisation_id=tree.futian.id), officer)
    assert (seen.contact_name, seen.contact_phone) == ("张三", "13812345678")
    personal = [r for r in _access(platform) if r.personal_fields]
    assert [(r.action, r.target_id, r.personal_fields) for r in personal] == [
        ("GetOrganisation", tree.futian.id, "contact_name,contact_phone")
    ]

    listing: Listing[Organisation] = bus.handle(ListOrganisations(), liaison)
    assert {o.contact_phone for o in listing.items} == {"138****5678", None}
    listing = bus.handle(ListOrganisations(), officer)
    assert "13812345678" in {o.contact_phone for o in listing.items}
    assert len([r for r in _access(platform) if r.personal_fields]) == 2


def test_refused_reads_are_recorded(platform: Platform, bus: MessageBus, tree: Tree) -> None:
    officer = actor_at(tree.futian, Role.DUTY_OFFICER)
    with pytest.raises(OutOfScope):
        bus.handle(GetOrganisation(organisation_id=tree.luohu.id), officer)
    denied = [r for r in _access(platform) if r.outcome == "denied"]
    assert [(r.action, r.target_kind, r.target_id) for r in denied] == [
        ("GetOrganisation", "organisation", tree.luohu.id)
    ]


def test_timeline_needs_audit_read_in_scope(bus: MessageBus, tree: Tree) -> None:
    bus.handle(
        UpdateOrganisation(organisation_id=tree.street.id, name_en="Futian Subdistrict"),
        SYSTEM_ACTOR,
    )
    analyst = actor_at(tree.futian, Role.ANALYST)
    events = bus.handle(OrganisationTimeline(organisation_id=tree.street.id), analyst)
    assert [e.type for e in events] == ["OrganisationRegistered", "OrganisationUpdated"]
    assert events[1].payload["changes"] == {"name_en": "Futian Subdistrict"}
    with pytest.raises(Forbidden):
        bus.handle(
            OrganisationTimeline(organisation_id=tree.street.id),
            actor_at(tree.futian, Role.DEPARTMENT_LIAISON),
        )
    with pytest.raises(OutOfScope):
        bus.handle(OrganisationTimeline(organisation_id=tree.luohu.id), analyst)
