"""A small organisation tree with one user per role at each level, for security tests.

::

    Shenzhen (city)
    ├── Futian (district)          ← "district"
    │   └── Chegongmiao park       ← "park"
    └── Luohu (district)           ← "sibling"
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.model import Organisation, OrgKind, RegisterOrganisation
from lifeline.security.model import Role
from lifeline.security.service import CreateUser

PASSWORD = "test-pass-2026"
LEVELS = ("city", "district", "sibling", "park")


@dataclass
class World:
    org: dict[str, str] = field(default_factory=dict)  # level -> organisation id
    path: dict[str, str] = field(default_factory=dict)
    tokens: dict[tuple[Role, str], str] = field(default_factory=dict)

    def headers(self, role: Role, level: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(role, level)]}"}


def register_tree(platform: Platform) -> dict[str, Organisation]:
    """Register the four-organisation tree drawn above; keyed by level."""
    bus = platform.bus
    city = bus.handle(
        RegisterOrganisation(
            name="深圳市", name_en="Shenzhen", kind=OrgKind.CITY, admin_code="440300"
        ),
        SYSTEM_ACTOR,
    )
    futian = bus.handle(
        RegisterOrganisation(
            name="福田区", kind=OrgKind.DISTRICT, parent_id=city.id, admin_code="440304"
        ),
        SYSTEM_ACTOR,
    )
    luohu = bus.handle(
        RegisterOrganisation(
            name="罗湖区", kind=OrgKind.DISTRICT, parent_id=city.id, admin_code="440303"
        ),
        SYSTEM_ACTOR,
    )
    park = bus.handle(
        RegisterOrganisation(name="车公庙园区", kind=OrgKind.PARK, parent_id=futian.id),
        SYSTEM_ACTOR,
    )
    return {"city": city, "district": futian, "sibling": luohu, "park": park}


def build_world(
    platform: Platform,
    client: TestClient,
    roles: tuple[Role, ...] = tuple(Role),
    levels: tuple[str, ...] = LEVELS,
) -> World:
    world = World()
    bus = platform.bus
    for level, org in register_tree(platform).items():
        world.org[level] = org.id
        world.path[level] = org.path
    for role in roles:
        for level in levels:
            username = f"{role.value}.{level}"
            bus.handle(
                CreateUser(
                    username=username,
                    display_name=username,
                    password=PASSWORD,
                    organisation_id=world.org[level],
                    roles=frozenset({role}),
                    phone="13812345678",
                ),
                SYSTEM_ACTOR,
            )
            resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
            assert resp.status_code == 200, resp.text
            world.tokens[(role, level)] = resp.json()["access_token"]
    return world
