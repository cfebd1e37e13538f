"""A city with two districts and a park, each with an area, and signed-in users, for incident
tests. Futian's area is a 6 km² polygon around ``FUTIAN``; Luohu's lies 8 km east; the park's
1 km² area sits inside Futian around ``PARK``; the sea is south of both (``AT_SEA``).

::

    Shenzhen (city)
    ├── Futian (district)          ← "district"
    │   └── Chegongmiao park       ← "park"
    └── Luohu (district)           ← "sibling"
"""

from __future__ import annotations

import math
from typing import Any

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.registry.model import AreaLevel, DefineArea
from lifeline.registry.seed import regular_polygon
from lifeline.security.model import Role
from tests.integration.security.world import PASSWORD, World, build_world

FUTIAN = Point(114.055, 22.541)
LUOHU = Point(114.135, 22.548)
PARK = Point(114.045, 22.545)
AT_SEA = Point(114.05, 22.30)


def offset(p: Point, east_m: float = 0.0, north_m: float = 0.0) -> Point:
    """The point ``east_m`` east and ``north_m`` north of ``p`` (local flat approximation)."""
    dlat = north_m / 111_195.0
    dlon = east_m / (111_195.0 * math.cos(math.radians(p.lat)))
    return Point(p.lon + dlon, p.lat + dlat)


def geo(p: Point) -> dict[str, Any]:
    return p.to_geojson()


def define_areas(platform: Platform, world: World) -> None:
    for level, centre, km2 in (
        ("district", FUTIAN, 6.0),
        ("sibling", LUOHU, 6.0),
        ("park", PARK, 1.0),
    ):
        platform.bus.handle(
            DefineArea(
                name=f"{level} area",
                level=AreaLevel.PARK if level == "park" else AreaLevel.DISTRICT,
                organisation_id=world.org[level],
                boundary=regular_polygon(centre, km2),
            ),
            SYSTEM_ACTOR,
        )


def incident_world(
    platform: Platform,
    client: TestClient,
    roles: tuple[Role, ...] = (Role.DUTY_OFFICER,),
    levels: tuple[str, ...] = ("city",),
) -> World:
    world = build_world(platform, client, roles=roles, levels=levels)
    define_areas(platform, world)
    return world


def call_body(
    where: Point,
    incident_type: str = "accident.fire.building",
    phone: str = "13800000001",
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "incident_type": incident_type,
        "location": geo(where),
        "reporter": {"name": "王五", "phone": phone},
        "description": "smoke from the third floor",
    }
    body.update(extra)
    return body


def relogin(client: TestClient, username: str) -> dict[str, str]:
    """Fresh headers for ``username`` (after the virtual clock outran the token)."""
    resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}
