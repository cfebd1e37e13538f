"""Ingest over HTTP: the SF calls sample by mapping alone, re-runs, preview, quarantine, replay."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import (
    SF_MAPPING,
    SF_SAMPLE,
    make_dataset,
    steward,
    upload,
)

HEADER = SF_SAMPLE.read_text(encoding="utf-8").splitlines()[0]
GOOD_ROW = SF_SAMPLE.read_text(encoding="utf-8").splitlines()[1]


def _counts(run: dict[str, object]) -> tuple[object, ...]:
    return run["read"], run["accepted"], run["merged"], run["quarantined"]


def test_sf_sample_ingests_by_mapping_and_a_rerun_merges(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(client, headers, world.org["district"])
    content = SF_SAMPLE.read_bytes()

    first = upload(client, headers, dataset["id"], content, "sf.csv")
    assert first.status_code == 201, first.text
    run = first.json()
    # 40 unit dispatches of 21 incidents: 21 new records, 19 rows merged into them
    assert _counts(run) == (40, 21, 19, 0)
    assert run["read"] == run["accepted"] + run["merged"] + run["quarantined"]
    assert run["mapping_version"] == 1
    assert run["encoding"] == "utf-8"
    assert run["quality"]["in_file_duplicates"] == 19
    assert run["quality"]["completeness"]["reported_at"] == 1.0
    assert run["quality"]["completeness"]["caller_phone"] == 0.0

    second = upload(client, headers, dataset["id"], content, "sf.csv").json()
    assert _counts(second) == (40, 0, 40, 0)
    records = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=headers).json()
    assert records["total"] == 21
    by_key = {r["record_key"]: r for r in records["items"]}
    first_call = by_key["16146990"]["data"]
    assert first_call["category"] == "social_safety"
    assert first_call["grade"] == "IV"
    # 12/31/2016 11:57:56 PM in San Francisco (PST, UTC-8) is 07:57:56 UTC the next day
    assert first_call["reported_at"] == "2017-01-01T07:57:56+00:00"
    assert first_call["location"] == {"lon": -122.4566643, "lat": 37.7458586}

    runs = client.get(f"/sharing/datasets/{dataset['id']}/runs", headers=headers).json()
    assert [r["id"] for r in runs] == [run["id"], second["id"]]
    quality = client.get(f"/sharing/runs/{run['id']}/quality", headers=headers).json()
    assert quality["records_read"] == 40
    assert quality["validity"] == 1.0

    lineage = client.get(
        f"/sharing/records/{by_key['16146990']['id']}/lineage", headers=headers
    ).json()
    assert lineage["source_name"] == "Fire department"
    assert lineage["run_id"] == second["id"]
    assert lineage["mapping_version"] == 1
    assert lineage["mapping_text"] == SF_MAPPING.strip()
    assert lineage["original"]["Received DtTm"] == "12/31/2016 11:57:56 PM"
    assert lineage["original"]["RowID"] == "163664050-E39"


def test_preview_maps_without_storing_and_a_missing_column_is_named(
    platform: Platform, client: TestClient, engine: sa.Engine
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(client, headers, world.org["district"])
    preview = client.post(
        f"/sharing/datasets/{dataset['id']}/preview",
        params={"file_name": "sample.csv", "limit": 3},
        content=SF_SAMPLE.read_bytes(),
        headers=headers,
    )
    assert preview.status_code == 200, preview.text
    rows = preview.json()
    assert [r["row_number"] for r in rows] == [1, 2, 3]
    assert rows[0]["record"]["type"] == "Citizen Assist / Service Call"
    assert rows[0]["problems"] == {}
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM sharing_record")).scalar_one()
    assert stored == 0

    trimmed = "\n".join(
        ",".join(cell for i, cell in enumerate(line.split(",")) if i != 3)
        for line in (HEADER, "1,2,3,4")
    )
    missing = upload(client, headers, dataset["id"], trimmed.encode(), "bad.csv")
    assert missing.status_code == 422
    assert "Call Type" in missing.json()["detail"]
    empty = upload(client, headers, dataset["id"], b"", "empty.csv")
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]
    wrong_type = client.post(
        f"/sharing/datasets/{dataset['id']}/runs",
        params={"file_name": "calls.xml"},
        content=b"<calls/>",
        headers=headers,
    )
    assert wrong_type.status_code == 422


def _row(**changes: str) -> str:
    cells = dict(zip(HEADER.split(","), _split(GOOD_ROW), strict=True))
    cells.update(changes)
    return ",".join(f'"{v}"' for v in cells.values())


def _split(line: str) -> list[str]:
    import csv

    return next(csv.reader([line]))


def test_bad_rows_are_quarantined_with_reasons_then_corrected_and_replayed(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(client, headers, world.org["district"])
    lines = [
        HEADER,
        _row(),
        _row(**{"Incident Number": "900001", "Received DtTm": "31/12/2016 23:57"}),
        _row(**{"Incident Number": "900002", "Call Type": "Alien Landing"}),
        _row(**{"Incident Number": "900003", "Location": "(137.7, -122.4)"}),
        _row(**{"Incident Number": "900004", "Received DtTm": "12/31/2030 11:57:56 PM"}),
        _row(**{"Incident Number": ""}),
        "163664050,E39,900005",
    ]
    run = upload(client, headers, dataset["id"], "\n".join(lines).encode(), "bad.csv").json()
    assert _counts(run) == (7, 1, 0, 6)
    assert run["quality"]["invalid_by_field"]["reported_at"] == 3  # bad, future, ragged

    page = client.get(f"/sharing/datasets/{dataset['id']}/quarantine", headers=headers).json()
    assert page["total"] == 6
    problems = {q["original"].get("Incident Number"): q["problems"] for q in page["items"]}
    assert "matches none of the formats" in problems["900001"]["reported_at"]
    assert "'Alien Landing' has no entry in the value map" in problems["900002"]["category"]
    assert "outside WGS84 bounds" in problems["900003"]["location"]
    assert "in the future" in problems["900004"]["reported_at"]
    assert "blank" in problems[""]["key"]
    assert "row has 3 cells" in problems["900005"]["row"]

    bad_date = next(q for q in page["items"] if q["original"]["Incident Number"] == "900001")
    still_bad = client.post(
        f"/sharing/quarantine/{bad_date['id']}/replay",
        json={"corrections": {"Received DtTm": "not a date"}},
        headers=headers,
    )
    assert still_bad.status_code == 422
    assert still_bad.json()["errors"][0]["field"] == "reported_at"
    fixed = client.post(
        f"/sharing/quarantine/{bad_date['id']}/replay",
        json={"corrections": {"Received DtTm": "12/31/2016 11:57:00 PM"}},
        headers=headers,
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["data"]["reported_at"] == "2017-01-01T07:57:00+00:00"
    again = client.post(f"/sharing/quarantine/{bad_date['id']}/replay", json={}, headers=headers)
    assert again.status_code == 409
    unknown = client.post(
        f"/sharing/quarantine/{page['items'][1]['id']}/replay",
        json={"corrections": {"No Such Column": "x"}},
        headers=headers,
    )
    assert unknown.status_code == 422

    left = client.get(f"/sharing/datasets/{dataset['id']}/quarantine", headers=headers).json()
    assert left["total"] == 5
    replayed = client.get(
        f"/sharing/datasets/{dataset['id']}/quarantine",
        params={"status": "replayed"},
        headers=headers,
    ).json()
    assert [q["id"] for q in replayed["items"]] == [bad_date["id"]]
    records = client.get(f"/sharing/datasets/{dataset['id']}/records", headers=headers).json()
    assert records["total"] == 2
