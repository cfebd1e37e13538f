"""RFC 9457 problem+json responses: every error the API returns names the field and the reason."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from lifeline.kernel.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    InvalidInput,
    NotFound,
    Overloaded,
    TooManyRequests,
    Unauthenticated,
)

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://lifeline.invalid/problems/"  # stable identifiers, not fetched


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str,
    request: Request | None = None,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
        request_id = getattr(request.state, "request_id", None)
        if request_id:
            body["request_id"] = request_id
    if errors:
        body["errors"] = [{"field": e.field, "reason": e.reason} for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return ".".join(rest) if (where == "body" and rest) else ".".join([where, *rest])
    return ".".join(parts)


def validation_problems(exc: RequestValidationError) -> list[FieldProblem]:
    out = []
    for err in exc.errors():
        reason = str(err.get("msg", "invalid"))
        if err.get("type") == "extra_forbidden":
            reason = "unknown field"
        elif err.get("type") == "json_invalid":
            ctx = err.get("ctx") or {}
            reason = f"malformed JSON: {ctx.get('error', 'cannot parse')}"
        out.append(FieldProblem(_loc_to_field(err.get("loc", ())) or "body", reason))
    return out


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = validation_problems(exc)
    malformed = any(p.reason.startswith("malformed JSON") for p in problems)
    return problem(
        400 if malformed else 422,
        "Malformed request body" if malformed else "Invalid input",
        "; ".join(f"{p.field}: {p.reason}" for p in problems),
        kind="malformed-body" if malformed else "invalid-input",
        request=request,
        errors=problems,
    )


_STATUS: list[tuple[type[DomainError], int, str]] = [
    (InvalidInput, 422, "invalid-input"),
    (NotFound, 404, "not-found"),
    (Conflict, 409, "conflict"),
    (Unauthenticated, 401, "unauthenticated"),
    (Forbidden, 403, "forbidden"),
    (TooManyRequests, 429, "too-many-requests"),
    (Overloaded, 503, "overloaded"),
]


async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    for cls, status, kind in _STATUS:
        if isinstance(exc, cls):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            if isinstance(exc, TooManyRequests | Overloaded):
                headers = {"Retry-After": str(max(1, math.ceil(exc.retry_after_s)))}
            errors = exc.problems if isinstance(exc, InvalidInput) else None
            detail = f"{exc.kind} not found" if isinstance(exc, NotFound) else str(exc)
            return problem(
                status,
                cls.title,
                detail,
                kind=kind,
                request=request,
                errors=errors,
                headers=headers,
            )
    return problem(400, exc.title, str(exc), kind="refused", request=request)


async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = {404: "not-found", 405: "method-not-allowed", 413: "payload-too-large"}.get(
        exc.status_code, "http-error"
    )
    return problem(
        exc.status_code,
        str(exc.detail),
        str(exc.detail),
        kind=kind,
        request=request,
        headers=dict(exc.headers) if exc.headers else None,
    )


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unhandled error on %s %s",
        request.method,
        request.url.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return problem(
        500,
        "Internal error",
        "an unexpected error occurred; it has been logged",
        kind="internal",
        request=request,
    )
