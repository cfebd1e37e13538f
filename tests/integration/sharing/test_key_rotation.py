"""Data-key rotation: every personal value is sealed again under a new data key version in
batches, reads return the same plaintext throughout, a stopped rotation resumes, and at the end
no value — and no key — of the old version is left in the database."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.config import Settings
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import (
    PERSON_MAPPING,
    SF_MAPPING,
    SF_SAMPLE,
    make_dataset,
    steward,
    upload,
)

MASTER_B64 = base64.b64encode(bytes(range(50, 82))).decode()
PEOPLE_N = 21


def _valid_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _people() -> bytes:
    """``PEOPLE_N`` people with valid ID numbers and two rows the mapping rejects."""
    lines = ["编号,姓名,证件号码,手机,出生日期,单位"]
    for n in range(PEOPLE_N):
        id_number = _valid_id(f"440305199001{n + 1:02d}{n:03d}")
        lines.append(f"{n},姓{n}名,{id_number},1380000{n:04d},1990年01月01日,福田区应急管理局")
    lines.append("x1,坏甲,440305199001011234,13912345678,1990年01月01日,福田区应急管理局")
    lines.append("x2,坏乙,440305199001011236,13912345679,1990年01月01日,福田区应急管理局")
    return ("\n".join(lines) + "\n").encode("gb18030")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        delivery_loop=False,
        master_key=MASTER_B64,
    )


def _tokens(engine: sa.Engine, dataset_id: str) -> list[str]:
    """Every encrypted token of a dataset's records and quarantine, as ``enc:v1:<version>``."""
    found: list[str] = []
    with engine.connect() as conn:
        for table, other in (("sharing_record", "data"), ("sharing_quarantine", "problems")):
            for data, original in conn.execute(
                sa.text(f"SELECT {other}, original FROM {table} WHERE dataset_id = :id"),
                {"id": dataset_id},
            ):
                for value in (data, original):
                    text = value if isinstance(value, str) else json.dumps(value)
                    found.extend(
                        "enc:v1:" + part.split(":", 1)[0] for part in text.split("enc:v1:")[1:]
                    )
    return found


def _plain(client: TestClient, headers: dict[str, str], dataset_id: str) -> dict[str, Any]:
    records = client.get(
        f"/sharing/datasets/{dataset_id}/records", params={"limit": 200}, headers=headers
    ).json()
    assert records["masked"] is False
    held = client.get(
        f"/sharing/datasets/{dataset_id}/quarantine", params={"status": "open"}, headers=headers
    ).json()
    return {
        "records": {r["data"]["external_id"]: r["data"] for r in records["items"]},
        "quarantine": sorted(q["original"]["姓名"] for q in held["items"]),
    }


def test_a_rotation_reencrypts_in_batches_resumes_and_destroys_the_old_key(
    platform: Platform, client: TestClient, engine: sa.Engine
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.DATA_STEWARD, Role.ADMIN, Role.ANALYST),
        levels=("district", "sibling"),
    )
    owner = steward(world)
    admin = world.headers(Role.ADMIN, "district")
    people = make_dataset(
        client, owner, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    calls = make_dataset(client, owner, world.org["district"], mapping=SF_MAPPING)
    sf = upload(client, owner, calls["id"], SF_SAMPLE.read_bytes(), "sf.csv").json()
    assert sf["accepted"] == 21
    run = upload(client, owner, people["id"], _people(), "people.csv").json()
    assert (run["accepted"], run["quarantined"]) == (PEOPLE_N, 2)
    before = _plain(client, admin, people["id"])
    assert before["records"]["3"]["name"] == "姓3名"
    assert before["quarantine"] == ["坏乙", "坏甲"]
    assert set(_tokens(engine, people["id"])) == {"enc:v1:1"}
    key_url = f"/sharing/datasets/{people['id']}/data-key"
    assert client.get(key_url, headers=owner).json()["versions"] == [1]

    # rights: an analyst may look but not rotate; another district sees no such dataset
    assert (
        client.post(
            key_url + ":rotate", json={}, headers=world.headers(Role.ANALYST, "district")
        ).status_code
        == 403
    )
    assert (
        client.post(key_url + ":rotate", json={}, headers=steward(world, "sibling")).status_code
        == 404
    )

    # stop after two batches of 4 records: a crash in the middle
    stopped = client.post(key_url + ":rotate", json={"batch": 4, "max_batches": 2}, headers=owner)
    assert stopped.status_code == 200, stopped.text
    assert stopped.json() == {
        "dataset_id": people["id"],
        "resumed": False,
        "from_versions": [1],
        "to_version": 2,
        "records": 8,
        "quarantined": 0,
        "batches": 2,
        "finished": False,
    }
    state = client.get(key_url, headers=owner).json()
    assert state["versions"] == [1, 2]
    assert state["rotating"] is True
    assert state["records_under_old_key"] == PEOPLE_N - 8
    assert state["quarantined_under_old_key"] == 2
    tokens = _tokens(engine, people["id"])
    assert {"enc:v1:1", "enc:v1:2"} == set(tokens)
    # reads work throughout: both versions decrypt
    assert _plain(client, admin, people["id"]) == before
    # writes wait for the end of the rotation
    refused = upload(client, owner, people["id"], _people(), "people.csv")
    assert refused.status_code == 409, refused.text
    assert "being rotated" in refused.json()["detail"]

    # the command resumes where the API stopped, and finishes
    runner = CliRunner()
    assert runner.invoke(app, ["keys", "rotate-data", "--help"]).exit_code == 0
    url = platform.settings.database_url
    resumed = runner.invoke(
        app,
        ["keys", "rotate-data", "--dataset", people["id"], "--batch", "4", "--database-url", url],
        env={"LIFELINE_MASTER_KEY": MASTER_B64},
    )
    assert resumed.exit_code == 0, resumed.output
    assert (
        f"resumed rotation v1 → v2: re-encrypted {PEOPLE_N - 8} record(s) and 2" in resumed.output
    )
    assert "old key version(s) destroyed" in resumed.output

    # no ciphertext and no key of version 1 is left for the dataset; the other dataset's key
    # is untouched
    assert set(_tokens(engine, people["id"])) == {"enc:v1:2"}
    with engine.connect() as conn:
        keys = sorted(
            conn.execute(sa.text("SELECT dataset_id, version FROM sharing_data_key")).all()
        )
    assert keys == sorted([(people["id"], 2), (calls["id"], 1)])
    assert client.get(key_url, headers=owner).json() == {
        "dataset_id": people["id"],
        "versions": [2],
        "rotating": False,
        "records_under_old_key": 0,
        "quarantined_under_old_key": 0,
    }
    # reads return the same plaintext, the blind-index keys were derived again: a re-run merges
    assert _plain(client, admin, people["id"]) == before
    again = upload(client, owner, people["id"], _people(), "people.csv").json()
    assert (again["accepted"], again["merged"], again["quarantined"]) == (0, PEOPLE_N, 2)
    # one event at the start and one at the end of the rotation
    with engine.connect() as conn:
        events = conn.execute(
            sa.text(
                "SELECT type, payload FROM event_log WHERE aggregate_id = :id "
                "AND type LIKE 'DataKey%' ORDER BY seq"
            ),
            {"id": people["id"]},
        ).all()
    assert [e.type for e in events] == ["DataKeyRotationStarted", "DataKeyRotated"]
    started, ended = (json.loads(e.payload) for e in events)
    assert (started["from_version"], started["to_version"]) == (1, 2)
    assert (started["records"], started["quarantined"]) == (PEOPLE_N, 2)
    assert (ended["version"], ended["destroyed"]) == (2, [1])

    # a second rotation in one go (the re-run quarantined its two bad rows again)
    whole = client.post(key_url + ":rotate", json={"batch": 500}, headers=owner).json()
    assert (whole["from_versions"], whole["to_version"], whole["finished"]) == ([2], 3, True)
    assert (whole["records"], whole["quarantined"], whole["batches"]) == (PEOPLE_N, 4, 2)
    assert set(_tokens(engine, people["id"])) == {"enc:v1:3"}
    after = _plain(client, admin, people["id"])
    assert after["records"] == before["records"]
    assert after["quarantine"] == sorted(before["quarantine"] * 2)
