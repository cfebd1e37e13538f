"""The registry's HTTP API: CRUD, validation as problem+json, scope as 404, imports."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lifeline.kernel.coords import CoordinateSystem, from_wgs84
from lifeline.kernel.geo import Point
from lifeline.security.model import Role
from tests.integration.registry.conftest import ApiAs, Tree

RING = [[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]


def _errors(resp: Any) -> list[str]:
    assert resp.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in resp.json()["errors"]]


def test_organisation_crud_over_http(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.futian.id, Role.DATA_STEWARD)
    resp = client.post(
        "/organisations",
        json={
            "name": "园岭街道",
            "kind": "street",
            "parent_id": tree.futian.id,
            "contact_phone": "13812345678",
        },
        headers=auth,
    )
    assert resp.status_code == 201, resp.text
    org = resp.json()
    assert org["path"] == f"{tree.futian.path}{org['id']}/"
    assert org["contact_phone"] == "138****5678"  # a data steward lacks personal.read
    resp = client.patch(
        f"/organisations/{org['id']}", json={"version": 1, "name_en": "Yuanling"}, headers=auth
    )
    assert resp.json()["version"] == 2
    assert (
        client.patch(
            f"/organisations/{org['id']}", json={"version": 1, "name_en": "x"}, headers=auth
        ).status_code
        == 409
    )
    listing = client.get("/organisations", params={"kind": "street"}, headers=auth).json()
    assert {o["name"] for o in listing["items"]} == {"福田街道", "园岭街道"}
    assert (listing["total"], listing["limit"], listing["offset"]) == (2, 50, 0)
    assert client.delete(f"/organisations/{org['id']}", headers=auth).status_code == 204
    assert client.get(f"/organisations/{org['id']}", headers=auth).status_code == 404


def test_validation_errors_name_the_field(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.city.id, Role.ADMIN)
    resp = client.post(
        "/organisations",
        json={"name": "x", "kind": "street", "parent_id": tree.futian.id, "colour": "red"},
        headers=auth,
    )
    assert resp.status_code == 422
    assert _errors(resp) == ["colour"]
    assert resp.json()["errors"][0]["reason"] == "unknown field"
    resp = client.post(
        "/organisations",
        json={"name": "x", "kind": "street", "parent_id": tree.city.id},
        headers=auth,
    )
    assert (resp.status_code, _errors(resp)) == (422, ["parent_id"])
    resp = client.patch(f"/organisations/{tree.street.id}", json={"name": None}, headers=auth)
    assert (resp.status_code, _errors(resp)) == (422, ["name"])
    resp = client.post(
        "/facilities",
        json={
            "name": "x",
            "kind": "shelter",
            "organisation_id": tree.futian.id,
            "location": {"type": "Point", "coordinates": [114.0, 95.0]},
        },
        headers=auth,
    )
    assert (resp.status_code, _errors(resp)) == (422, ["location.coordinates.lat"])
    resp = client.post(
        "/areas",
        json={
            "name": "x",
            "level": "park",
            "organisation_id": tree.park.id,
            "boundary": {"type": "Polygon", "coordinates": [RING[:-1]]},
        },
        headers=auth,
    )
    assert (resp.status_code, _errors(resp)) == (422, ["boundary.coordinates[0]"])
    resp = client.get("/facilities", params={"near": "114,22.5"}, headers=auth)
    assert (resp.status_code, _errors(resp)) == (422, ["query.radius_m"])
    resp = client.get("/areas", params={"contains": "114"}, headers=auth)
    assert (resp.status_code, _errors(resp)) == (422, ["query.contains"])


def test_scope_is_enforced_as_not_found(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.futian.id, Role.DUTY_OFFICER)
    assert client.get(f"/organisations/{tree.park.id}", headers=auth).status_code == 200
    resp = client.get(f"/organisations/{tree.luohu.id}", headers=auth)
    assert resp.status_code == 404
    assert resp.json()["detail"] == "organisation not found"
    assert (
        client.get("/organisations/no-such-id", headers=auth).json()["detail"]
        == "organisation not found"
    )
    resp = client.post(
        "/organisations",
        json={"name": "x", "kind": "street", "parent_id": tree.futian.id},
        headers=auth,
    )
    assert resp.status_code == 403  # the role lacks org.write


def test_facility_in_gcj02_and_nearby_search(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.city.id, Role.ADMIN)
    wgs = Point(114.056, 22.560)
    lon, lat = from_wgs84(wgs, CoordinateSystem.GCJ02)
    resp = client.post(
        "/facilities",
        json={
            "name": "莲花山公园应急避难场所",
            "kind": "shelter",
            "organisation_id": tree.futian.id,
            "location": {"type": "Point", "coordinates": [lon, lat]},
            "crs": "GCJ-02",
            "capacity": 50000,
            "attributes": {"grade": "I"},
        },
        headers=auth,
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["source_crs"] == "GCJ-02"
    assert Point(*body["location"]["coordinates"]).distance_m(wgs) < 0.01
    assert body["capacity_unit"] == "persons"
    found = client.get(
        "/facilities", params={"near": "114.056,22.561", "radius_m": 500}, headers=auth
    ).json()
    assert [f["name"] for f in found["items"]] == ["莲花山公园应急避难场所"]
    assert 100 < found["items"][0]["distance_m"] < 120
    assert (
        client.get(
            "/facilities", params={"near": "114.2,22.7", "radius_m": 500}, headers=auth
        ).json()["total"]
        == 0
    )
    resp = client.patch(
        f"/facilities/{body['id']}", json={"capacity": 40000, "version": 1}, headers=auth
    )
    assert (resp.json()["capacity"], resp.json()["version"]) == (40000, 2)
    assert (
        client.delete(f"/facilities/{body['id']}", params={"version": 1}, headers=auth).status_code
        == 409
    )
    assert (
        client.delete(f"/facilities/{body['id']}", params={"version": 2}, headers=auth).status_code
        == 204
    )


def test_area_crud_and_contains(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.futian.id, Role.PARK_MANAGER)
    resp = client.post(
        "/areas",
        json={
            "name": "车公庙园区",
            "level": "park",
            "organisation_id": tree.park.id,
            "boundary": {"type": "Polygon", "coordinates": [RING]},
            "population": 12000,
        },
        headers=auth,
    )
    assert resp.status_code == 201, resp.text
    area = resp.json()
    assert area["bbox"] == [114.0, 22.5, 114.1, 22.6]
    hits = client.get("/areas", params={"contains": "114.05,22.55"}, headers=auth).json()
    assert [a["id"] for a in hits["items"]] == [area["id"]]
    assert (
        client.get("/areas", params={"contains": "114.2,22.55"}, headers=auth).json()["items"] == []
    )
    assert client.get(f"/areas/{area['id']}", headers=auth).json()["boundary"]["type"] == "Polygon"
    resp = client.patch(f"/areas/{area['id']}", json={"population": 13000}, headers=auth)
    assert resp.json()["population"] == 13000
    assert client.delete(f"/areas/{area['id']}", headers=auth).status_code == 204


def test_timeline_over_http(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    resp = client.get(
        f"/organisations/{tree.futian.id}/timeline", headers=api_as(tree.city.id, Role.ANALYST)
    )
    assert resp.status_code == 200
    events = resp.json()
    assert [e["type"] for e in events] == ["OrganisationRegistered"]
    assert events[0]["payload"]["name"] == "福田区"
    assert events[0]["actor_id"] == "system"
    liaison = api_as(tree.city.id, Role.DEPARTMENT_LIAISON)
    assert (
        client.get(f"/organisations/{tree.futian.id}/timeline", headers=liaison).status_code == 403
    )


def test_csv_import_over_http(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.city.id, Role.DATA_STEWARD)
    csv_text = (
        "name,kind,lon,lat,capacity,owner\n"
        "福田消防站,fire_station,114.058,22.54,8,440304\n"
        "罗湖医院,hospital,114.12,22.55,600,440303\n"
    )
    resp = client.post(
        "/registry/import/csv",
        content=csv_text.encode("gbk"),
        headers={**auth, "content-type": "text/csv"},
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["created"] == 2
    bad = "name,kind,lon,lat,owner\nx,hospital,1,2\n"
    resp = client.post("/registry/import/csv", json={"content": bad, "crs": "BD-09"}, headers=auth)
    assert resp.status_code == 422
    assert _errors(resp) == ["rows[0]"]
    assert "has 4 fields" in resp.json()["errors"][0]["reason"]
    resp = client.post(
        "/registry/import/csv", content=b"", headers={**auth, "content-type": "text/csv"}
    )
    assert (resp.status_code, _errors(resp)) == (422, ["body"])
    resp = client.post("/registry/import/csv", json={"content": "a", "extra": 1}, headers=auth)
    assert (resp.status_code, _errors(resp)) == (422, ["extra"])
    assert client.get("/facilities", headers=auth).json()["total"] == 2


def test_geojson_import_over_http(client: TestClient, api_as: ApiAs, tree: Tree) -> None:
    auth = api_as(tree.city.id, Role.ADMIN)
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [RING]},
                "properties": {"name": "福田区", "level": "district", "owner": "440304"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [RING[:3]]},
                "properties": {"name": "坏", "level": "district", "owner": "440304"},
            },
        ],
    }
    resp = client.post(
        "/registry/import/geojson", params={"target": "areas"}, json=doc, headers=auth
    )
    assert resp.status_code == 422
    assert _errors(resp) == ["features[1].geometry.coordinates[0]"]
    doc["features"] = doc["features"][:1]
    resp = client.post(
        "/registry/import/geojson", params={"target": "areas"}, json=doc, headers=auth
    )
    assert resp.status_code == 201, resp.text
    assert client.get("/areas", headers=auth).json()["total"] == 1
    resp = client.post(
        "/registry/import/geojson", params={"target": "roads"}, json=doc, headers=auth
    )
    assert (resp.status_code, _errors(resp)) == (422, ["query.target"])
