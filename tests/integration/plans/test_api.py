"""The plans API over HTTP with real sign-in: YAML import/export and versions, commander
activation, a department liaison handling only their department's tasks, problem+json."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.plans.document import from_yaml
from lifeline.plans.seed import shipped_yaml
from lifeline.security.model import Role
from tests.integration.plans.helpers import make_orgs, sign_in

YAML = {"Content-Type": "application/yaml"}


def test_import_export_and_versions(platform: Platform, client: TestClient) -> None:
    orgs = make_orgs(platform)
    commander = sign_in(platform, client, orgs, Role.COMMANDER, "city")
    text = shipped_yaml("typhoon.yaml")
    made = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"]},
        content=text.encode(),
        headers={**commander, **YAML},
    )
    assert made.status_code == 201, made.text
    plan = made.json()
    assert (plan["code"], plan["version"], plan["title_en"]) == ("typhoon", 1, "Typhoon")
    exported = client.get(f"/plans/{plan['id']}/export", headers=commander)
    assert exported.headers["content-type"].startswith("application/yaml")
    assert from_yaml(exported.text) == from_yaml(text)
    # the same document again adds no version; a changed one adds version 2
    again = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"]},
        content=text.encode(),
        headers={**commander, **YAML},
    )
    assert (again.status_code, again.json()["version"]) == (200, 1)
    changed = text.replace("escalation_repeat_min", "x") + "\nescalation_repeat_min: 30\n"
    revised = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"], "note": "repeat every 30 min"},
        content=changed.encode(),
        headers={**commander, **YAML},
    )
    assert (revised.status_code, revised.json()["version"]) == (200, 2)
    versions = client.get(f"/plans/{plan['id']}/versions", headers=commander).json()
    assert [(v["version"], v["note"]) for v in versions] == [(1, ""), (2, "repeat every 30 min")]
    assert versions[0]["document"]["escalation_repeat_min"] == 15
    assert versions[1]["document"]["escalation_repeat_min"] == 30
    old = client.get(f"/plans/{plan['id']}/export", params={"version": 1}, headers=commander)
    assert from_yaml(old.text) == from_yaml(text)
    listed = client.get("/plans", headers=commander).json()
    assert [p["code"] for p in listed["items"]] == ["typhoon"]


def test_bad_documents_answer_problem_json_naming_the_path(
    platform: Platform, client: TestClient
) -> None:
    orgs = make_orgs(platform)
    commander = sign_in(platform, client, orgs, Role.COMMANDER, "city")
    text = shipped_yaml("urban_fire.yaml").replace("count: 4}", "count: -4}", 1)
    resp = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"]},
        content=text.encode(),
        headers={**commander, **YAML},
    )
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    fields = [e["field"] for e in resp.json()["errors"]]
    assert fields == ["levels.1.units.0.count"]
    # the JSON route prefixes the body's field name
    doc = from_yaml(shipped_yaml("urban_fire.yaml"))
    body = {
        "organisation_id": orgs.org["city"],
        "document": {"code": doc.code, "title": "x", "title_en": "x"},
    }
    resp = client.post("/plans", json=body, headers=commander)
    assert resp.status_code == 422
    assert "document.category" in [e["field"] for e in resp.json()["errors"]]
    # an unknown material code is refused with its path
    bad_material = shipped_yaml("urban_fire.yaml").replace('"0801002"', '"9999999"', 1)
    resp = client.post(
        "/plans/validate", content=bad_material.encode(), headers={**commander, **YAML}
    )
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["levels.1.materials.0.material_code"]
    resp = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"]},
        content=bad_material.encode(),
        headers={**commander, **YAML},
    )
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["levels.1.materials.0.material_code"]
    assert client.get("/plans", headers=commander).json()["total"] == 0


def test_commander_activates_and_a_liaison_handles_only_their_departments_tasks(
    platform: Platform, client: TestClient
) -> None:
    orgs = make_orgs(platform)
    commander = sign_in(platform, client, orgs, Role.COMMANDER, "city")
    fire = sign_in(platform, client, orgs, Role.DEPARTMENT_LIAISON, "fire")
    police = sign_in(platform, client, orgs, Role.DEPARTMENT_LIAISON, "police")
    made = client.post(
        "/plans",
        json={
            "organisation_id": orgs.org["city"],
            "document": _doc("urban_fire.yaml"),
            "bindings": {"fire": orgs.org["fire"], "police": orgs.org["police"]},
        },
        headers=commander,
    )
    assert made.status_code == 201, made.text
    plan_id = made.json()["id"]
    # a liaison may not activate
    refused = client.post(
        f"/plans/{plan_id}/activate", json={"incident_id": "INC-9", "level": "IV"}, headers=fire
    )
    assert refused.status_code == 403
    act = client.post(
        f"/plans/{plan_id}/activate", json={"incident_id": "INC-9", "level": "III"},
        headers=commander,
    )  # fmt: skip
    assert act.status_code == 201, act.text
    activation = act.json()
    assert activation["level"] == "III"
    assert {"unit_type": "ladder", "count": 1} in activation["required_units"]

    all_tasks = client.get(f"/plans/activations/{activation['id']}/tasks", headers=commander)
    departments = sorted(t["department"] for t in all_tasks.json()["items"])
    assert departments == ["fire", "gas", "health", "police", "power"]
    mine = client.get("/plans/tasks", headers=fire).json()["items"]
    assert [t["department"] for t in mine] == ["fire"]
    task = mine[0]
    police_tasks = client.get("/plans/tasks", headers=police).json()["items"]
    assert [t["department"] for t in police_tasks] == ["police"]
    # another department's task is not found for the police liaison
    assert client.post(f"/plans/tasks/{task['id']}/acknowledge", headers=police).status_code == 404

    ack = client.post(f"/plans/tasks/{task['id']}/acknowledge", headers=fire)
    assert ack.json()["status"] == "acknowledged"
    early = client.post(f"/plans/tasks/{task['id']}/complete", json={}, headers=fire)
    assert early.status_code == 409
    bad = client.post(f"/plans/tasks/{task['id']}/progress", json={"done_items": [7]}, headers=fire)
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["done_items.0"]
    items = list(range(len(task["checklist"])))
    moved = client.post(
        f"/plans/tasks/{task['id']}/progress",
        json={"done_items": items, "note": "fire knocked down"},
        headers=fire,
    )
    assert moved.json()["progress_pct"] == 100.0
    done = client.post(f"/plans/tasks/{task['id']}/complete", json={"note": "ok"}, headers=fire)
    assert done.json()["status"] == "completed"

    stood = client.post(
        f"/plans/activations/{activation['id']}/stand-down",
        json={"reason": "fire out"},
        headers=commander,
    )
    assert stood.json()["status"] == "stood_down"
    statuses = {
        t["department"]: t["status"]
        for t in client.get(
            "/plans/tasks", params={"incident_id": "INC-9"}, headers=commander
        ).json()["items"]
    }
    assert statuses == {
        "fire": "completed",
        "gas": "cancelled",
        "health": "cancelled",
        "police": "cancelled",
        "power": "cancelled",
    }


def _doc(name: str) -> dict[str, object]:
    from lifeline.plans.document import to_data

    return to_data(from_yaml(shipped_yaml(name)))


def test_an_activation_keeps_the_version_that_fired_when_the_plan_is_revised(
    platform: Platform, client: TestClient
) -> None:
    orgs = make_orgs(platform)
    commander = sign_in(platform, client, orgs, Role.COMMANDER, "city")
    text = shipped_yaml("hazchem_leak.yaml")
    plan = client.post(
        "/plans/import",
        params={"organisation_id": orgs.org["city"]},
        content=text.encode(),
        headers={**commander, **YAML},
    ).json()
    first = client.post(
        f"/plans/{plan['id']}/activate",
        json={"incident_id": "HZ-1", "grade": "IV"},
        headers=commander,
    ).json()
    assert (first["level"], first["plan_version"], first["title_en"]) == (
        "IV",
        1,
        "Hazardous-chemical leak",
    )
    revised_doc = _doc("hazchem_leak.yaml")
    revised_doc["title_en"] = "Hazardous-chemical leak (2027 revision)"
    revised = client.put(
        f"/plans/{plan['id']}", json={"document": revised_doc, "note": "2027"}, headers=commander
    )
    assert revised.json()["version"] == 2
    snapshot = client.get(f"/plans/activations/{first['id']}/document", headers=commander)
    assert from_yaml(snapshot.text) == from_yaml(text)
    again = client.get(f"/plans/activations/{first['id']}", headers=commander).json()
    assert (again["plan_version"], again["title_en"]) == (1, "Hazardous-chemical leak")
    second = client.post(
        f"/plans/{plan['id']}/activate",
        json={"incident_id": "HZ-2", "level": "IV"},
        headers=commander,
    ).json()
    assert (second["plan_version"], second["title_en"]) == (
        2,
        "Hazardous-chemical leak (2027 revision)",
    )
    # a retired plan is kept but cannot be activated
    assert client.post(f"/plans/{plan['id']}/retire", headers=commander).json()["status"] == (
        "retired"
    )
    refused = client.post(
        f"/plans/{plan['id']}/activate", json={"incident_id": "HZ-3", "level": "IV"},
        headers=commander,
    )  # fmt: skip
    assert refused.status_code == 409
