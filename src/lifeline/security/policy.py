"""The access policy: the one place that decides every command and query.

A decision has two parts. **Role**: the actor's roles must grant the permission (admin grants
all). **Scope**: the target's owning organisation path must start with one of the actor's scope
paths: its own organisation's subtree (a parent sees its children) plus subtrees granted
explicitly; siblings see nothing of each other unless granted. Personal fields need
``personal.read`` in addition.
"""

from __future__ import annotations

from lifeline.kernel.access import Actor, Outcome
from lifeline.security.model import Permission

WILDCARD = "*"


def path_within(target_path: str, scope_path: str) -> bool:
    """True when ``target_path`` lies in the subtree rooted at ``scope_path``.

    Paths are ``/``-separated organisation ids with a trailing slash (``/city/district/``), so a
    prefix test cannot confuse ``/a/b1/`` with ``/a/b/``.
    """
    return target_path.startswith(scope_path)


class ScopePolicy:
    """Role-based permissions intersected with organisation-subtree scope."""

    def check(
        self, actor: Actor, permission: str, target_path: str | None, *, personal: bool = False
    ) -> tuple[Outcome, str]:
        perms = actor.permissions
        if WILDCARD not in perms and permission not in perms:
            return Outcome.DENIED, f"roles do not grant {permission}"
        if personal and WILDCARD not in perms and Permission.PERSONAL_READ not in perms:
            return Outcome.DENIED, "roles do not grant personal.read"
        if target_path is None:
            return Outcome.ALLOWED, "role grants permission"
        for scope in actor.scope_paths:
            if path_within(target_path, scope):
                return Outcome.ALLOWED, f"within scope {scope}"
        return Outcome.DENIED, "outside the actor's organisation scope"
