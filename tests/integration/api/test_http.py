"""Cross-cutting HTTP behaviour: problem+json for bad input, limits, health, metrics, ids."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from lifeline.api.app import create_app
from lifeline.bootstrap import Platform
from lifeline.kernel import eventlog
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world


@pytest.fixture
def world(platform: Platform, client: TestClient) -> World:
    return build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("city",))


def events_count(platform: Platform) -> int:
    with platform.engine.connect() as conn:
        return eventlog.last_seq(conn)


def facility(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "南山医院",
        "kind": "hospital",
        "capacity": 1200,
        "capacity_unit": "beds",
        "location": {"type": "Point", "coordinates": [113.92, 22.53]},
        "organisation_id": world.org["district"],
    }
    body.update(overrides)
    return body


def test_health_ready_metrics_and_openapi(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["migrations"] == "ok"
    client.get("/health")
    metrics = client.get("/metrics").text
    assert 'lifeline_http_requests_total{method="GET",route="/health",status="200"}' in metrics
    spec = client.get("/openapi.json").json()
    assert {"/organisations", "/facilities", "/auth/token", "/audit/verify"} <= set(spec["paths"])


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    given = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get("/health")
    assert len(made.headers["x-request-id"]) == 32
    problem = client.get("/auth/me", headers={"X-Request-ID": "trace-9"}).json()
    assert problem["request_id"] == "trace-9"


def test_ready_is_503_when_the_database_is_not_migrated(tmp_path: object) -> None:
    from lifeline.bootstrap import build_platform
    from lifeline.config import Settings

    plat = build_platform(
        Settings(database_url=f"sqlite:///{tmp_path}/empty.sqlite", jwt_secret="k" * 40)
    )
    with TestClient(create_app(platform=plat)) as fresh:
        resp = fresh.get("/ready")
    assert resp.status_code == 503
    assert resp.json()["status"] == "not ready"


@pytest.mark.parametrize(
    ("mutate", "status", "field"),
    [
        (lambda b: {**b, "capacity": "many"}, 422, "capacity"),
        (lambda b: {**b, "colour": "red"}, 422, "colour"),
        (lambda b: {**b, "kind": "spaceport"}, 422, "kind"),
        (
            lambda b: {**b, "location": {"type": "Point", "coordinates": [191.0, 22.5]}},
            422,
            "location",
        ),
        (
            lambda b: {**b, "location": {"type": "Point", "coordinates": [113.9, -95.0]}},
            422,
            "location",
        ),
        (lambda b: {k: v for k, v in b.items() if k != "name"}, 422, "name"),
    ],
)
def test_bad_facility_bodies_name_the_field_and_write_nothing(
    platform: Platform, client: TestClient, world: World, mutate: Any, status: int, field: str
) -> None:
    before = events_count(platform)
    resp = client.post(
        "/facilities",
        headers=world.headers(Role.DATA_STEWARD, "city"),
        json=mutate(facility(world, organisation_id=world.org["city"])),
    )
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in resp.json()["errors"]]
    assert any(f.startswith(field) for f in fields), fields
    assert events_count(platform) == before


def test_malformed_json_is_400(platform: Platform, client: TestClient, world: World) -> None:
    before = events_count(platform)
    resp = client.post(
        "/facilities",
        headers={**world.headers(Role.DATA_STEWARD, "city"), "Content-Type": "application/json"},
        content=b'{"name": "x", ',
    )
    assert resp.status_code == 400
    assert resp.json()["errors"][0]["reason"].startswith("malformed JSON")
    assert events_count(platform) == before


def test_self_intersecting_area_is_refused(
    platform: Platform, client: TestClient, world: World
) -> None:
    before = events_count(platform)
    resp = client.post(
        "/areas",
        headers=world.headers(Role.DATA_STEWARD, "city"),
        json={
            "name": "蝴蝶区",
            "level": "district",
            "organisation_id": world.org["city"],
            "boundary": {
                "type": "Polygon",
                "coordinates": [
                    [[114.0, 22.5], [114.1, 22.6], [114.1, 22.5], [114.0, 22.6], [114.0, 22.5]]
                ],
            },
        },
    )
    assert resp.status_code == 422
    (problem,) = resp.json()["errors"]
    assert problem["field"].startswith("boundary")
    assert "Self-intersection" in problem["reason"]
    assert events_count(platform) == before


def test_oversize_bodies_are_413_before_parsing(
    platform: Platform, client: TestClient, world: World
) -> None:
    limit = platform.settings.max_body_bytes
    before = events_count(platform)
    resp = client.post(
        "/facilities",
        headers={**world.headers(Role.DATA_STEWARD, "city"), "Content-Type": "application/json"},
        content=b" " * (limit + 1),
    )
    assert resp.status_code == 413
    assert resp.json()["title"] == "Payload too large"
    assert events_count(platform) == before


def test_pagination_limits_are_validated_and_honoured(client: TestClient, world: World) -> None:
    headers = world.headers(Role.DATA_STEWARD, "city")
    page = client.get("/organisations?limit=2&offset=1", headers=headers).json()
    assert page["limit"] == 2
    assert page["offset"] == 1
    assert page["total"] == 4
    assert len(page["items"]) == 2
    too_big = client.get("/organisations?limit=100000", headers=headers)
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "query.limit"


def test_unknown_routes_and_methods_are_problem_json(client: TestClient) -> None:
    missing = client.get("/no/such/thing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.put("/health")
    assert wrong.status_code == 405


def test_an_unexpected_failure_is_500_problem_json_without_internals(
    platform: Platform, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("connection string postgresql://secret@db")

    monkeypatch.setattr(platform, "authenticate", broken)
    with TestClient(create_app(platform=platform), raise_server_exceptions=False) as c:
        resp = c.get("/auth/me", headers=world.headers(Role.DATA_STEWARD, "city"))
    assert resp.status_code == 500
    assert resp.json()["title"] == "Internal error"
    assert "secret" not in resp.text
