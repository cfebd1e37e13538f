"""Pure rules of the organisation tree: allowed parents, materialised paths, moves, removal.

A path lists the ids from the root down to the organisation itself, each followed by ``/``:
the root city ``c`` has path ``/c/``, a district ``d`` below it ``/c/d/``. So the subtree of an
organisation is exactly the set of paths starting with its own path, which is what access scope
and list filters test.
"""

from __future__ import annotations

from collections.abc import Mapping

from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.registry.model import OrgKind

K = OrgKind
ALLOWED_PARENTS: Mapping[OrgKind, frozenset[OrgKind]] = {
    K.CITY: frozenset(),
    K.DISTRICT: frozenset({K.CITY}),
    K.STREET: frozenset({K.DISTRICT}),
    K.PARK: frozenset({K.DISTRICT, K.STREET}),
    K.DEPARTMENT: frozenset({K.CITY, K.DISTRICT}),
    K.ENTERPRISE: frozenset({K.PARK, K.STREET, K.DISTRICT}),
    K.SOCIAL_ORGANISATION: frozenset({K.CITY, K.DISTRICT}),
}


def check_parent(kind: OrgKind, parent_kind: OrgKind | None, field: str = "parent_id") -> None:
    """Raise :class:`InvalidInput` on ``field`` unless ``kind`` may sit under ``parent_kind``."""
    allowed = ALLOWED_PARENTS[kind]
    if parent_kind is None:
        if allowed:
            names = " or ".join(sorted(k.value for k in allowed))
            raise InvalidInput(field, f"a {kind.value} needs a parent ({names})")
        return
    if parent_kind not in allowed:
        if not allowed:
            raise InvalidInput(field, f"a {kind.value} is a root and has no parent")
        names = " or ".join(sorted(k.value for k in allowed))
        raise InvalidInput(
            field, f"a {kind.value} cannot be placed under a {parent_kind.value} (allowed: {names})"
        )


def check_id(org_id: str) -> None:
    if not org_id or "/" in org_id or "%" in org_id or "_" in org_id:
        raise InvalidInput("id", "an organisation id must be non-empty without '/', '%' or '_'")


def child_path(parent_path: str | None, org_id: str) -> str:
    """The materialised path of ``org_id`` below ``parent_path`` (``None`` for a root)."""
    check_id(org_id)
    base = "/" if parent_path is None else parent_path
    if not base.startswith("/") or not base.endswith("/"):
        raise ValueError(f"malformed path {base!r}")
    return f"{base}{org_id}/"


def path_ids(path: str) -> list[str]:
    """The ids along ``path`` from the root to the organisation itself."""
    return [part for part in path.split("/") if part]


def parent_path(path: str) -> str | None:
    """The parent's path, or ``None`` for a root."""
    ids = path_ids(path)
    return None if len(ids) <= 1 else "/" + "/".join(ids[:-1]) + "/"


def is_within(path: str, ancestor_path: str) -> bool:
    """True when ``path`` is ``ancestor_path`` itself or lies in its subtree."""
    return path.startswith(ancestor_path)


def check_move(org_path: str, new_parent_path: str) -> None:
    """Refuse a move that would put an organisation under itself or its own descendant."""
    if is_within(new_parent_path, org_path):
        raise Conflict("an organisation cannot be moved below itself or its own descendants")


def rebase(path: str, old_prefix: str, new_prefix: str) -> str:
    """Replace the subtree prefix ``old_prefix`` of ``path`` with ``new_prefix``."""
    if not path.startswith(old_prefix):
        raise ValueError(f"{path!r} is not within {old_prefix!r}")
    return new_prefix + path[len(old_prefix) :]


def check_removable(children: int, areas: int, facilities: int) -> None:
    """An organisation with children (or owned areas/facilities) cannot be removed."""
    held = [
        f"{n} {what}"
        for n, what in (
            (children, "child organisation(s)"),
            (areas, "area(s)"),
            (facilities, "facility(ies)"),
        )
        if n
    ]
    if held:
        raise Conflict("remove or move its " + ", ".join(held) + " first")


def check_department_type(kind: OrgKind, department_type: object | None) -> None:
    """A department must say which type it is; no other kind may have one."""
    if kind is OrgKind.DEPARTMENT and department_type is None:
        raise InvalidInput("department_type", "a department needs a department_type")
    if kind is not OrgKind.DEPARTMENT and department_type is not None:
        raise InvalidInput("department_type", f"only departments have one, not a {kind.value}")
