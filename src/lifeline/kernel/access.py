"""Who is acting and the port through which every command and query is authorised.

The kernel knows only the shape of an actor and of a decision; the policy itself lives in
``lifeline.security.policy`` and is wired in by ``bootstrap``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ActorKind(StrEnum):
    USER = "user"
    SERVICE = "service"
    SYSTEM = "system"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Actor:
    """An authenticated caller, resolved once per request.

    ``scope_paths`` are materialised organisation paths (``/city/district/``): the actor may see
    every organisation whose path starts with one of them (its own subtree plus explicit grants).
    """

    id: str
    kind: ActorKind
    organisation_id: str | None
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    scope_paths: tuple[str, ...] = ()
    name: str = ""

    @property
    def ref(self) -> str:
        """The actor as written in the event log: ``user:<id>``, ``service:<id>`` or ``system``."""
        return "system" if self.kind is ActorKind.SYSTEM else f"{self.kind.value}:{self.id}"


SYSTEM_ACTOR = Actor(
    id="system",
    kind=ActorKind.SYSTEM,
    organisation_id=None,
    roles=frozenset({"system"}),
    permissions=frozenset({"*"}),
    scope_paths=("/",),
    name="Lifeline",
)


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class AccessDecision:
    """One authorisation decision, kept in the access log."""

    at: datetime
    actor_id: str
    actor_organisation_id: str | None
    action: str
    permission: str
    outcome: Outcome
    reason: str
    target_kind: str = ""
    target_id: str = ""
    target_path: str = ""
    personal_fields: tuple[str, ...] = field(default=())


class AccessPolicy(Protocol):
    """Decides whether an actor may use a permission on a target at an organisation path."""

    def check(
        self, actor: Actor, permission: str, target_path: str | None, *, personal: bool = False
    ) -> tuple[Outcome, str]:
        """Return the outcome and a short reason; never raises.

        ``target_path=None`` checks the roles only; otherwise the path must also lie inside one
        of the actor's ``scope_paths``. ``personal=True`` additionally needs the personal-data
        right.
        """
        ...
