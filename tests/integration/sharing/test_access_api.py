"""Scope, masking and encodings: who sees which datasets and which personal values."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import PERSON_MAPPING, make_dataset, steward, upload

PEOPLE = (
    "编号,姓名,证件号码,手机,出生日期,单位\n"
    "1,张三,44030519900101123X,+86 138-1234-5678,1990年01月01日,福田区应急管理局\n"
    "2,李四,440305199001011234,13912345678,1990年01月01日,福田区应急管理局\n"
    "3,王　五 ,４４０３０５１９８５０６０７００１１,（0755）8888-1234,1985年06月07日,车公庙园区\n"
)


def test_standard_is_published_as_json_schema(client: TestClient) -> None:
    listing = client.get("/sharing/standard").json()
    assert {t["type"] for t in listing} >= {"incident", "person", "facility", "observation"}
    schema = client.get("/sharing/standard/incident.schema.json").json()
    assert schema["properties"]["category"]["enum"] == [
        "natural_disaster",
        "accident_disaster",
        "public_health",
        "social_safety",
    ]
    assert schema["properties"]["grade"]["enum"] == ["I", "II", "III", "IV"]
    assert "reported_at" in schema["required"]
    person = client.get("/sharing/standard/person.schema.json").json()
    assert person["properties"]["id_number"]["x-personal"] is True
    assert client.get("/sharing/standard/weather.schema.json").status_code == 404


def test_gb18030_file_is_cleaned_validated_and_masked_for_readers_without_the_right(
    platform: Platform, client: TestClient, engine: sa.Engine
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.DATA_STEWARD, Role.ANALYST, Role.ADMIN),
        levels=("district", "sibling"),
    )
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    # by default every field the standard marks personal (a responder's home base too)
    assert dataset["personal_fields"] == ["name", "id_number", "phone", "birth_date", "home_base"]
    run = upload(client, headers, dataset["id"], PEOPLE.encode("gb18030"), "people.csv").json()
    assert run["encoding"] == "gb18030"
    # 李四's ID has a wrong GB 11643 check digit
    assert (run["read"], run["accepted"], run["quarantined"]) == (3, 2, 1)

    admin = world.headers(Role.ADMIN, "district")
    full = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=admin).json()
    assert full["masked"] is False
    people = {r["data"]["external_id"]: r["data"] for r in full["items"]}
    assert people["1"]["phone"] == "13812345678"
    assert people["3"] == {
        "external_id": "3",
        "name": "王 五",
        "id_number": "440305198506070011",
        "phone": "075588881234",
        "birth_date": "1985-06-07",
        "organisation": "车公庙园区",
    }
    with engine.connect() as conn:
        logged = conn.execute(
            sa.text(
                "SELECT count(*) FROM access_log WHERE permission = 'personal.read' "
                "AND target_id = :id"
            ),
            {"id": dataset["id"]},
        ).scalar_one()
    assert logged == 1

    analyst = world.headers(Role.ANALYST, "district")
    masked = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=analyst).json()
    assert masked["masked"] is True
    shown = {r["data"]["external_id"]: r["data"] for r in masked["items"]}
    assert shown["1"]["name"] == "张*"
    assert shown["1"]["id_number"] == "440305********123X"
    assert shown["1"]["phone"] == "138****5678"
    assert shown["1"]["birth_date"] == "1990"
    assert shown["1"]["organisation"] == "福田区应急管理局"
    lineage = client.get(
        f"/sharing/records/{masked['items'][0]['id']}/lineage", headers=analyst
    ).json()
    assert lineage["original"]["姓名"] == "***"
    assert lineage["original"]["单位"] != "***"
    quarantine = client.get(f"/sharing/datasets/{dataset['id']}/quarantine", headers=analyst).json()
    assert quarantine["items"][0]["original"]["证件号码"] == "***"
    assert "GB 11643" in quarantine["items"][0]["problems"]["id_number"]

    sibling = steward(world, "sibling")
    assert client.get("/sharing/datasets", headers=sibling).json() == []
    assert client.get("/sharing/sources", headers=sibling).json() == []
    hidden = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=sibling)
    assert hidden.status_code == 404
    lineage_hidden = client.get(
        f"/sharing/records/{masked['items'][0]['id']}/lineage", headers=sibling
    )
    assert lineage_hidden.status_code == 404
    assert client.get(f"/sharing/runs/{run['id']}", headers=sibling).status_code == 404
    refused = upload(client, sibling, dataset["id"], PEOPLE.encode(), "people.csv")
    assert refused.status_code == 404
    analyst_write = upload(client, analyst, dataset["id"], PEOPLE.encode(), "people.csv")
    assert analyst_write.status_code == 403


def test_bom_and_ndjson_sources(platform: Platform, client: TestClient) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    bom = upload(client, headers, dataset["id"], PEOPLE.encode("utf-8-sig"), "people.csv")
    assert bom.json()["encoding"] == "utf-8-sig"
    assert bom.json()["accepted"] == 2
    ndjson = (
        '{"编号": "1", "姓名": "张三", "证件号码": "44030519900101123X", "手机": "13812345678",'
        ' "出生日期": "1990年01月01日", "单位": "应急局"}\n'
        "\n"
        "not json\n"
    )
    run = upload(client, headers, dataset["id"], ndjson.encode(), "people.ndjson").json()
    assert (run["read"], run["accepted"], run["merged"], run["quarantined"]) == (2, 0, 1, 1)
