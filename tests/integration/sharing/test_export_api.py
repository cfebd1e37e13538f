"""Exports as CSV, NDJSON and GeoJSON, through the same masking as every other read."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import (
    PERSON_MAPPING,
    SF_SAMPLE,
    make_dataset,
    steward,
    upload,
)
from tests.integration.sharing.test_access_api import PEOPLE


def test_sf_incidents_export_as_geojson_csv_and_ndjson(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(client, headers, world.org["district"])
    upload(client, headers, dataset["id"], SF_SAMPLE.read_bytes(), "sf.csv")
    url = f"/sharing/datasets/{dataset['id']}/export"

    geo = client.get(url, params={"format": "geojson"}, headers=headers)
    assert geo.status_code == 200
    assert geo.headers["content-type"] == "application/geo+json"
    features = geo.json()["features"]
    assert len(features) == 21
    first = next(f for f in features if f["properties"]["external_id"] == "16146990")
    assert first["geometry"] == {"type": "Point", "coordinates": [-122.4566643, 37.7458586]}
    assert "location" not in first["properties"]

    table = list(csv.DictReader(io.StringIO(client.get(url, headers=headers).text)))
    assert len(table) == 21
    row = next(r for r in table if r["external_id"] == "16146990")
    assert row["location_lat"] == "37.7458586"
    assert row["reported_at"] == "2017-01-01T07:57:56+00:00"

    lines = client.get(url, params={"format": "ndjson"}, headers=headers).text.splitlines()
    assert len(lines) == 21
    assert {json.loads(line)["category"] for line in lines} <= {
        "public_health",
        "accident_disaster",
        "social_safety",
        "natural_disaster",
    }


def test_exports_mask_personal_fields_without_the_right(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST), levels=("district", "sibling")
    )
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    upload(client, headers, dataset["id"], PEOPLE.encode("gb18030"), "people.csv")
    url = f"/sharing/datasets/{dataset['id']}/export"
    analyst = world.headers(Role.ANALYST, "district")
    exported = client.get(url, params={"format": "ndjson"}, headers=analyst)
    assert exported.headers["x-lifeline-masked"] == "true"
    people = [json.loads(line) for line in exported.text.splitlines()]
    assert sorted(p["name"] for p in people) == ["张*", "王**"]
    assert all("13812345678" not in line for line in exported.text.splitlines())
    assert client.get(url, headers=steward(world, "sibling")).status_code == 404
    bad = client.get(url, params={"format": "xlsx"}, headers=analyst)
    assert bad.status_code in (400, 422)
