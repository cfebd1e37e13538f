"""End to end with the incidents context: a call about a warehouse fire in the park opens and
grades an incident, the park's plan activates; hospital figures raise it and bring in the
mass-casualty plan — all through HTTP and the outbox relay."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.incidents.helpers import PARK, call_body, incident_world
from tests.integration.plans.helpers import save_shipped


def test_a_call_about_a_park_warehouse_fire_activates_the_plan_and_figures_raise_it(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client, roles=(Role.DUTY_OFFICER, Role.COMMANDER))
    officer = world.headers(Role.DUTY_OFFICER, "city")
    commander = world.headers(Role.COMMANDER, "city")
    save_shipped(platform, "warehouse_fire.yaml", world.org["park"])
    save_shipped(platform, "urban_fire.yaml", world.org["city"])
    save_shipped(platform, "mass_casualty.yaml", world.org["city"])

    made = client.post(
        "/incidents/calls", json=call_body(PARK, "accident.fire.warehouse"), headers=officer
    )
    assert made.status_code in (200, 201), made.text
    incident = made.json()["incident"]
    assert incident["grade"] == "IV"
    platform.relay.drain()
    listed = client.get(
        "/plans/activations", params={"incident_id": incident["id"]}, headers=commander
    ).json()
    assert [(a["plan_code"], a["level"], a["automatic"]) for a in listed["items"]] == [
        ("park-warehouse-fire", "IV", True)
    ]
    assert {"unit_type": "fire_engine", "count": 3} in listed["items"][0]["required_units"]
    tasks = client.get(
        "/plans/tasks", params={"incident_id": incident["id"]}, headers=commander
    ).json()
    assert tasks["total"] == 6

    figures = client.put(
        f"/incidents/{incident['id']}/facts",
        json={"facts": {"deaths": 12, "serious_injuries": 20}, "reason": "hospital figures"},
        headers=officer,
    )
    assert figures.status_code == 200, figures.text
    platform.relay.drain()
    listed = client.get(
        "/plans/activations", params={"incident_id": incident["id"]}, headers=commander
    ).json()
    levels = {a["plan_code"]: a["level"] for a in listed["items"]}
    assert levels == {"park-warehouse-fire": "I", "mass-casualty": "II"}
    tasks = client.get(
        "/plans/tasks", params={"incident_id": incident["id"]}, headers=commander
    ).json()
    assert tasks["total"] > 6
