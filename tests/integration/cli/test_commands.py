"""The ``lifeline`` commands, run as a user would, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.migrations.runner import head as runner_head
from lifeline.registry.model import OrgKind, RegisterOrganisation

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["users"],
        ["users", "create"],
        ["audit"],
        ["audit", "verify"],
        ["demo"],
        ["alerts", "deliver"],
        ["alerts", "report"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_db_upgrade_on_an_empty_file_then_current(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite"
    up = runner.invoke(app, ["db", "upgrade", "--database-url", url])
    assert up.exit_code == 0, up.output
    head = runner_head()
    assert head is not None
    assert head in up.output
    current = runner.invoke(app, ["db", "current", "--database-url", url])
    assert f"current: {head}" in current.output


def test_users_create_then_the_user_can_sign_in(platform: Platform, database_url: str) -> None:
    city = platform.bus.handle(RegisterOrganisation(name="深圳市", kind=OrgKind.CITY), SYSTEM_ACTOR)
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--username",
            "chen.admin",
            "--organisation-id",
            city.id,
            "--role",
            "admin",
            "--role",
            "analyst",
            "--database-url",
            database_url,
        ],
        env={"LIFELINE_NEW_PASSWORD": "admin-pass-2026"},
    )
    assert result.exit_code == 0, result.output
    assert "created user chen.admin" in result.output
    from lifeline.security.service import sign_in

    issued = sign_in(
        platform.uow, platform.tokens, username="chen.admin", password="admin-pass-2026"
    )
    assert issued.user_id in result.output


def test_users_create_refuses_unknown_roles_and_organisations(database_url: str) -> None:
    bad_role = runner.invoke(
        app,
        [
            "users",
            "create",
            "--username",
            "x",
            "--organisation-id",
            "nope",
            "--role",
            "king",
            "--database-url",
            database_url,
        ],
        env={"LIFELINE_NEW_PASSWORD": "admin-pass-2026"},
    )
    assert bad_role.exit_code == 2
    assert "unknown role" in bad_role.output
    bad_org = runner.invoke(
        app,
        [
            "users",
            "create",
            "--username",
            "x",
            "--organisation-id",
            "nope",
            "--role",
            "admin",
            "--database-url",
            database_url,
        ],
        env={"LIFELINE_NEW_PASSWORD": "admin-pass-2026"},
    )
    assert bad_org.exit_code == 1
    assert "does not exist" in bad_org.output


def test_audit_verify_passes_then_names_the_tampered_entry(
    platform: Platform, database_url: str
) -> None:
    for name in ("深圳市", "东莞市", "惠州市"):
        platform.bus.handle(RegisterOrganisation(name=name, kind=OrgKind.CITY), SYSTEM_ACTOR)
    ok = runner.invoke(app, ["audit", "verify", "--database-url", database_url])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    with platform.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ALTER TABLE event_log DISABLE TRIGGER event_log_append_only"))
        else:
            conn.execute(sa.text("DROP TRIGGER event_log_no_update"))
        conn.execute(
            sa.text(
                "UPDATE event_log SET payload = replace(payload, '东莞市', '东筦市') "
                "WHERE type = 'OrganisationRegistered' AND payload LIKE '%东莞市%'"
            )
        )
        seq, event_id = conn.execute(
            sa.text("SELECT seq, id FROM event_log WHERE payload LIKE '%东筦市%'")
        ).one()
    broken = runner.invoke(app, ["audit", "verify", "--database-url", database_url])
    assert broken.exit_code == 1
    assert f"at seq {seq}" in broken.output
    assert event_id in broken.output
