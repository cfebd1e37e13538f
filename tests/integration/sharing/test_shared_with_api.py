"""Grantees list what is shared with them: datasets, agreed fields, purpose, expiry, row filter;
an organisation without an agreement sees nothing, a role without the right is refused."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import PERSON_MAPPING, make_dataset, steward, upload
from tests.integration.sharing.test_access_api import PEOPLE


def test_a_grantee_lists_the_datasets_shared_with_it_and_nothing_else(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.DATA_STEWARD, Role.ANALYST, Role.DUTY_OFFICER),
        levels=("district", "sibling", "park"),
    )
    owner = steward(world)
    dataset = make_dataset(
        client, owner, world.org["district"], record_type="person", mapping=PERSON_MAPPING
    )
    upload(client, owner, dataset["id"], PEOPLE.encode("gb18030"), "people.csv")
    sibling = world.headers(Role.ANALYST, "sibling")
    assert client.get("/sharing/shared", headers=sibling).json() == []

    expires = clock.now() + timedelta(days=3650)  # the CLI runs on the real clock
    granted = client.post(
        f"/sharing/datasets/{dataset['id']}/agreements",
        json={
            "grantee_organisation_id": world.org["sibling"],
            "fields": ["name", "phone", "organisation"],
            "purpose": "Joint flood-duty roster",
            "expires_at": expires.isoformat(),
            "row_filter": {
                "time_field": "birth_date",
                "since": "1980-01-01T00:00:00+08:00",
                "until": "2000-01-01T00:00:00+08:00",
            },
        },
        headers=owner,
    )
    assert granted.status_code == 201, granted.text
    listed = client.get("/sharing/shared", headers=sibling)
    assert listed.status_code == 200, listed.text
    [shared] = listed.json()
    assert shared["dataset_id"] == dataset["id"]
    assert shared["dataset_name"] == "Calls"
    assert shared["record_type"] == "person"
    assert shared["owner_organisation_id"] == world.org["district"]
    assert shared["agreement_id"] == granted.json()["id"]
    assert shared["fields"] == ["name", "phone", "organisation"]
    assert shared["masked_fields"] == ["name", "phone"]
    assert shared["purpose"] == "Joint flood-duty roster"
    assert shared["expires_at"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    assert shared["row_filter"]["time_field"] == "birth_date"
    # the listing leads to the records the agreement shows
    seen = client.get(shared["records_url"], headers=sibling).json()
    assert seen["total"] == 2
    assert seen["masked"] is True

    # the park (under the owner) and the owner itself have nothing shared *with* them
    assert client.get("/sharing/shared", headers=world.headers(Role.ANALYST, "park")).json() == []
    assert client.get("/sharing/shared", headers=owner).json() == []
    # another organisation's shares are listed only within scope: the sibling cannot ask
    # about the district (404, as for anything outside scope); the district's steward asking
    # about its own park is allowed
    outside = client.get(
        "/sharing/shared", params={"organisation_id": world.org["district"]}, headers=sibling
    )
    assert outside.status_code == 404
    park = client.get(
        "/sharing/shared", params={"organisation_id": world.org["park"]}, headers=owner
    )
    assert park.status_code == 200
    assert park.json() == []
    # a role without sharing.read is refused
    refused = client.get("/sharing/shared", headers=world.headers(Role.DUTY_OFFICER, "sibling"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")

    # the CLI lists the same, for an operator naming the organisation
    url = platform.settings.database_url
    runner = CliRunner()
    assert runner.invoke(app, ["sharing", "shared", "--help"]).exit_code == 0
    out = runner.invoke(
        app,
        [
            "sharing",
            "shared",
            "--organisation",
            world.org["sibling"],
            "--json",
            "--database-url",
            url,
        ],
    )
    assert out.exit_code == 0, out.output
    line = json.loads(out.output)
    assert line["dataset_id"] == dataset["id"]
    assert line["masked_fields"] == ["name", "phone"]
    assert line["purpose"] == "Joint flood-duty roster"
    table = runner.invoke(
        app, ["sharing", "shared", "--organisation", world.org["sibling"], "--database-url", url]
    )
    assert table.exit_code == 0
    assert "Calls" in table.output
    assert "Joint" in table.output
    none = runner.invoke(
        app, ["sharing", "shared", "--organisation", world.org["park"], "--database-url", url]
    )
    assert none.exit_code == 0
    assert "no dataset is shared" in none.output
    missing = runner.invoke(
        app, ["sharing", "shared", "--organisation", "nope", "--database-url", url]
    )
    assert missing.exit_code == 1

    # revoked or expired agreements drop out of the listing
    revoked = client.post(f"/sharing/agreements/{granted.json()['id']}/revoke", headers=owner)
    assert revoked.status_code == 200
    assert client.get("/sharing/shared", headers=sibling).json() == []
