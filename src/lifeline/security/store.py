"""Tables and the SQL repository for users, service accounts and scope grants."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.security.model import Role, ScopeGrant, ServiceAccount, User

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


def _roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def _user(m: Any) -> User:
    return User(
        id=m["id"],
        username=m["username"],
        display_name=m["display_name"],
        organisation_id=m["organisation_id"],
        roles=_roles(m["roles"]),
        password_hash=m["password_hash"],
        active=bool(m["active"]),
        created_at=m["created_at"],
        phone=m["phone"],
    )


def _account(m: Any) -> ServiceAccount:
    return ServiceAccount(
        id=m["id"],
        name=m["name"],
        organisation_id=m["organisation_id"],
        roles=_roles(m["roles"]),
        key_prefix=m["key_prefix"],
        key_hash=m["key_hash"],
        active=bool(m["active"]),
        created_at=m["created_at"],
    )


def _grant(m: Any) -> ScopeGrant:
    return ScopeGrant(
        id=m["id"],
        grantee_organisation_id=m["grantee_organisation_id"],
        target_organisation_id=m["target_organisation_id"],
        reason=m["reason"],
        granted_by=m["granted_by"],
        created_at=m["created_at"],
        expires_at=m["expires_at"],
    )


class SqlSecurityRepository:
    """The security context's repository on one connection (inside a unit of work)."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # users -------------------------------------------------------------------------------
    def add_user(self, user: User) -> None:
        self._conn.execute(
            users.insert().values(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                organisation_id=user.organisation_id,
                roles=_roles_text(user.roles),
                password_hash=user.password_hash,
                active=user.active,
                phone=user.phone,
                created_at=user.created_at,
            )
        )

    def get_user(self, user_id: str) -> User | None:
        row = self._conn.execute(sa.select(users).where(users.c.id == user_id)).first()
        return _user(row._mapping) if row else None

    def get_user_by_username(self, username: str) -> User | None:
        row = self._conn.execute(sa.select(users).where(users.c.username == username)).first()
        return _user(row._mapping) if row else None

    def update_user(self, user: User) -> None:
        self._conn.execute(
            users.update()
            .where(users.c.id == user.id)
            .values(
                display_name=user.display_name,
                organisation_id=user.organisation_id,
                roles=_roles_text(user.roles),
                password_hash=user.password_hash,
                active=user.active,
                phone=user.phone,
            )
        )

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
        return [_user(r._mapping) for r in rows], total

    # service accounts --------------------------------------------------------------------
    def add_service_account(self, account: ServiceAccount) -> None:
        self._conn.execute(
            service_accounts.insert().values(
                id=account.id,
                name=account.name,
                organisation_id=account.organisation_id,
                roles=_roles_text(account.roles),
                key_prefix=account.key_prefix,
                key_hash=account.key_hash,
                active=account.active,
                created_at=account.created_at,
            )
        )

    def get_service_account(self, account_id: str) -> ServiceAccount | None:
        row = self._conn.execute(
            sa.select(service_accounts).where(service_accounts.c.id == account_id)
        ).first()
        return _account(row._mapping) if row else None

    def get_service_account_by_prefix(self, key_prefix: str) -> ServiceAccount | None:
        row = self._conn.execute(
            sa.select(service_accounts).where(service_accounts.c.key_prefix == key_prefix)
        ).first()
        return _account(row._mapping) if row else None

    def update_service_account(self, account: ServiceAccount) -> None:
        self._conn.execute(
            service_accounts.update()
            .where(service_accounts.c.id == account.id)
            .values(
                name=account.name,
                roles=_roles_text(account.roles),
                active=account.active,
                key_prefix=account.key_prefix,
                key_hash=account.key_hash,
            )
        )

    # scope grants ------------------------------------------------------------------------
    def add_grant(self, grant: ScopeGrant) -> None:
        self._conn.execute(
            scope_grants.insert().values(
                id=grant.id,
                grantee_organisation_id=grant.grantee_organisation_id,
                target_organisation_id=grant.target_organisation_id,
                reason=grant.reason,
                granted_by=grant.granted_by,
                created_at=grant.created_at,
                expires_at=grant.expires_at,
            )
        )

    def delete_grant(self, grant_id: str) -> None:
        self._conn.execute(scope_grants.delete().where(scope_grants.c.id == grant_id))

    def get_grant(self, grant_id: str) -> ScopeGrant | None:
        row = self._conn.execute(
            sa.select(scope_grants).where(scope_grants.c.id == grant_id)
        ).first()
        return _grant(row._mapping) if row else None

    def grants_for(self, grantee_organisation_id: str) -> list[ScopeGrant]:
        rows = self._conn.execute(
            sa.select(scope_grants)
            .where(scope_grants.c.grantee_organisation_id == grantee_organisation_id)
            .order_by(scope_grants.c.created_at)
        ).all()
        return [_grant(r._mapping) for r in rows]
