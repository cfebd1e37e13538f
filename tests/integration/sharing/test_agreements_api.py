"""Sharing agreements: a sibling sees nothing without one, only agreed fields masked with one."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import PASSWORD, build_world
from tests.integration.sharing.hub import PERSON_MAPPING, make_dataset, steward, upload
from tests.integration.sharing.test_access_api import PEOPLE


def login(client: TestClient, username: str) -> dict[str, str]:
    """Fresh headers after the virtual clock has outrun the first tokens."""
    resp = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_sibling_sees_only_agreed_fields_masked_until_expiry_or_revocation(
    platform: Platform, client: TestClient, clock: VirtualClock, engine: sa.Engine
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.DATA_STEWARD, Role.ANALYST, Role.ADMIN),
        levels=("district", "sibling"),
    )
    owner = steward(world)
    dataset = make_dataset(
        client, owner, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    upload(client, owner, dataset["id"], PEOPLE.encode("gb18030"), "people.csv")
    records_url = f"/sharing/datasets/{dataset['id']}/records"
    # even an admin of the sibling district, who may read personal data, sees nothing
    sibling_admin = world.headers(Role.ADMIN, "sibling")
    assert client.get(records_url, headers=sibling_admin).status_code == 404

    expires = (clock.now() + timedelta(days=30)).isoformat()
    granted = client.post(
        f"/sharing/datasets/{dataset['id']}/agreements",
        json={
            "grantee_organisation_id": world.org["sibling"],
            "fields": ["name", "phone", "organisation"],
            "purpose": "Joint flood-duty roster",
            "expires_at": expires,
        },
        headers=owner,
    )
    assert granted.status_code == 201, granted.text
    agreement = granted.json()

    seen = client.get(records_url, headers=sibling_admin).json()
    assert seen["masked"] is True
    people = sorted((r["data"] for r in seen["items"]), key=lambda d: d["name"])
    assert people == [
        {"name": "张*", "phone": "138****5678", "organisation": "福田区应急管理局"},
        {"name": "王**", "phone": "075*****1234", "organisation": "车公庙园区"},
    ]
    exported = client.get(
        f"/sharing/datasets/{dataset['id']}/export",
        params={"format": "ndjson"},
        headers=world.headers(Role.ANALYST, "sibling"),
    )
    assert exported.status_code == 200
    assert all("id_number" not in json.loads(line) for line in exported.text.splitlines())
    # the grantee sees no lineage or quarantine: the agreement covers records only
    first_id = seen["items"][0]["id"]
    lineage = client.get(f"/sharing/records/{first_id}/lineage", headers=sibling_admin)
    assert lineage.status_code == 404
    with engine.connect() as conn:
        logged = conn.execute(
            sa.text(
                "SELECT count(*) FROM access_log WHERE target_id = :id AND outcome = 'allowed'"
            ),
            {"id": agreement["id"]},
        ).scalar_one()
    assert logged >= 2

    clock.advance(timedelta(days=31))
    owner, sibling_admin = login(client, "data_steward.district"), login(client, "admin.sibling")
    assert client.get(records_url, headers=sibling_admin).status_code == 404

    second = client.post(
        f"/sharing/datasets/{dataset['id']}/agreements",
        json={
            "grantee_organisation_id": world.org["sibling"],
            "fields": ["organisation"],
            "purpose": "Liaison",
        },
        headers=owner,
    ).json()
    assert client.get(records_url, headers=sibling_admin).status_code == 200
    revoked = client.post(f"/sharing/agreements/{second['id']}/revoke", headers=owner)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert client.get(records_url, headers=sibling_admin).status_code == 404
    listed = client.get(f"/sharing/datasets/{dataset['id']}/agreements", headers=owner).json()
    assert [a["id"] for a in listed] == [agreement["id"], second["id"]]


def test_agreements_are_validated_and_need_the_grant_right(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST), levels=("district", "sibling")
    )
    owner = steward(world)
    dataset = make_dataset(
        client, owner, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    url = f"/sharing/datasets/{dataset['id']}/agreements"
    body = {"grantee_organisation_id": world.org["sibling"], "fields": ["name"], "purpose": "x"}
    unknown = client.post(url, json={**body, "fields": ["shoe_size"]}, headers=owner)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "fields"
    past = client.post(url, json={**body, "expires_at": "2020-01-01T00:00:00Z"}, headers=owner)
    assert past.status_code == 422
    analyst = client.post(url, json=body, headers=world.headers(Role.ANALYST, "district"))
    assert analyst.status_code == 403
    outsider = client.post(url, json=body, headers=steward(world, "sibling"))
    assert outsider.status_code == 404


CALLS_MAPPING = """
record_type: incident
key: [id]
fields:
  external_id: {column: id}
  type: {column: type}
  category: {const: accident_disaster}
  reported_at: {column: at, format: iso}
  location: {lon: lon, lat: lat}
"""
CALLS = (
    "id,type,at,lon,lat\n"
    "C1,fire,2026-06-30T10:00:00+08:00,114.05,22.54\n"  # in Futian, in the window
    "C2,fire,2026-06-30T11:00:00+08:00,114.12,22.55\n"  # in Luohu (outside the area)
    "C3,fire,2026-06-20T10:00:00+08:00,114.05,22.53\n"  # in Futian, before the window
    "C4,gas,2026-06-30T23:30:00+08:00,114.06,22.52\n"  # in Futian, in the window
)
FUTIAN = {
    "type": "Polygon",
    "coordinates": [[[114.0, 22.50], [114.09, 22.50], [114.09, 22.58], [114.0, 22.58],
                     [114.0, 22.50]]],
}  # fmt: skip


def test_a_row_filter_shares_only_records_in_the_area_and_time_window(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST), levels=("district", "sibling")
    )
    owner = steward(world)
    dataset = make_dataset(
        client, owner, world.org["district"], record_type="incident", mapping=CALLS_MAPPING
    )
    assert upload(client, owner, dataset["id"], CALLS.encode(), "calls.csv").status_code == 201
    grant = {
        "grantee_organisation_id": world.org["sibling"],
        "fields": ["type"],  # the filter uses location and time, which the grantee never sees
        "purpose": "Futian calls of 30 June for the joint review",
        "row_filter": {"area": FUTIAN, "time_field": "reported_at",
                       "since": "2026-06-30T00:00:00+08:00", "until": "2026-07-01T00:00:00+08:00"},
    }  # fmt: skip
    granted = client.post(
        f"/sharing/datasets/{dataset['id']}/agreements", json=grant, headers=owner
    )
    assert granted.status_code == 201, granted.text
    assert granted.json()["row_filter"]["time_field"] == "reported_at"
    analyst = world.headers(Role.ANALYST, "sibling")
    url = f"/sharing/datasets/{dataset['id']}/records"
    seen = client.get(url, headers=analyst).json()
    assert seen["total"] == 2
    assert sorted(r["data"]["type"] for r in seen["items"]) == ["fire", "gas"]
    assert all(set(r["data"]) == {"type"} for r in seen["items"])
    page = client.get(url, params={"limit": 1, "offset": 1}, headers=analyst).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    exported = client.get(
        f"/sharing/datasets/{dataset['id']}/export", params={"format": "ndjson"}, headers=analyst
    )
    assert len(exported.text.splitlines()) == 2
    # the owner still sees everything
    assert client.get(url, headers=owner).json()["total"] == 4

    for bad, field in (
        ({"time_field": "type", "since": "2026-06-30T00:00:00+08:00"}, "row_filter.time_field"),
        ({"since": "2026-06-30T00:00:00+08:00"}, "row_filter.time_field"),
        ({"area": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1],
                                                         [0, 0]]]}}, "row_filter.area"),
    ):  # fmt: skip
        refused = client.post(
            f"/sharing/datasets/{dataset['id']}/agreements",
            json={**grant, "row_filter": bad},
            headers=owner,
        )
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"] == field
