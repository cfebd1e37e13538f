"""Tables and the SQL repository for users, service accounts and scope grants."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.security.model import Role, ScopeGrant, ServiceAccount, User

R = TypeVar("R", User, ServiceAccount, ScopeGrant)

users = sa.Table(
    "security_user",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("roles", sa.Text(), nullable=False),
    sa.Column("password_hash", sa.Text(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("phone", sa.String(40), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

service_accounts = sa.Table(
    "security_service_account",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("roles", sa.Text(), nullable=False),
    sa.Column("key_prefix", sa.String(16), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

scope_grants = sa.Table(
    "security_scope_grant",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("grantee_organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("target_organisation_id", sa.String(36), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("granted_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=True),
)


def _roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def _to_row(record: User | ServiceAccount | ScopeGrant) -> dict[str, Any]:
    """A record's fields as column values (the tables mirror the dataclasses)."""
    row = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    if "roles" in row:
        row["roles"] = _roles_text(row["roles"])
    return row


def _from_row(cls: type[R], m: Any) -> R:
    values = {f.name: m[f.name] for f in dataclasses.fields(cls)}
    if "roles" in values:
        values["roles"] = frozenset(Role(r) for r in values["roles"].split(",") if r)
    if "active" in values:
        values["active"] = bool(values["active"])
    return cls(**values)


class SqlSecurityRepository:
    """The security context's repository on one connection (inside a unit of work)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def _one(self, cls: type[R], table: sa.Table, column: sa.Column[Any], value: str) -> R | None:
        row = self._conn.execute(sa.select(table).where(column == value)).first()
        return _from_row(cls, row._mapping) if row else None

    # users -------------------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        self._conn.execute(users.insert().values(**_to_row(user)))

    def get_user(self, user_id: str) -> User | None:
        return self._one(User, users, users.c.id, user_id)

    def get_user_by_username(self, username: str) -> User | None:
        return self._one(User, users, users.c.username, username)

    def update_user(self, user: User) -> None:
        self._conn.execute(users.update().where(users.c.id == user.id).values(**_to_row(user)))

    def list_users(
        self, organisation_ids: list[str] | None, limit: int, offset: int
    ) -> tuple[list[User], int]:
        query = sa.select(users)
        count = sa.select(sa.func.count()).select_from(users)
        if organisation_ids is not None:
            query = query.where(users.c.organisation_id.in_(organisation_ids))
            count = count.where(users.c.organisation_id.in_(organisation_ids))
        rows = self._conn.execute(
            query.order_by(users.c.username).limit(limit).offset(offset)
        ).all()
        total = int(self._conn.execute(count).scalar_one())
        return [_from_row(User, r._mapping) for r in rows], total

    # service accounts --------------------------------------------------------------------
    def add_service_account(self, account: ServiceAccount) -> None:
        self._conn.execute(service_accounts.insert().values(**_to_row(account)))

    def get_service_account(self, account_id: str) -> ServiceAccount | None:
        return self._one(ServiceAccount, service_accounts, service_accounts.c.id, account_id)

    def get_service_account_by_prefix(self, key_prefix: str) -> ServiceAccount | None:
        table = service_accounts
        return self._one(ServiceAccount, table, table.c.key_prefix, key_prefix)

    def update_service_account(self, account: ServiceAccount) -> None:
        self._conn.execute(
            service_accounts.update()
            .where(service_accounts.c.id == account.id)
            .values(**_to_row(account))
        )

    # scope grants ------------------------------------------------------------------------
    def add_grant(self, grant: ScopeGrant) -> None:
        self._conn.execute(scope_grants.insert().values(**_to_row(grant)))

    def delete_grant(self, grant_id: str) -> None:
        self._conn.execute(scope_grants.delete().where(scope_grants.c.id == grant_id))

    def get_grant(self, grant_id: str) -> ScopeGrant | None:
        return self._one(ScopeGrant, scope_grants, scope_grants.c.id, grant_id)

    def grants_for(self, grantee_organisation_id: str) -> list[ScopeGrant]:
        rows = self._conn.execute(
            sa.select(scope_grants)
            .where(scope_grants.c.grantee_organisation_id == grantee_organisation_id)
            .order_by(scope_grants.c.created_at)
        ).all()
        return [_from_row(ScopeGrant, r._mapping) for r in rows]
