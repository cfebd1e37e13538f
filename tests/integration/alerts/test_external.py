"""Other agencies' CAP feeds taken in leniently as warning signals; bad entries kept, not lost."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.alerts.test_alerts_api import _world

DATA = Path(__file__).parents[2] / "data" / "cap"
HEADERS = {"Content-Type": "application/xml"}


def _example(n: int) -> str:
    text = (DATA / f"cap12_spec_example_{n}.xml").read_text(encoding="utf-8")
    return text.split("?>", 1)[1]  # without the XML declaration, to embed in a feed


def _feed(*contents: str) -> bytes:
    entries = "".join(
        f"<entry><id>urn:e{i}</id><title>t</title><updated>2026-07-01T08:00:00Z</updated>"
        + (f'<content type="application/cap+xml">{c}</content>' if c else "")
        + "</entry>"
        for i, c in enumerate(contents)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:feed</id><title>CMA</title><updated>2026-07-01T08:00:00Z</updated>{entries}</feed>"
    ).encode()


def test_feed_is_taken_in_leniently_and_bad_entries_are_kept(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    headers = world.headers(Role.DUTY_OFFICER, "district") | HEADERS
    params = {"organisation_id": world.org["district"], "source": "cma-test"}
    z_dated = _example(2).replace("2003-06-17T14:57:00-07:00", "2003-06-17T21:57:00Z")
    no_event = _example(4).replace("<event>Child Abduction</event>", "", 1)
    feed = _feed(_example(1), z_dated, no_event, "")
    resp = client.post("/alerts/external", params=params, content=feed, headers=headers)
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["received"] == 4
    assert report["accepted"] == 2
    assert report["warnings"] >= 2  # the Z date-time: schema pattern and CAP rule
    assert [r["position"] for r in report["rejected"]] == [3, 4]
    assert any("/alert/info[1]/event" in r for r in report["rejected"][0]["reasons"])
    assert "not fetched" in report["rejected"][1]["reasons"][0]

    again = client.post("/alerts/external", params=params, content=feed, headers=headers)
    assert again.json()["accepted"] == 0
    assert again.json()["duplicates"] == 2

    listed = client.get("/alerts/external", headers=world.headers(Role.COMMANDER, "district"))
    items = {a["identifier"]: a for a in listed.json()}
    assert set(items) == {"43b080713727", "KSTO1055887203"}
    assert items["KSTO1055887203"]["colour"] == "orange"  # Severe → orange
    assert items["KSTO1055887203"]["warnings"]
    assert items["43b080713727"]["warnings"] == []
    sibling = world.headers(Role.COMMANDER, "sibling")
    assert client.get("/alerts/external", headers=sibling).json() == []
    with platform.engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT count(*) FROM alert_external_rejected")).scalar_one()
        received = conn.execute(
            sa.text("SELECT count(*) FROM event_log WHERE type = 'ExternalAlertReceived'")
        ).scalar_one()
    assert kept == 4  # two per post: nothing dropped silently
    assert received == 2


def test_single_alert_documents_are_accepted_and_hostile_ones_refused(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    headers = world.headers(Role.DUTY_OFFICER, "district") | HEADERS
    params = {"organisation_id": world.org["district"], "source": "usgs"}
    one = (DATA / "cap12_spec_example_3.xml").read_bytes()
    resp = client.post("/alerts/external", params=params, content=one, headers=headers)
    assert resp.json()["accepted"] == 1
    bomb = b'<!DOCTYPE f [<!ENTITY a "aaaa">]><feed xmlns="http://www.w3.org/2005/Atom">&a;</feed>'
    for bad, reason in ((bomb, "DOCTYPE"), (b"<rss/>", "neither")):
        refused = client.post("/alerts/external", params=params, content=bad, headers=headers)
        assert refused.status_code == 422
        assert reason in refused.text
    foreign = client.post(
        "/alerts/external",
        params=params,
        content=one,
        headers=world.headers(Role.COMMANDER, "sibling") | HEADERS,
    )
    assert foreign.status_code == 404  # another district's organisation: out of scope
