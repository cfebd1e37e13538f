"""Every role × organisation level × endpoint: allowed or denied exactly as specified.

The specification is the role → permission table (``ROLE_PERMISSIONS``, printed in
docs/security.md) intersected with the subtree rule written out literally in ``SEES`` below:
a parent sees its children, a park sees only itself, siblings see nothing of each other.
Denied by role → 403; denied by scope → 404 (existence is never leaked).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import ROLE_PERMISSIONS, Permission, Role
from tests.integration.security.world import LEVELS, World, build_world

# Which organisation each actor level can see (literal, not computed from paths).
SEES: dict[str, set[str]] = {
    "city": {"city", "district", "sibling", "park"},
    "district": {"district", "park"},
    "sibling": {"sibling"},
    "park": {"park"},
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    permission: Permission
    target: str  # the organisation level the request touches
    call: Callable[[TestClient, World, dict[str, str]], Any]
    ok: int


_STATION_NUMBERS = itertools.count(1)


def _facility(client: TestClient, world: World, h: dict[str, str]) -> Any:
    return client.post(
        "/facilities",
        headers=h,
        json={
            "name": f"微型消防站 {next(_STATION_NUMBERS)}",  # names are unique per owner
            "kind": "fire_station",
            "location": {"type": "Point", "coordinates": [114.03, 22.53]},
            "organisation_id": world.org["district"],
        },
    )


ENDPOINTS = [
    Endpoint(
        "read district",
        Permission.ORG_READ,
        "district",
        lambda c, w, h: c.get(f"/organisations/{w.org['district']}", headers=h),
        200,
    ),
    Endpoint(
        "read park",
        Permission.ORG_READ,
        "park",
        lambda c, w, h: c.get(f"/organisations/{w.org['park']}", headers=h),
        200,
    ),
    Endpoint(
        "read city",
        Permission.ORG_READ,
        "city",
        lambda c, w, h: c.get(f"/organisations/{w.org['city']}", headers=h),
        200,
    ),
    Endpoint("add facility in district", Permission.FACILITY_WRITE, "district", _facility, 201),
    Endpoint(
        "list grants of park",
        Permission.USER_MANAGE,
        "park",
        lambda c, w, h: c.get(f"/scope-grants?organisation_id={w.org['park']}", headers=h),
        200,
    ),
    Endpoint(
        "timeline of district",
        Permission.AUDIT_READ,
        "district",
        lambda c, w, h: c.get(f"/organisations/{w.org['district']}/timeline", headers=h),
        200,
    ),
]


def expected(role: Role, level: str, endpoint: Endpoint) -> int:
    if endpoint.permission not in ROLE_PERMISSIONS[role]:
        return 403
    return endpoint.ok if endpoint.target in SEES[level] else 404


def test_scope_matrix(platform: Platform, client: TestClient) -> None:
    world = build_world(platform, client)
    mismatches = []
    checked = 0
    for role in Role:
        for level in LEVELS:
            for endpoint in ENDPOINTS:
                resp = endpoint.call(client, world, world.headers(role, level))
                want = expected(role, level, endpoint)
                checked += 1
                if resp.status_code != want:
                    mismatches.append(
                        (role.value, level, endpoint.name, want, resp.status_code, resp.text[:200])
                    )
    assert checked == len(Role) * len(LEVELS) * len(ENDPOINTS)
    assert mismatches == []


@pytest.mark.parametrize(
    ("role", "level", "endpoint", "status"),
    [
        # spot checks written out by hand, independent of the tables above
        (Role.ANALYST, "sibling", "read district", 404),
        (Role.PARK_MANAGER, "park", "read city", 404),
        (Role.PARK_MANAGER, "park", "read park", 200),
        (Role.DEPARTMENT_LIAISON, "city", "add facility in district", 403),
        (Role.RESERVE_OFFICER, "district", "add facility in district", 201),
        (Role.RESERVE_OFFICER, "sibling", "add facility in district", 404),
        (Role.ADMIN, "district", "list grants of park", 200),
        (Role.COMMANDER, "city", "list grants of park", 403),
        (Role.DEPARTMENT_LIAISON, "district", "timeline of district", 403),
        (Role.DUTY_OFFICER, "district", "timeline of district", 200),
    ],
)
def test_scope_spot_checks(
    platform: Platform, client: TestClient, role: Role, level: str, endpoint: str, status: int
) -> None:
    world = build_world(platform, client, roles=(role,), levels=(level,))
    (ep,) = [e for e in ENDPOINTS if e.name == endpoint]
    assert ep.call(client, world, world.headers(role, level)).status_code == status
