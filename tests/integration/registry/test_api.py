"""The registry's HTTP API: CRUD, validation as problem+json, scope as 404, imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.coords import CoordinateSystem, from_wgs84
from lifeline.kernel.geo import Point
from lifeline.security.model import Role
from tests.integration.registry.conftest import Tree, actor_at

ApiAs = Callable[[Actor], TestClient]
RING = [[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]


def _errors(resp: Any) -> list[str]:
    assert resp.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in resp.json()["errors"]]


def test_organisation_crud_over_http(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(actor_at(tree.futian, Role.DATA_STEWARD))
    resp = api.post(
        "/organisations",
        json={
            "name": "园岭街道",
            "kind": "street",
            "parent_id": tree.futian.id,
            "contact_phone": "13812345678",
        },
    )
    assert resp.status_code == 201, resp.text
    org = resp.json()
    assert org["path"] == f"{tree.futian.path}{org['id']}/"
    assert org["contact_phone"] == "138****5678"  # a data steward lacks personal.read
    resp = api.patch(f"/organisations/{org['id']}", json={"version": 1, "name_en": "Yuanling"})
    assert resp.json()["version"] == 2
    assert (
        api.patch(f"/organisations/{org['id']}", json={"version": 1, "name_en": "x"}).status_code
        == 409
    )
    listing = api.get("/organisations", params={"kind": "street"}).json()
    assert {o["name"] for o in listing["items"]} == {"福田街道", "园岭街道"}
    assert (listing["total"], listing["limit"], listing["offset"]) == (2, 50, 0)
    assert api.delete(f"/organisations/{org['id']}").status_code == 204
    assert api.get(f"/organisations/{org['id']}").status_code == 404


def test_validation_errors_name_the_field(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(SYSTEM_ACTOR)
    resp = api.post(
        "/organisations",
        json={"name": "x", "kind": "street", "parent_id": tree.futian.id, "colour": "red"},
    )
    assert resp.status_code == 422
    assert _errors(resp) == ["colour"]
    assert resp.json()["errors"][0]["reason"] == "unknown field"
    resp = api.post(
        "/organisations", json={"name": "x", "kind": "street", "parent_id": tree.city.id}
    )
    assert (resp.status_code, _errors(resp)) == (422, ["parent_id"])
    resp = api.patch(f"/organisations/{tree.street.id}", json={"name": None})
    assert (resp.status_code, _errors(resp)) == (422, ["name"])
    resp = api.post(
        "/facilities",
        json={
            "name": "x",
            "kind": "shelter",
            "organisation_id": tree.futian.id,
            "location": {"type": "Point", "coordinates": [114.0, 95.0]},
        },
    )
    assert (resp.status_code, _errors(resp)) == (422, ["location.coordinates.lat"])
    resp = api.post(
        "/areas",
        json={
            "name": "x",
            "level": "park",
            "organisation_id": tree.park.id,
            "boundary": {"type": "Polygon", "coordinates": [RING[:-1]]},
        },
    )
    assert (resp.status_code, _errors(resp)) == (422, ["boundary.coordinates[0]"])
    resp = api.get("/facilities", params={"near": "114,22.5"})
    assert (resp.status_code, _errors(resp)) == (422, ["query.radius_m"])
    resp = api.get("/areas", params={"contains": "114"})
    assert (resp.status_code, _errors(resp)) == (422, ["query.contains"])


def test_scope_is_enforced_as_not_found(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(actor_at(tree.futian, Role.DUTY_OFFICER))
    assert api.get(f"/organisations/{tree.park.id}").status_code == 200
    resp = api.get(f"/organisations/{tree.luohu.id}")
    assert resp.status_code == 404
    assert resp.json()["detail"] == "organisation not found"
    assert api.get("/organisations/no-such-id").json()["detail"] == "organisation not found"
    resp = api.post(
        "/organisations", json={"name": "x", "kind": "street", "parent_id": tree.futian.id}
    )
    assert resp.status_code == 403  # the role lacks org.write


def test_facility_in_gcj02_and_nearby_search(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(SYSTEM_ACTOR)
    wgs = Point(114.056, 22.560)
    lon, lat = from_wgs84(wgs, CoordinateSystem.GCJ02)
    resp = api.post(
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
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["source_crs"] == "GCJ-02"
    assert Point(*body["location"]["coordinates"]).distance_m(wgs) < 0.01
    assert body["capacity_unit"] == "persons"
    found = api.get("/facilities", params={"near": "114.056,22.561", "radius_m": 500}).json()
    assert [f["name"] for f in found["items"]] == ["莲花山公园应急避难场所"]
    assert 100 < found["items"][0]["distance_m"] < 120
    assert (
        api.get("/facilities", params={"near": "114.2,22.7", "radius_m": 500}).json()["total"] == 0
    )
    resp = api.patch(f"/facilities/{body['id']}", json={"capacity": 40000, "version": 1})
    assert (resp.json()["capacity"], resp.json()["version"]) == (40000, 2)
    assert api.delete(f"/facilities/{body['id']}", params={"version": 1}).status_code == 409
    assert api.delete(f"/facilities/{body['id']}", params={"version": 2}).status_code == 204


def test_area_crud_and_contains(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(actor_at(tree.futian, Role.PARK_MANAGER))
    resp = api.post(
        "/areas",
        json={
            "name": "车公庙园区",
            "level": "park",
            "organisation_id": tree.park.id,
            "boundary": {"type": "Polygon", "coordinates": [RING]},
            "population": 12000,
        },
    )
    assert resp.status_code == 201, resp.text
    area = resp.json()
    assert area["bbox"] == [114.0, 22.5, 114.1, 22.6]
    hits = api.get("/areas", params={"contains": "114.05,22.55"}).json()
    assert [a["id"] for a in hits["items"]] == [area["id"]]
    assert api.get("/areas", params={"contains": "114.2,22.55"}).json()["items"] == []
    assert api.get(f"/areas/{area['id']}").json()["boundary"]["type"] == "Polygon"
    resp = api.patch(f"/areas/{area['id']}", json={"population": 13000})
    assert resp.json()["population"] == 13000
    assert api.delete(f"/areas/{area['id']}").status_code == 204


def test_timeline_over_http(api_as: ApiAs, tree: Tree) -> None:
    resp = api_as(actor_at(tree.city, Role.ANALYST)).get(
        f"/organisations/{tree.futian.id}/timeline"
    )
    assert resp.status_code == 200
    events = resp.json()
    assert [e["type"] for e in events] == ["OrganisationRegistered"]
    assert events[0]["payload"]["name"] == "福田区"
    assert events[0]["actor_id"] == "system"
    liaison = api_as(actor_at(tree.city, Role.DEPARTMENT_LIAISON))
    assert liaison.get(f"/organisations/{tree.futian.id}/timeline").status_code == 403


def test_csv_import_over_http(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(actor_at(tree.city, Role.DATA_STEWARD))
    csv_text = (
        "name,kind,lon,lat,capacity,owner\n"
        "福田消防站,fire_station,114.058,22.54,8,440304\n"
        "罗湖医院,hospital,114.12,22.55,600,440303\n"
    )
    resp = api.post(
        "/registry/import/csv", content=csv_text.encode("gbk"), headers={"content-type": "text/csv"}
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["created"] == 2
    bad = "name,kind,lon,lat,owner\nx,hospital,1,2\n"
    resp = api.post("/registry/import/csv", json={"content": bad, "crs": "BD-09"})
    assert resp.status_code == 422
    assert _errors(resp) == ["rows[0]"]
    assert "has 4 fields" in resp.json()["errors"][0]["reason"]
    resp = api.post("/registry/import/csv", content=b"", headers={"content-type": "text/csv"})
    assert (resp.status_code, _errors(resp)) == (422, ["body"])
    resp = api.post("/registry/import/csv", json={"content": "a", "extra": 1})
    assert (resp.status_code, _errors(resp)) == (422, ["extra"])
    assert api.get("/facilities").json()["total"] == 2


def test_geojson_import_over_http(api_as: ApiAs, tree: Tree) -> None:
    api = api_as(SYSTEM_ACTOR)
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
    resp = api.post("/registry/import/geojson", params={"target": "areas"}, json=doc)
    assert resp.status_code == 422
    assert _errors(resp) == ["features[1].geometry.coordinates[0]"]
    doc["features"] = doc["features"][:1]
    resp = api.post("/registry/import/geojson", params={"target": "areas"}, json=doc)
    assert resp.status_code == 201, resp.text
    assert api.get("/areas").json()["total"] == 1
    resp = api.post("/registry/import/geojson", params={"target": "roads"}, json=doc)
    assert (resp.status_code, _errors(resp)) == (422, ["query.target"])
