"""Helpers for the sharing tests: a steward's source and dataset over HTTP, and sample files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from lifeline.sharing import mappings as _mappings_pkg
from lifeline.sharing import samples as _samples_pkg
from tests.integration.security.world import World

# the 40-row DataSF sample ships in the package (the demo uses it too); see its README
SF_SAMPLE = Path(_samples_pkg.__path__[0]) / "sf_fire_calls_sample.csv"
SF_MAPPING = (Path(_mappings_pkg.__path__[0]) / "sf_fire_calls.yaml").read_text(encoding="utf-8")

PERSON_MAPPING = """
record_type: person
key: [证件号码]
fields:
  external_id: {column: 编号}
  name: {column: 姓名}
  id_number: {column: 证件号码}
  phone: {column: 手机}
  birth_date: {column: 出生日期, format: "%Y年%m月%d日"}
  organisation: {column: 单位}
"""


def make_dataset(
    client: TestClient,
    headers: dict[str, str],
    organisation_id: str,
    *,
    record_type: str = "incident",
    mapping: str = SF_MAPPING,
) -> dict[str, Any]:
    source = client.post(
        "/sharing/sources",
        json={"organisation_id": organisation_id, "name": "Fire department"},
        headers=headers,
    )
    assert source.status_code == 201, source.text
    dataset = client.post(
        "/sharing/datasets",
        json={"source_id": source.json()["id"], "name": "Calls", "record_type": record_type},
        headers=headers,
    )
    assert dataset.status_code == 201, dataset.text
    published = client.post(
        f"/sharing/datasets/{dataset.json()['id']}/mappings",
        json={"text": mapping},
        headers=headers,
    )
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 1
    return dict(dataset.json())


def upload(
    client: TestClient, headers: dict[str, str], dataset_id: str, content: bytes, name: str
) -> Any:
    return client.post(
        f"/sharing/datasets/{dataset_id}/runs",
        params={"file_name": name},
        content=content,
        headers=headers,
    )


def steward(world: World, level: str = "district") -> dict[str, str]:
    from lifeline.security.model import Role

    return world.headers(Role.DATA_STEWARD, level)
