"""A small sensor network on the security test world: two devices in the district, one in the
sibling district, each with a smoke and a temperature datastream."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world


@dataclass
class Network:
    world: World
    things: dict[str, str] = field(default_factory=dict)  # name → thing id
    streams: dict[tuple[str, str], str] = field(default_factory=dict)  # (thing, kind) → id
    keys: dict[str, str] = field(default_factory=dict)  # thing name → device key

    def device(self, name: str) -> dict[str, str]:
        return {"X-Device-Key": self.keys[name]}

    def manager(self, level: str = "district") -> dict[str, str]:
        return self.world.headers(Role.PARK_MANAGER, level)


def build_network(platform: Platform, client: TestClient) -> Network:
    world = build_world(
        platform,
        client,
        roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER),
        levels=("city", "district", "sibling"),
    )
    net = Network(world=world)
    for name, level, lon in (("a", "district", 114.05), ("b", "district", 114.06),
                             ("c", "sibling", 114.12)):  # fmt: skip
        resp = client.post(
            "/monitoring/Things",
            json={
                "name": f"detector {name}",
                "organisation_id": world.org[level],
                "location": {"type": "Point", "coordinates": [lon, 22.54]},
            },
            headers=world.headers(Role.PARK_MANAGER, level),
        )
        assert resp.status_code == 201, resp.text
        thing = resp.json()["id"]
        net.things[name] = thing
        for kind in ("smoke", "temperature"):
            resp = client.post(
                "/monitoring/Datastreams",
                json={"thing_id": thing, "name": f"{name} {kind}", "kind": kind},
                headers=world.headers(Role.PARK_MANAGER, level),
            )
            assert resp.status_code == 201, resp.text
            net.streams[(name, kind)] = resp.json()["id"]
        resp = client.post(
            f"/monitoring/Things/{thing}/keys", headers=world.headers(Role.PARK_MANAGER, level)
        )
        assert resp.status_code == 201, resp.text
        net.keys[name] = resp.json()["key"]
    return net
