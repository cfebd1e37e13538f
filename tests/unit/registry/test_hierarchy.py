"""Rules of the organisation tree: allowed parents, paths, moves and removal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.registry import hierarchy
from lifeline.registry.model import DepartmentType, OrgKind

K = OrgKind
SPEC: dict[OrgKind, set[OrgKind | None]] = {
    K.CITY: {None},
    K.DISTRICT: {K.CITY},
    K.STREET: {K.DISTRICT},
    K.PARK: {K.DISTRICT, K.STREET},
    K.DEPARTMENT: {K.CITY, K.DISTRICT},
    K.ENTERPRISE: {K.PARK, K.STREET, K.DISTRICT},
    K.SOCIAL_ORGANISATION: {K.CITY, K.DISTRICT},
}


@pytest.mark.parametrize("kind", list(OrgKind))
@pytest.mark.parametrize("parent", [None, *OrgKind])
def test_parent_rules_match_the_specification(kind: OrgKind, parent: OrgKind | None) -> None:
    if parent in SPEC[kind]:
        hierarchy.check_parent(kind, parent)
    else:
        with pytest.raises(InvalidInput) as info:
            hierarchy.check_parent(kind, parent)
        assert info.value.problems[0].field == "parent_id"


def test_refusal_names_the_allowed_parents() -> None:
    with pytest.raises(InvalidInput, match="allowed: district or street"):
        hierarchy.check_parent(K.PARK, K.CITY)
    with pytest.raises(InvalidInput, match="is a root"):
        hierarchy.check_parent(K.CITY, K.CITY)
    with pytest.raises(InvalidInput, match="needs a parent"):
        hierarchy.check_parent(K.STREET, None)


def test_department_type_only_and_always_on_departments() -> None:
    hierarchy.check_department_type(K.DEPARTMENT, DepartmentType.FIRE)
    hierarchy.check_department_type(K.PARK, None)
    with pytest.raises(InvalidInput, match="needs a department_type"):
        hierarchy.check_department_type(K.DEPARTMENT, None)
    with pytest.raises(InvalidInput, match="only departments"):
        hierarchy.check_department_type(K.PARK, DepartmentType.FIRE)


def test_paths() -> None:
    assert hierarchy.child_path(None, "c") == "/c/"
    assert hierarchy.child_path("/c/", "d") == "/c/d/"
    assert hierarchy.path_ids("/c/d/s/") == ["c", "d", "s"]
    assert hierarchy.parent_path("/c/d/") == "/c/"
    assert hierarchy.parent_path("/c/") is None
    with pytest.raises(InvalidInput):
        hierarchy.child_path("/c/", "a/b")
    with pytest.raises(ValueError, match="malformed"):
        hierarchy.child_path("c", "d")


def test_sibling_prefixes_are_not_confused() -> None:
    assert not hierarchy.is_within("/a/b1/", "/a/b/")
    assert hierarchy.is_within("/a/b/c/", "/a/b/")


def test_move_below_itself_or_descendant_is_refused() -> None:
    with pytest.raises(Conflict):
        hierarchy.check_move("/c/d/", "/c/d/")
    with pytest.raises(Conflict):
        hierarchy.check_move("/c/d/", "/c/d/s/")
    hierarchy.check_move("/c/d/", "/c/e/")


def test_removal_refused_while_holding_anything() -> None:
    hierarchy.check_removable(0, 0, 0)
    with pytest.raises(Conflict, match="2 child organisation"):
        hierarchy.check_removable(2, 0, 0)
    with pytest.raises(Conflict, match="1 facility"):
        hierarchy.check_removable(0, 0, 1)


ids = st.text(alphabet="abcdef0123456789-", min_size=1, max_size=8)


@st.composite
def trees(draw: st.DrawFn) -> dict[str, str | None]:
    """A random forest as ``{id: parent id or None}``; parents precede children."""
    names = draw(st.lists(ids, min_size=1, max_size=25, unique=True))
    parents: dict[str, str | None] = {}
    for i, name in enumerate(names):
        parents[name] = None if i == 0 else draw(st.sampled_from([None, *names[:i]]))
    return parents


def _paths(parents: dict[str, str | None]) -> dict[str, str]:
    paths: dict[str, str] = {}

    def path(node: str) -> str:
        if node not in paths:
            parent = parents[node]
            paths[node] = hierarchy.child_path(path(parent) if parent else None, node)
        return paths[node]

    for node in parents:
        path(node)
    return paths


def _ancestors(parents: dict[str, str | None], node: str) -> set[str]:
    out = {node}
    while (parent := parents[node]) is not None:
        out.add(parent)
        node = parent
    return out


@given(trees())
def test_path_lies_within_exactly_its_ancestors(parents: dict[str, str | None]) -> None:
    paths = _paths(parents)
    for node, path in paths.items():
        assert hierarchy.path_ids(path)[-1] == node
        assert hierarchy.parent_path(path) == (paths[p] if (p := parents[node]) else None)
        for other, other_path in paths.items():
            within = hierarchy.is_within(path, other_path)
            assert within == (other in _ancestors(parents, node))


@given(trees(), st.data())
def test_rebasing_a_subtree_keeps_every_path_consistent(
    parents: dict[str, str | None], data: st.DataObject
) -> None:
    paths = _paths(parents)
    moved = data.draw(st.sampled_from(sorted(parents)))
    target = data.draw(st.sampled_from(sorted(parents)))
    if hierarchy.is_within(paths[target], paths[moved]):
        with pytest.raises(Conflict):
            hierarchy.check_move(paths[moved], paths[target])
        return
    hierarchy.check_move(paths[moved], paths[target])
    new_prefix = hierarchy.child_path(paths[target], moved)
    old_prefix = paths[moved]
    rebased = {
        n: hierarchy.rebase(p, old_prefix, new_prefix) if p.startswith(old_prefix) else p
        for n, p in paths.items()
    }
    assert rebased == _paths({**parents, moved: target})
