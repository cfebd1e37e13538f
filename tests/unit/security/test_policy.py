"""The scope policy: roles grant permissions; organisation paths bound where they apply."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.access import Actor, ActorKind, Outcome
from lifeline.security.model import ROLE_PERMISSIONS, Permission, Role, permissions_for
from lifeline.security.policy import ScopePolicy, path_within

POLICY = ScopePolicy()


def actor(roles: set[Role], *scopes: str) -> Actor:
    return Actor(
        id="u",
        kind=ActorKind.USER,
        organisation_id="o",
        roles=frozenset(r.value for r in roles),
        permissions=permissions_for(roles),
        scope_paths=scopes,
    )


def test_parent_sees_children_but_siblings_see_nothing() -> None:
    city = actor({Role.ANALYST}, "/c/")
    futian = actor({Role.ANALYST}, "/c/futian/")
    assert POLICY.check(city, Permission.ORG_READ, "/c/futian/park/")[0] is Outcome.ALLOWED
    assert POLICY.check(futian, Permission.ORG_READ, "/c/futian/park/")[0] is Outcome.ALLOWED
    assert POLICY.check(futian, Permission.ORG_READ, "/c/luohu/")[0] is Outcome.DENIED
    assert POLICY.check(futian, Permission.ORG_READ, "/c/")[0] is Outcome.DENIED


def test_a_grant_adds_a_subtree() -> None:
    granted = actor({Role.ANALYST}, "/c/futian/", "/c/luohu/")
    assert POLICY.check(granted, Permission.ORG_READ, "/c/luohu/x/")[0] is Outcome.ALLOWED


def test_prefix_of_a_sibling_id_is_not_inside() -> None:
    assert not path_within("/c/d10/", "/c/d1/")
    assert path_within("/c/d1/x/", "/c/d1/")


def test_role_without_permission_is_denied_whatever_the_scope() -> None:
    liaison = actor({Role.DEPARTMENT_LIAISON}, "/c/")
    outcome, reason = POLICY.check(liaison, Permission.FACILITY_WRITE, "/c/")
    assert outcome is Outcome.DENIED
    assert "facility.write" in reason


def test_personal_fields_need_the_personal_right() -> None:
    analyst = actor({Role.ANALYST}, "/c/")
    duty = actor({Role.DUTY_OFFICER}, "/c/")
    assert POLICY.check(analyst, Permission.ORG_READ, "/c/", personal=True)[0] is Outcome.DENIED
    assert POLICY.check(duty, Permission.ORG_READ, "/c/", personal=True)[0] is Outcome.ALLOWED


def test_admin_holds_every_permission() -> None:
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_read_the_registry(role: Role) -> None:
    assert Permission.ORG_READ in ROLE_PERMISSIONS[role]


segment = st.text(alphabet="abcdef0123456789", min_size=1, max_size=6)


@given(a=st.lists(segment, min_size=1, max_size=4), b=st.lists(segment, min_size=1, max_size=4))
def test_scope_is_exactly_the_subtree(a: list[str], b: list[str]) -> None:
    pa = "/" + "/".join(a) + "/"
    pb = "/" + "/".join(b) + "/"
    inside = b[: len(a)] == a
    assert path_within(pb, pa) == inside
