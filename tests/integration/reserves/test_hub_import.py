"""Bulk import from the data hub: a department's depot list, stock sheet and personnel roster,
mapped onto the hub's standard, become depots, lots and responders; bad records are reported
by field and stay in the hub; a repeated import skips what exists."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.security.model import Role
from lifeline.security.service import CreateUser
from tests.integration.security.world import PASSWORD, World, build_world
from tests.integration.sharing.hub import make_dataset, upload

DEPOT_MAPPING = """
record_type: facility
key: [编号]
fields:
  external_id: {column: 编号}
  name: {column: 名称}
  kind: {column: 类型, values: {储备库: depot, 避难场所: shelter}}
  capacity_volume_m3: {column: 库容立方米}
  location: {lon: 经度, lat: 纬度}
"""
DEPOTS = (
    "编号,名称,类型,库容立方米,经度,纬度\n"
    "D1,福田区应急物资储备库,储备库,2500,114.055,22.541\n"
    "D2,梅林街道物资点,储备库,,114.06,22.57\n"  # no capacity: the default
    "S1,福田中学避难场所,避难场所,,114.05,22.54\n"  # a shelter, not a depot
)
STOCK_MAPPING = """
record_type: material
key: [行号]
fields:
  external_id: {column: 行号}
  name: {column: 物资}
  material_code:
    column: 物资
    values: {帐篷: "0101001", 饮用水: "0101002", 灭火器: "0401001"}
    default: "?"
  quantity: {column: 数量}
  unit: {column: 单位}
  depot: {column: 存放库}
  expires_on: {column: 有效期至, format: "%Y-%m-%d"}
"""
STOCK = (
    "行号,物资,数量,单位,存放库,有效期至\n"
    "1,帐篷,120,顶,福田区应急物资储备库,\n"
    "2,饮用水,3000,L,梅林街道物资点,2027-06-30\n"
    "3,帐篷,2.5,顶,福田区应急物资储备库,\n"  # tents are counted in whole units
    "4,发电机,2,台,福田区应急物资储备库,\n"  # not in the value map
    "5,灭火器,40,具,罗湖仓库,\n"  # no such depot in scope
)
PEOPLE_MAPPING = """
record_type: person
key: [工号]
fields:
  external_id: {column: 工号}
  name: {column: 姓名}
  team: {column: 队伍}
  personnel_kind: {const: professional}
  skills: {column: 技能}
  certifications: {column: 证书}
  home_base: {lon: 经度, lat: 纬度}
"""
PEOPLE = (
    "工号,姓名,队伍,技能,证书,经度,纬度\n"
    "P1,李伟,福田危化品处置队,decontamination,hazmat:2027-12-31,114.06,22.55\n"
    'P2,王芳,福田危化品处置队,"rope,first aid",first-aid,114.05,22.54\n'
    "P3,赵磊,福田危化品处置队,,hazmat:next year,114.05,22.54\n"  # a malformed expiry
)


def _user(platform: Platform, client: TestClient, world: World, roles: set[Role]) -> dict[str, str]:
    name = "importer." + "-".join(sorted(r.value for r in roles))
    platform.bus.handle(
        CreateUser(username=name, display_name=name, password=PASSWORD,
                   organisation_id=world.org["district"], roles=frozenset(roles)),
        SYSTEM_ACTOR,
    )  # fmt: skip
    token = client.post("/auth/login", json={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_depots_stock_and_responders_come_in_through_hub_mappings(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    admin = _user(platform, client, world, {Role.ADMIN})
    org = world.org["district"]
    depots_ds = make_dataset(client, admin, org, record_type="facility", mapping=DEPOT_MAPPING)
    stock_ds = make_dataset(client, admin, org, record_type="material", mapping=STOCK_MAPPING)
    people_ds = make_dataset(client, admin, org, record_type="person", mapping=PEOPLE_MAPPING)
    for ds, content in ((depots_ds, DEPOTS), (stock_ds, STOCK), (people_ds, PEOPLE)):
        assert upload(client, admin, ds["id"], content.encode(), "x.csv").status_code == 201

    def run(dataset: dict[str, str], kind: str) -> dict[str, Any]:
        resp = client.post(
            "/reserves/imports",
            json={"dataset_id": dataset["id"], "kind": kind, "organisation_id": org},
            headers=admin,
        )
        assert resp.status_code == 200, resp.text
        return dict(resp.json())

    depots = run(depots_ds, "depots")
    assert (depots["read"], depots["imported"], depots["skipped"]) == (3, 2, 0)
    assert [(p["record_key"], p["field"]) for p in depots["problems"]] == [("S1", "kind")]
    listed = client.get("/reserves/depots", headers=admin).json()["items"]
    capacity = {d["name"]: d["capacity_volume_m3"] for d in listed}
    assert capacity == {"福田区应急物资储备库": 2500.0, "梅林街道物资点": 1000.0}
    again = run(depots_ds, "depots")
    assert (again["imported"], again["skipped"]) == (0, 2)

    stock = run(stock_ds, "stock")
    assert (stock["read"], stock["imported"]) == (5, 2)
    problems = {p["record_key"]: p["field"] for p in stock["problems"]}
    assert problems == {"3": "quantity", "4": "material_code", "5": "depot"}
    lots = client.get("/reserves/lots", headers=admin).json()
    lots = lots["items"] if isinstance(lots, dict) else lots
    assert sorted((x["material_code"], x["quantity"]) for x in lots) == [
        ("0101001", 120.0),
        ("0101002", 3000.0),
    ]

    people = run(people_ds, "responders")
    assert (people["imported"], len(people["problems"])) == (2, 1)
    assert people["problems"][0]["field"] == "certifications"
    reach = client.get(
        "/reserves/responders/reach",
        params={"lon": 114.05, "lat": 22.54, "certification": "hazmat", "speed_kmh": 40},
        headers=admin,
    ).json()
    assert [r["responder"]["name"] for r in reach] == ["李伟"]


def test_imports_refuse_the_wrong_record_type_and_masked_people(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    org = world.org["district"]
    # a steward who is also a reserve officer, but holds no personal-data right
    both = _user(platform, client, world, {Role.DATA_STEWARD, Role.RESERVE_OFFICER})
    people_ds = make_dataset(client, both, org, record_type="person", mapping=PEOPLE_MAPPING)
    upload(client, both, people_ds["id"], PEOPLE.encode(), "people.csv")
    wrong = client.post(
        "/reserves/imports",
        json={"dataset_id": people_ds["id"], "kind": "depots", "organisation_id": org},
        headers=both,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "dataset_id"
    masked = client.post(
        "/reserves/imports",
        json={"dataset_id": people_ds["id"], "kind": "responders", "organisation_id": org},
        headers=both,
    )
    assert masked.status_code == 403
    assert client.get("/reserves/responders", headers=both).json() == []
