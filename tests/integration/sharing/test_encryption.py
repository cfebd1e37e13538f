"""Encryption at rest: a dump of the sharing tables holds no personal value, the API still reads
them (masked or not), re-runs merge on the blind index, and the master key rotates."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from lifeline.bootstrap import Platform, build_platform
from lifeline.cli.main import app
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from lifeline.sharing.crypto import CryptoError, unwrap_key
from lifeline.sharing.messages import ListQuarantine, ListRecords
from tests.integration.security.world import World, build_world
from tests.integration.sharing.hub import (
    PERSON_MAPPING,
    SF_MAPPING,
    SF_SAMPLE,
    make_dataset,
    steward,
    upload,
)

MASTER = bytes(range(32))
NEW_MASTER = bytes(range(100, 132))
B64 = base64.b64encode(MASTER).decode()
NEW_B64 = base64.b64encode(NEW_MASTER).decode()

PEOPLE = (
    "编号,姓名,证件号码,手机,出生日期,单位\n"
    "1,张三,44030519900101123X,+86 138-1234-5678,1990年01月01日,福田区应急管理局\n"
    "2,李四,440305199001011234,13912345678,1990年01月01日,福田区应急管理局\n"
    "3,王　五 ,４４０３０５１９８５０６０７００１１,（0755）8888-1234,1985年06月07日,车公庙园区\n"
)
PLAINTEXTS: tuple[str, ...] = (
    "张三",
    "李四",
    "王 五",
    "王　五",
    "44030519900101123X",
    "440305199001011234",
    "440305198506070011",
    "４４０３０５",
    "13812345678",
    "138-1234-5678",
    "13912345678",
    "075588881234",
    "8888-1234",
    "1990-01-01",
    "1990年01月01日",
    "1985-06-07",
    "1985年06月07日",
)


def _valid_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


LI_SI_ID = _valid_id("44030519800101123")
PLAINTEXTS = (*PLAINTEXTS, LI_SI_ID)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        master_key=B64,
    )


def _text(value: object) -> str:
    """A stored value as readable text (SQLite keeps JSON with ``\\uXXXX`` escapes)."""
    parsed = value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return value
    return json.dumps(parsed, default=str, ensure_ascii=False)


def _dump(engine: sa.Engine) -> list[str]:
    """Every value of every sharing table, as text."""
    out: list[str] = []
    tables = [t for t in sa.inspect(engine).get_table_names() if t.startswith("sharing_")]
    assert "sharing_data_key" in tables
    assert "sharing_record" in tables
    with engine.connect() as conn:
        for table in tables:
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                for value in row:
                    out.append(_text(value))
    return out


def _hub(platform: Platform, client: TestClient) -> tuple[World, dict[str, Any], dict[str, Any]]:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST, Role.ADMIN), levels=("district",)
    )
    headers = steward(world)
    calls = make_dataset(client, headers, world.org["district"], mapping=SF_MAPPING)
    sf = upload(client, headers, calls["id"], SF_SAMPLE.read_bytes(), "sf.csv").json()
    assert (sf["read"], sf["accepted"], sf["merged"]) == (40, 21, 19)
    people = make_dataset(
        client, headers, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    run = upload(client, headers, people["id"], PEOPLE.encode("gb18030"), "people.csv").json()
    assert (run["read"], run["accepted"], run["merged"], run["quarantined"]) == (3, 2, 0, 1)
    return world, calls, people


def test_a_dump_holds_no_personal_value_while_the_api_reads_them(
    platform: Platform, client: TestClient, engine: sa.Engine
) -> None:
    world, calls, people = _hub(platform, client)
    headers = steward(world)
    admin = world.headers(Role.ADMIN, "district")
    analyst = world.headers(Role.ANALYST, "district")
    quarantine = client.get(f"/sharing/datasets/{people['id']}/quarantine", headers=admin).json()
    # a quarantined row corrected and replayed is stored encrypted too
    fixed = client.post(
        f"/sharing/quarantine/{quarantine['items'][0]['id']}/replay",
        json={"corrections": {"证件号码": LI_SI_ID}},
        headers=headers,
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["data"]["name"] == "李四"

    dump = _dump(engine)
    assert any("福田区应急管理局" in text for text in dump)  # non-personal values stay plain
    for value in PLAINTEXTS:
        assert not [text for text in dump if value in text], value
    with engine.connect() as conn:
        keys: dict[str, str] = dict(
            conn.execute(sa.text("SELECT dataset_id, record_key FROM sharing_record")).all()
        )
    assert keys[people["id"]].startswith("hmac:")  # the key column is personal
    assert not keys[calls["id"]].startswith("hmac:")  # the incident number is not

    full = client.get(f"/sharing/datasets/{people['id']}/records", headers=admin).json()
    assert full["masked"] is False
    shown = {r["data"]["external_id"]: r["data"] for r in full["items"]}
    assert shown["1"]["name"] == "张三"
    assert shown["1"]["phone"] == "13812345678"
    assert shown["2"]["name"] == "李四"
    assert shown["3"]["id_number"] == "440305198506070011"
    record_id = next(r["id"] for r in full["items"] if r["data"]["external_id"] == "1")
    lineage = client.get(f"/sharing/records/{record_id}/lineage", headers=admin).json()
    assert lineage["original"]["姓名"] == "张三"
    assert lineage["original"]["手机"] == "+86 138-1234-5678"
    exported = client.get(
        f"/sharing/datasets/{people['id']}/export", params={"format": "csv"}, headers=admin
    )
    assert "张三" in exported.text
    assert "44030519900101123X" in exported.text
    replayed = client.get(
        f"/sharing/datasets/{people['id']}/quarantine",
        params={"status": "replayed"},
        headers=admin,
    ).json()
    assert replayed["items"][0]["original"]["姓名"] == "李四"

    masked = client.get(f"/sharing/datasets/{people['id']}/records", headers=analyst).json()
    assert masked["masked"] is True
    hidden = {r["data"]["external_id"]: r["data"] for r in masked["items"]}
    assert hidden["1"]["name"] == "张*"
    assert hidden["1"]["phone"] == "138****5678"
    assert hidden["1"]["organisation"] == "福田区应急管理局"
    lineage = client.get(f"/sharing/records/{record_id}/lineage", headers=analyst).json()
    assert lineage["original"]["姓名"] == "***"
    masked_export = client.get(
        f"/sharing/datasets/{people['id']}/export", params={"format": "ndjson"}, headers=analyst
    )
    assert "张三" not in masked_export.text
    assert "张*" in masked_export.text
    sf = client.get(f"/sharing/datasets/{calls['id']}/records", headers=admin).json()
    assert sf["total"] == 21
    assert all(r["data"]["external_id"] for r in sf["items"])
    sf_lineage = client.get(f"/sharing/records/{sf['items'][0]['id']}/lineage", headers=admin)
    assert sf_lineage.json()["original"]["Incident Number"] == sf["items"][0]["record_key"]

    # re-runs still merge: the blind index is stable
    again = upload(client, headers, people["id"], PEOPLE.encode("gb18030"), "people.csv").json()
    assert (again["read"], again["accepted"], again["merged"], again["quarantined"]) == (3, 0, 2, 1)
    sf_again = upload(client, headers, calls["id"], SF_SAMPLE.read_bytes(), "sf.csv").json()
    assert (sf_again["accepted"], sf_again["merged"]) == (0, 40)
    assert (
        client.get(f"/sharing/datasets/{people['id']}/records", headers=admin).json()["total"] == 3
    )


def test_rotating_the_master_key_rewraps_the_data_keys(
    platform: Platform, client: TestClient, engine: sa.Engine, clock: VirtualClock
) -> None:
    _, calls, people = _hub(platform, client)
    url = platform.settings.database_url
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "rotate", "--help"]).exit_code == 0
    wrong = runner.invoke(
        app,
        ["keys", "rotate", "--database-url", url, "--master-key", NEW_B64],
        env={"LIFELINE_NEW_MASTER_KEY": B64},
    )
    assert wrong.exit_code == 1
    rotated = runner.invoke(
        app,
        ["keys", "rotate", "--database-url", url, "--master-key", B64],
        env={"LIFELINE_NEW_MASTER_KEY": NEW_B64},
    )
    assert rotated.exit_code == 0, rotated.output
    assert "re-wrapped 2 data key(s)" in rotated.output

    with engine.connect() as conn:
        wrapped = conn.execute(sa.text("SELECT dataset_id, wrapped FROM sharing_data_key")).all()
    assert {row[0] for row in wrapped} == {calls["id"], people["id"]}
    for dataset_id, key in wrapped:
        unwrap_key(NEW_MASTER, dataset_id, key)
        with pytest.raises(CryptoError):
            unwrap_key(MASTER, dataset_id, key)

    new = build_platform(
        platform.settings.model_copy(update={"master_key": SecretStr(NEW_B64)}),
        clock=clock,
        engine=engine,
    )
    page = new.bus.handle(ListRecords(dataset_id=people["id"], limit=10, offset=0), SYSTEM_ACTOR)
    assert {r.data["name"] for r in page.items} == {"张三", "王 五"}
    held = new.bus.handle(
        ListQuarantine(dataset_id=people["id"], status=None, limit=10, offset=0), SYSTEM_ACTOR
    )
    assert held.items[0].original["姓名"] == "李四"
    with pytest.raises(CryptoError):  # the old master key no longer unwraps
        platform.bus.handle(ListRecords(dataset_id=people["id"], limit=10, offset=0), SYSTEM_ACTOR)
