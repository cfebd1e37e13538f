"""Helpers shared by the registry use cases: loading, validation, personal-field views."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TypeVar

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.events import json_safe
from lifeline.registry import importers
from lifeline.registry.model import (
    MAX_NAME_LENGTH,
    PERSONAL_FIELDS,
    REGISTRY,
    AdministrativeArea,
    Facility,
    Organisation,
    RegistryRepository,
    Unset,
    masked,
)
from lifeline.security.model import Permission

R = TypeVar("R", Organisation, Facility)
ADMIN_CODE_RE = importers.ADMIN_CODE_RE
PHONE_RE = importers.PHONE_RE
MAX_ATTRIBUTES_BYTES = 16_384


def repo_of(ctx: HandlerContext) -> RegistryRepository:
    return ctx.uow.repo(REGISTRY)


# --- validation helpers -------------------------------------------------------------------


def valid_name(value: str, field: str = "name") -> str:
    name = value.strip()
    if not name:
        raise InvalidInput(field, "must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(field, f"must be at most {MAX_NAME_LENGTH} characters")
    return name


def valid_text(value: str | None, field: str, max_len: int) -> str | None:
    if value is None:
        return None
    text = value.strip()
    if len(text) > max_len:
        raise InvalidInput(field, f"must be at most {max_len} characters")
    return text or None


def valid_phone(value: str | None, field: str = "contact_phone") -> str | None:
    phone = valid_text(value, field, 50)
    if phone is not None and not PHONE_RE.match(phone):
        raise InvalidInput(field, "must be a phone number (digits, spaces, +, -, parentheses)")
    return phone


def valid_admin_code(value: str | None) -> str | None:
    code = valid_text(value, "admin_code", 20)
    if code is not None and not ADMIN_CODE_RE.match(code):
        raise InvalidInput("admin_code", "must be a 6-, 9- or 12-digit division code")
    return code


def non_negative(value: int | None, field: str) -> int | None:
    if value is not None and value < 0:
        raise InvalidInput(field, "must be ≥ 0")
    return value


def valid_attributes(value: Mapping[str, Any], field: str = "attributes") -> dict[str, Any]:
    try:
        clean = json_safe(dict(value))
        size = len(json.dumps(clean, ensure_ascii=False))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(field, f"must be a JSON object: {exc}") from exc
    if size > MAX_ATTRIBUTES_BYTES:
        raise InvalidInput(field, f"must be at most {MAX_ATTRIBUTES_BYTES} bytes of JSON")
    return dict(clean)


def check_version(expected: int | None, current: int, kind: str) -> None:
    if expected is not None and expected != current:
        raise Conflict(f"the {kind} is at version {current}, not {expected}; reload and retry")


def changed_fields(current: Any, **values: Any) -> dict[str, Any]:
    """The fields of ``values`` that are set (not UNSET) and differ from ``current``."""
    return {
        k: v for k, v in values.items() if not isinstance(v, Unset) and getattr(current, k) != v
    }


def split_personal(changes: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Split changes into event payload values and the names of changed personal fields."""
    public = {k: json_safe(v) for k, v in changes.items() if k not in PERSONAL_FIELDS}
    return public, tuple(k for k in PERSONAL_FIELDS if k in changes)


# --- personal fields ----------------------------------------------------------------------


def _has_personal(record: Organisation | Facility) -> bool:
    return record.contact_name is not None or record.contact_phone is not None


def view(ctx: HandlerContext, record: R, kind: str) -> R:
    """``record`` unmasked if the caller may read its personal fields (the read is logged),
    masked otherwise."""
    if not _has_personal(record):
        return record
    if ctx.allowed(Permission.PERSONAL_READ, record.path, personal=True):
        ctx.authorize(
            target_kind=kind,
            target_id=record.id,
            target_path=record.path,
            personal_fields=PERSONAL_FIELDS,
            permission=Permission.PERSONAL_READ,
        )
        return record
    return masked(record)


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)


# --- loading ------------------------------------------------------------------------------


Owned = TypeVar("Owned", AdministrativeArea, Facility)


def authorized(ctx: HandlerContext, kind: str, record: Owned | None, record_id: str) -> Owned:
    """``record`` once the caller may act on it; missing or out of scope both answer 404."""
    if record is None:
        raise NotFound(kind, record_id)
    ctx.authorize(target_kind=kind, target_id=record.id, target_path=record.path)
    return record


def load_org(
    ctx: HandlerContext,
    organisation_id: str,
    *,
    authorize: bool = True,
    permission: str | None = None,
) -> Organisation:
    org = repo_of(ctx).get_organisation(organisation_id)
    if org is None:
        raise NotFound("organisation", organisation_id)
    if authorize:
        ctx.authorize(
            target_kind="organisation",
            target_id=org.id,
            target_path=org.path,
            permission=permission,
        )
    return org
