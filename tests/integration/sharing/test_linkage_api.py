"""Probabilistic de-duplication over HTTP: a pass merges strong pairs and queues the rest; a
person confirms, rejects or undoes; decisions stick across passes; every step is an event."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import SF_MAPPING, make_dataset, steward, upload

PEOPLE_MAPPING = """
record_type: person
key: [编号]
fields:
  external_id: {column: 编号}
  name: {column: 姓名}
  phone: {column: 手机}
  birth_date: {column: 出生日期, format: "%Y-%m-%d"}
"""
PEOPLE = (
    "编号,姓名,手机,出生日期\n"
    "1,张伟,13800138000,1980-01-02\n"
    "2,张伟,138 0013 8000,\n"  # the same person, phone written with spaces, no birthday
    "3,張偉,13800138000,1980-01-02\n"  # traditional characters: a person decides
    "4,李娜,13900000000,1990-05-06\n"
)


def test_a_linkage_pass_merges_queues_and_remembers_decisions(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD,), levels=("district", "sibling")
    )
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="person", mapping=PEOPLE_MAPPING
    )
    run = upload(client, headers, dataset["id"], PEOPLE.encode(), "people.csv")
    assert run.json()["accepted"] == 4, run.text
    url = f"/sharing/datasets/{dataset['id']}"
    first = client.post(f"{url}/linkage", json={}, headers=headers)
    assert first.status_code == 200, first.text
    assert (first.json()["merged"], first.json()["pending"]) == (1, 2)

    records = client.get(f"{url}/records", headers=headers).json()["items"]
    by_key = {r["record_key"]: r["id"] for r in records}
    links = client.get(f"{url}/links", headers=headers).json()
    merged = [x for x in links if x["status"] == "merged"]
    assert len(merged) == 1
    assert {merged[0]["left_record_id"], merged[0]["right_record_id"]} == {by_key["1"], by_key["2"]}
    assert merged[0]["automatic"] is True
    pending = client.get(f"{url}/links", params={"status": "pending"}, headers=headers).json()
    assert all(by_key["3"] in (x["left_record_id"], x["right_record_id"]) for x in pending)
    assert all(by_key["4"] not in (x["left_record_id"], x["right_record_id"]) for x in links)

    confirmed = client.post(f"/sharing/links/{pending[0]['id']}/confirm", headers=headers)
    assert confirmed.json()["status"] == "merged"
    assert confirmed.json()["automatic"] is False
    rejected = client.post(f"/sharing/links/{pending[1]['id']}/reject", headers=headers)
    assert rejected.json()["status"] == "rejected"
    undone = client.post(f"/sharing/links/{merged[0]['id']}/undo", headers=headers)
    assert undone.json()["status"] == "undone"
    again = client.post(f"/sharing/links/{merged[0]['id']}/undo", headers=headers)
    assert again.status_code == 409
    assert (
        client.post(f"/sharing/links/{merged[0]['id']}/merge", headers=headers).status_code == 422
    )
    # the records themselves are untouched: four, each with its lineage
    assert client.get(f"{url}/records", headers=headers).json()["total"] == 4
    # a second pass proposes nothing already decided
    second = client.post(f"{url}/linkage", json={}, headers=headers).json()
    assert (second["merged"], second["pending"]) == (0, 0)
    assert second["compared"] >= 3

    with platform.uow(read_only=True) as uow:
        steps = [e.type for e in uow.timeline("sharing_link", merged[0]["id"])]
    assert steps == ["LinkDecided"]
    sibling = world.headers(Role.DATA_STEWARD, "sibling")
    assert client.get(f"{url}/links", headers=sibling).status_code == 404


def test_linkage_across_datasets_and_refusals(platform: Platform, client: TestClient) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    org = world.org["district"]
    ours = make_dataset(client, headers, org, record_type="person", mapping=PEOPLE_MAPPING)
    theirs = make_dataset(client, headers, org, record_type="person", mapping=PEOPLE_MAPPING)
    upload(client, headers, ours["id"], PEOPLE.encode(), "ours.csv")
    other_rows = "编号,姓名,手机,出生日期\nX9,李娜,13900000000,1990-05-06\n"
    upload(client, headers, theirs["id"], other_rows.encode(), "theirs.csv")
    across = client.post(
        f"/sharing/datasets/{ours['id']}/linkage",
        json={"other_dataset_id": theirs["id"]},
        headers=headers,
    ).json()
    assert (across["merged"], across["pending"]) == (1, 0)
    link = client.get(f"/sharing/datasets/{ours['id']}/links", headers=headers).json()[0]
    assert link["right_dataset_id"] == theirs["id"]

    calls = make_dataset(client, headers, org, record_type="incident", mapping=SF_MAPPING)
    refused = client.post(f"/sharing/datasets/{calls['id']}/linkage", json={}, headers=headers)
    assert refused.status_code == 422
    assert "not linked probabilistically" in refused.text
    mixed = client.post(
        f"/sharing/datasets/{ours['id']}/linkage",
        json={"other_dataset_id": calls["id"]},
        headers=headers,
    )
    assert mixed.status_code == 422
    assert mixed.json()["errors"][0]["field"] == "other_dataset_id"
