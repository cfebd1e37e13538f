"""Roles, permissions and the identities that hold them.

Roles map to permissions in :data:`ROLE_PERMISSIONS`; the table is the specification that the
scope-matrix tests check and that docs/security.md prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lifeline.kernel.ports import RepoKey


class Permission(StrEnum):
    """What a role may do. Scope (which organisations) is separate: see ``policy``."""

    ORG_READ = "org.read"  # organisations, areas, facilities
    ORG_WRITE = "org.write"  # create/update/delete organisations below one's own
    AREA_WRITE = "area.write"
    FACILITY_WRITE = "facility.write"
    REGISTRY_IMPORT = "registry.import"  # bulk GeoJSON/CSV import
    PERSONAL_READ = "personal.read"  # unmasked personal fields (contact names, phones)
    USER_MANAGE = "user.manage"  # users, service accounts, API keys, scope grants
    AUDIT_READ = "audit.read"  # timelines, the event log, the access log
    AUDIT_VERIFY = "audit.verify"  # walk the hash chain
    RESERVE_READ = "reserve.read"  # materials, depots, stock, standards, gaps, personnel
    RESERVE_WRITE = "reserve.write"  # depots, stock movements, requests, personnel records
    RESERVE_APPROVE = "reserve.approve"  # approve material requests for incidents
    ALERT_READ = "alert.read"  # public warnings in every state, delivery reports
    ALERT_DRAFT = "alert.draft"  # author and submit public warnings
    ALERT_APPROVE = "alert.approve"  # approve and publish, update and cancel public warnings
    SHARING_READ = "sharing.read"  # sources, datasets, runs, quality reports, lineage
    SHARING_WRITE = "sharing.write"  # register sources/datasets/mappings, ingest, quarantine
    SHARING_GRANT = "sharing.grant"  # sharing agreements with other organisations
    SENSOR_READ = "sensor.read"  # things, datastreams, observations, device health
    SENSOR_WRITE = "sensor.write"  # register things and datastreams, issue device keys
    RULE_WRITE = "rule.write"  # warning rules, level scales, silences, escalation chains
    ALARM_READ = "alarm.read"  # alarms, their roll-ups, the risk map, impact estimates
    ALARM_HANDLE = "alarm.handle"  # acknowledge, assign, comment on and silence alarms
    INCIDENT_READ = "incident.read"  # incidents, reports, timelines, situation reports
    INCIDENT_REPORT = "incident.report"  # enter calls and reports, verify, merge duplicates
    INCIDENT_COMMAND = "incident.command"  # grade and override, lifecycle, close, event groups
    PLAN_READ = "plan.read"  # emergency plans, activations, tasks
    PLAN_WRITE = "plan.write"  # author, import and retire emergency plans
    PLAN_ACTIVATE = "plan.activate"  # activate and stand down plans
    TASK_HANDLE = "task.handle"  # acknowledge, progress and complete a department's tasks
    UNIT_READ = "unit.read"  # response units, their status and position
    UNIT_WRITE = "unit.write"  # register units, report status and position (AVL)
    DISPATCH_COMMAND = "dispatch.command"  # approve dispatch orders and move-ups
    ROUTE_READ = "route.read"  # travel times and routes on the road network


class Role(StrEnum):
    DUTY_OFFICER = "duty_officer"
    COMMANDER = "commander"
    DEPARTMENT_LIAISON = "department_liaison"
    PARK_MANAGER = "park_manager"
    RESERVE_OFFICER = "reserve_officer"
    DATA_STEWARD = "data_steward"
    ANALYST = "analyst"
    ADMIN = "admin"


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DUTY_OFFICER: frozenset(
        {
            P.ORG_READ,
            P.PERSONAL_READ,
            P.AUDIT_READ,
            P.RESERVE_READ,
            P.ALERT_READ,
            P.ALERT_DRAFT,
            P.SENSOR_READ,
            P.ALARM_READ,
            P.ALARM_HANDLE,
            P.INCIDENT_READ,
            P.INCIDENT_REPORT,
            P.PLAN_READ,
            P.UNIT_READ,
            P.ROUTE_READ,
        }
    ),
    Role.COMMANDER: frozenset(
        {
            P.ORG_READ,
            P.PERSONAL_READ,
            P.AUDIT_READ,
            P.RESERVE_READ,
            P.RESERVE_APPROVE,
            P.ALERT_READ,
            P.ALERT_DRAFT,
            P.ALERT_APPROVE,
            P.SENSOR_READ,
            P.ALARM_READ,
            P.ALARM_HANDLE,
            P.INCIDENT_READ,
            P.INCIDENT_REPORT,
            P.INCIDENT_COMMAND,
            P.PLAN_READ,
            P.PLAN_WRITE,
            P.PLAN_ACTIVATE,
            P.UNIT_READ,
            P.DISPATCH_COMMAND,
            P.ROUTE_READ,
        }
    ),
    Role.DEPARTMENT_LIAISON: frozenset(
        {
            P.ORG_READ,
            P.RESERVE_READ,
            P.ALERT_READ,
            P.ALARM_READ,
            P.INCIDENT_READ,
            P.PLAN_READ,
            P.TASK_HANDLE,
            P.UNIT_READ,
            P.UNIT_WRITE,
            P.ROUTE_READ,
        }
    ),
    Role.PARK_MANAGER: frozenset(
        {
            P.ORG_READ,
            P.ORG_WRITE,
            P.AREA_WRITE,
            P.FACILITY_WRITE,
            P.PERSONAL_READ,
            P.RESERVE_READ,
            P.RESERVE_WRITE,
            P.ALERT_READ,
            P.ALERT_DRAFT,
            P.SENSOR_READ,
            P.SENSOR_WRITE,
            P.RULE_WRITE,
            P.ALARM_READ,
            P.ALARM_HANDLE,
            P.INCIDENT_READ,
            P.INCIDENT_REPORT,
            P.PLAN_READ,
            P.PLAN_WRITE,
            P.TASK_HANDLE,
            P.UNIT_READ,
            P.ROUTE_READ,
        }
    ),
    Role.RESERVE_OFFICER: frozenset(
        {
            P.ORG_READ,
            P.FACILITY_WRITE,
            P.RESERVE_READ,
            P.RESERVE_WRITE,
            P.INCIDENT_READ,
            P.UNIT_READ,
            P.ROUTE_READ,
        }
    ),
    Role.DATA_STEWARD: frozenset(
        {
            P.ORG_READ,
            P.ORG_WRITE,
            P.AREA_WRITE,
            P.FACILITY_WRITE,
            P.REGISTRY_IMPORT,
            P.SHARING_READ,
            P.SHARING_WRITE,
            P.SHARING_GRANT,
            P.SENSOR_READ,
            P.SENSOR_WRITE,
            P.RULE_WRITE,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.ORG_READ,
            P.AUDIT_READ,
            P.RESERVE_READ,
            P.ALERT_READ,
            P.SHARING_READ,
            P.SENSOR_READ,
            P.ALARM_READ,
            P.INCIDENT_READ,
            P.PLAN_READ,
            P.UNIT_READ,
            P.ROUTE_READ,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def permissions_for(roles: frozenset[Role] | set[Role]) -> frozenset[str]:
    """The union of the permissions of ``roles`` as plain strings."""
    out: set[str] = set()
    for role in roles:
        out.update(p.value for p in ROLE_PERMISSIONS[role])
    return frozenset(out)


class PrincipalKind(StrEnum):
    USER = "user"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class User:
    """A person who signs in with a password. ``phone`` is a personal field."""

    id: str
    username: str
    display_name: str
    organisation_id: str
    roles: frozenset[Role]
    password_hash: str
    active: bool
    created_at: datetime
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceAccount:
    """A device or source system that authenticates with an API key (only its hash is kept)."""

    id: str
    name: str
    organisation_id: str
    roles: frozenset[Role]
    key_prefix: str
    key_hash: str
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ScopeGrant:
    """Lets ``grantee_organisation_id`` see the subtree of ``target_organisation_id``."""

    id: str
    grantee_organisation_id: str
    target_organisation_id: str
    reason: str
    granted_by: str
    created_at: datetime
    expires_at: datetime | None = None


class OrganisationPaths(Protocol):
    """Port answered by the registry: an organisation's materialised path, or None."""

    def path_of(self, organisation_id: str) -> str | None: ...


class SecurityRepository(Protocol):
    """Port for users, service accounts and scope grants (implemented in ``store``)."""

    def add_user(self, user: User) -> None: ...

    def get_user(self, user_id: str) -> User | None: ...

    def get_user_by_username(self, username: str) -> User | None: ...

    def update_user(self, user: User) -> None: ...

    def list_users(
        self, organisation_ids: list[str] | None, limit: int, offset: int
    ) -> tuple[list[User], int]: ...

    def add_service_account(self, account: ServiceAccount) -> None: ...

    def get_service_account(self, account_id: str) -> ServiceAccount | None: ...

    def get_service_account_by_prefix(self, key_prefix: str) -> ServiceAccount | None: ...

    def update_service_account(self, account: ServiceAccount) -> None: ...

    def add_grant(self, grant: ScopeGrant) -> None: ...

    def delete_grant(self, grant_id: str) -> None: ...

    def get_grant(self, grant_id: str) -> ScopeGrant | None: ...

    def grants_for(self, grantee_organisation_id: str) -> list[ScopeGrant]: ...


SECURITY: RepoKey[SecurityRepository] = RepoKey("security")
ORG_PATHS: RepoKey[OrganisationPaths] = RepoKey("org_paths")
