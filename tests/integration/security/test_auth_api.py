"""Sign-in, tokens, API keys, users, grants and the audit API over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import PASSWORD, build_world


def test_login_me_and_expiry(platform: Platform, client: TestClient, clock: VirtualClock) -> None:
    world = build_world(platform, client, roles=(Role.COMMANDER,), levels=("district",))
    headers = world.headers(Role.COMMANDER, "district")
    me = client.get("/auth/me", headers=headers)
    assert me.status_code == 200
    body = me.json()
    assert body["roles"] == ["commander"]
    assert body["scope_paths"] == [world.path["district"]]
    assert "personal.read" in body["permissions"]
    clock.advance(timedelta(seconds=platform.settings.jwt_ttl_s))
    expired = client.get("/auth/me", headers=headers)
    assert expired.status_code == 401
    assert expired.headers["content-type"] == "application/problem+json"
    assert expired.json()["detail"] == "token expired"


def test_oauth2_form_login_and_wrong_password(platform: Platform, client: TestClient) -> None:
    build_world(platform, client, roles=(Role.ANALYST,), levels=("city",))
    ok = client.post("/auth/token", data={"username": "analyst.city", "password": PASSWORD})
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "bearer"
    bad = client.post("/auth/login", json={"username": "analyst.city", "password": "wrong-1234"})
    assert bad.status_code == 401
    nobody = client.post("/auth/login", json={"username": "ghost", "password": "wrong-1234"})
    assert nobody.status_code == 401
    assert bad.json()["detail"] == nobody.json()["detail"]  # no user enumeration


def test_unauthenticated_requests_get_401_problem_json(client: TestClient) -> None:
    for path in ("/auth/me", "/users", "/organisations", "/audit/events"):
        resp = client.get(path)
        assert resp.status_code == 401, path
        assert resp.json()["status"] == 401
    forged = client.get("/auth/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401
    wrong_key = client.get("/auth/me", headers={"X-API-Key": "ll_deadbeef_nope"})
    assert wrong_key.status_code == 401


def test_admin_creates_users_and_deactivation_takes_effect_at_once(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.ADMIN,), levels=("city", "district"))
    admin = world.headers(Role.ADMIN, "city")
    created = client.post(
        "/users",
        headers=admin,
        json={
            "username": "wang.duty",
            "display_name": "王值班",
            "password": "duty-pass-2026",
            "organisation_id": world.org["district"],
            "roles": ["duty_officer"],
            "phone": "13900001111",
        },
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    token = client.post(
        "/auth/login", json={"username": "wang.duty", "password": "duty-pass-2026"}
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/auth/me", headers=headers).status_code == 200
    patched = client.patch(f"/users/{user_id}", headers=admin, json={"active": False})
    assert patched.status_code == 200
    assert client.get("/auth/me", headers=headers).status_code == 401


NEW_USER = {
    "username": "x",
    "display_name": "x",
    "password": "long-enough-1",
    "roles": ["duty_officer"],
}


@pytest.mark.parametrize(
    ("overrides", "status", "field", "reason"),
    [
        ({"shoe_size": 42}, 422, "shoe_size", "unknown field"),
        ({"password": "short"}, 422, "password", "must be at least 10 characters"),
        ({"roles": ["emperor"]}, 422, "roles.0", "Input should be"),
        ({"username": "bad name!"}, 422, "username", "may contain"),
        ({"organisation_id": "no-such-org"}, 422, "organisation_id", "does not exist"),
        ({"username": "admin.city"}, 409, None, "taken"),
    ],
)
def test_user_validation_names_fields(
    platform: Platform,
    client: TestClient,
    overrides: dict[str, object],
    status: int,
    field: str | None,
    reason: str,
) -> None:
    world = build_world(platform, client, roles=(Role.ADMIN,), levels=("city",))
    body = {**NEW_USER, "organisation_id": world.org["city"], **overrides}
    resp = client.post("/users", headers=world.headers(Role.ADMIN, "city"), json=body)
    assert resp.status_code == status, resp.text
    problem = resp.json()
    if field is None:
        assert reason in problem["detail"]
    else:
        (error,) = problem["errors"]
        assert error["field"] == field
        assert reason in error["reason"]


def test_phone_is_masked_without_the_personal_right_and_reads_are_logged(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.ADMIN,), levels=("city",))

    def personal_reads() -> int:
        with platform.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM access_log WHERE personal_fields = 'phone' "
                        "AND action = 'ListUsers'"
                    )
                ).scalar_one()
            )

    users = client.get("/users", headers=world.headers(Role.ADMIN, "city")).json()
    assert users["total"] == 1
    assert users["items"][0]["phone"] == "13812345678"  # admin holds personal.read
    assert users["items"][0]["phone_masked"] is False
    assert personal_reads() == 1
    # an admin of a park sees the park's users only, and the city admin is invisible to it
    client.post(
        "/users",
        headers=world.headers(Role.ADMIN, "city"),
        json={
            "username": "ops.a",
            "display_name": "A",
            "password": "ops-pass-2026",
            "organisation_id": world.org["city"],
            "roles": ["analyst"],
            "phone": "13700001234",
        },
    )
    again = client.get("/users", headers=world.headers(Role.ADMIN, "city")).json()
    assert again["total"] == 2
    assert personal_reads() == 3


def test_service_account_key_authenticates_until_revoked(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.ADMIN,), levels=("city", "park"))
    admin = world.headers(Role.ADMIN, "park")
    created = client.post(
        "/service-accounts",
        headers=admin,
        json={
            "name": "smoke-gateway-01",
            "organisation_id": world.org["park"],
            "roles": ["park_manager"],
        },
    )
    assert created.status_code == 201, created.text
    key = created.json()["api_key"]
    me = client.get("/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json()["kind"] == "service"
    assert me.json()["scope_paths"] == [world.path["park"]]
    revoked = client.delete(f"/service-accounts/{created.json()['id']}", headers=admin)
    assert revoked.status_code == 200
    assert client.get("/auth/me", headers={"X-API-Key": key}).status_code == 401


def test_a_grant_lets_a_sibling_see_a_subtree_until_revoked(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.ADMIN, Role.ANALYST), levels=("city", "sibling")
    )
    sibling = world.headers(Role.ANALYST, "sibling")
    target = f"/organisations/{world.org['district']}"
    assert client.get(target, headers=sibling).status_code == 404
    grant = client.post(
        "/scope-grants",
        headers=world.headers(Role.ADMIN, "city"),
        json={
            "grantee_organisation_id": world.org["sibling"],
            "target_organisation_id": world.org["district"],
            "reason": "mutual aid during typhoon Saola",
        },
    )
    assert grant.status_code == 201, grant.text
    assert client.get(target, headers=sibling).status_code == 200
    gone = client.delete(
        f"/scope-grants/{grant.json()['id']}", headers=world.headers(Role.ADMIN, "city")
    )
    assert gone.status_code == 204
    assert client.get(target, headers=sibling).status_code == 404


def test_audit_api_lists_scoped_events_and_verifies_the_chain(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.ADMIN, Role.ANALYST), levels=("city", "sibling")
    )
    city_events = client.get(
        "/audit/events?limit=500", headers=world.headers(Role.ANALYST, "city")
    ).json()
    sibling_events = client.get(
        "/audit/events?limit=500", headers=world.headers(Role.ANALYST, "sibling")
    ).json()
    sibling_orgs = {e["organisation_id"] for e in sibling_events}
    assert sibling_orgs == {world.org["sibling"]}
    assert len(city_events) > len(sibling_events)
    assert {"OrganisationRegistered", "UserCreated", "UserSignedIn"} <= {
        e["type"] for e in city_events
    }
    verify = client.get("/audit/verify", headers=world.headers(Role.ADMIN, "city")).json()
    assert verify["ok"] is True
    assert verify["checked"] >= len(city_events)
    assert (
        client.get("/audit/verify", headers=world.headers(Role.ANALYST, "city")).status_code == 403
    )


def test_refusals_are_recorded_in_the_access_log_and_the_chain(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.ADMIN, Role.ANALYST), levels=("city", "sibling")
    )
    sibling = world.headers(Role.ANALYST, "sibling")
    assert client.get(f"/organisations/{world.org['district']}", headers=sibling).status_code == 404
    denied = client.get(
        "/audit/access?outcome=denied", headers=world.headers(Role.ADMIN, "city")
    ).json()
    assert any(
        d["target_id"] == world.org["district"] and d["action"] == "GetOrganisation" for d in denied
    )
    events = client.get("/audit/events?limit=500", headers=world.headers(Role.ADMIN, "city")).json()
    assert any(
        e["type"] == "AccessDenied" and e["payload"]["target_id"] == world.org["district"]
        for e in events
    )
