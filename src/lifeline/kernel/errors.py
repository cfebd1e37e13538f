"""The error hierarchy every context raises; the API maps it to problem+json in one place.

::

    LifelineError                      base of everything Lifeline raises on purpose
    ├── DomainError                    a request the domain refuses
    │   ├── InvalidInput    (400/422)  a field is wrong; carries the field path and the reason
    │   ├── NotFound        (404)      no such thing
    │   │   └── OutOfScope  (404)      it exists, but outside the caller's scope (recorded)
    │   ├── Conflict        (409)      the state forbids it (duplicate key, stale version)
    │   ├── Unauthenticated (401)      no or bad credentials
    │   ├── Forbidden       (403)      authenticated, but the role lacks the permission
    │   ├── TooManyRequests (429)      the caller exceeds its rate; retry after a while
    │   └── Overloaded      (503)      the service is at capacity for everyone; retry later
    ├── IntegrityViolation             stored data fails a check (e.g. the audit chain is broken)
    └── ConfigurationError             settings or wiring are wrong; raised at start-up

Domain code never raises HTTP errors; ``lifeline.api.errors`` maps these classes to status codes.
"""

from __future__ import annotations

from dataclasses import dataclass


class LifelineError(Exception):
    """Base of every error Lifeline raises on purpose."""


class DomainError(LifelineError):
    """A request the domain refuses. ``title`` is a short, stable, human-readable summary."""

    title = "Request refused"


@dataclass(frozen=True)
class FieldProblem:
    """One reason a field is invalid. ``field`` is a dotted path such as ``location.lon``."""

    field: str
    reason: str


class InvalidInput(DomainError):
    """One or more fields are invalid; each problem names the field and the reason."""

    title = "Invalid input"

    def __init__(self, problems: list[FieldProblem] | FieldProblem | str, reason: str = "") -> None:
        if isinstance(problems, str):
            problems = [FieldProblem(problems, reason)]
        elif isinstance(problems, FieldProblem):
            problems = [problems]
        self.problems: list[FieldProblem] = problems
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))


class NotFound(DomainError):
    """No such thing, or it lies outside the caller's scope (existence is never leaked)."""

    title = "Not found"

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class OutOfScope(NotFound):
    """The target exists outside the caller's scope; answered as NotFound so nothing leaks."""


class Conflict(DomainError):
    """The current state forbids the request: a duplicate key, a stale version, a bad transition."""

    title = "Conflict"


class Unauthenticated(DomainError):
    """Missing, expired or invalid credentials."""

    title = "Unauthenticated"


class Forbidden(DomainError):
    """The caller is authenticated but their roles lack the permission."""

    title = "Forbidden"


class TooManyRequests(DomainError):
    """The caller sends faster than its rate limit allows; ``retry_after_s`` says when to retry."""

    title = "Too many requests"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class Overloaded(DomainError):
    """The service is at capacity (a bounded intake is full), whoever the caller is; nothing
    of the request was accepted. ``retry_after_s`` says when to retry."""

    title = "Service overloaded"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class IntegrityViolation(LifelineError):
    """Stored data fails an integrity check, such as the event log's hash chain."""


class ConfigurationError(LifelineError):
    """Settings or wiring are wrong; raised at start-up, never while serving a request."""
