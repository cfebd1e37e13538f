"""Registry integration fixtures: a small organisation tree, actors scoped to it, and signed-in
users for the HTTP API (created through the bus, signed in with ``POST /auth/login``).

::

    深圳市 city
    ├── 福田区 district (440304)
    │   └── 福田街道 street
    │       └── 车公庙园区 park
    ├── 罗湖区 district (440303)
    └── 消防救援支队 department (fire)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR, Actor, ActorKind
from lifeline.kernel.bus import MessageBus
from lifeline.registry.model import DepartmentType, Organisation, OrgKind, RegisterOrganisation
from lifeline.security.model import Role, permissions_for
from lifeline.security.service import CreateUser

PASSWORD = "registry-test-2026"


class ApiAs(Protocol):
    def __call__(self, organisation_id: str, *roles: Role) -> dict[str, str]: ...


@dataclass(frozen=True)
class Tree:
    city: Organisation
    futian: Organisation
    luohu: Organisation
    street: Organisation
    park: Organisation
    fire: Organisation


def register(bus: MessageBus, **kw: object) -> Organisation:
    org: Organisation = bus.handle(RegisterOrganisation(**kw), SYSTEM_ACTOR)  # type: ignore[arg-type]
    return org


@pytest.fixture
def bus(platform: Platform) -> MessageBus:
    return platform.bus


@pytest.fixture
def tree(bus: MessageBus) -> Tree:
    city = register(bus, name="深圳市", name_en="Shenzhen", kind=OrgKind.CITY, admin_code="440300")
    futian = register(
        bus,
        name="福田区",
        kind=OrgKind.DISTRICT,
        parent_id=city.id,
        admin_code="440304",
        contact_name="张三",
        contact_phone="13812345678",
    )
    luohu = register(
        bus, name="罗湖区", kind=OrgKind.DISTRICT, parent_id=city.id, admin_code="440303"
    )
    street = register(bus, name="福田街道", kind=OrgKind.STREET, parent_id=futian.id)
    park = register(bus, name="车公庙园区", kind=OrgKind.PARK, parent_id=street.id)
    fire = register(
        bus,
        name="消防救援支队",
        kind=OrgKind.DEPARTMENT,
        parent_id=city.id,
        department_type=DepartmentType.FIRE,
    )
    return Tree(city=city, futian=futian, luohu=luohu, street=street, park=park, fire=fire)


def actor_at(org: Organisation, *roles: Role) -> Actor:
    """A user of ``org`` with ``roles``, scoped to the organisation's subtree."""
    return Actor(
        id=f"user-{org.id[-6:]}-{'-'.join(sorted(r.value for r in roles))}",
        kind=ActorKind.USER,
        organisation_id=org.id,
        roles=frozenset(r.value for r in roles),
        permissions=permissions_for(set(roles)),
        scope_paths=(org.path,),
    )


@pytest.fixture
def api_as(bus: MessageBus, client: TestClient) -> ApiAs:
    """``api_as(org_id, *roles)``: headers signing in as a user of ``org_id`` with ``roles``.

    The user is created through the bus and signs in over HTTP on first use; later calls in the
    same test with the same organisation and roles reuse the token (hashing costs ~50 ms).
    """
    tokens: dict[tuple[str, frozenset[Role]], str] = {}

    def headers(organisation_id: str, *roles: Role) -> dict[str, str]:
        key = (organisation_id, frozenset(roles))
        if key not in tokens:
            username = f"registry.user{len(tokens)}"
            bus.handle(
                CreateUser(
                    username=username,
                    display_name=username,
                    password=PASSWORD,
                    organisation_id=organisation_id,
                    roles=frozenset(roles),
                ),
                SYSTEM_ACTOR,
            )
            resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
            assert resp.status_code == 200, resp.text
            tokens[key] = resp.json()["access_token"]
        return {"Authorization": f"Bearer {tokens[key]}"}

    return headers
