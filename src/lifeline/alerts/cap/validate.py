"""One entry point for untrusted CAP: safe parse → namespace → XSD → model → spec rules."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from lifeline.alerts.cap import read, rules
from lifeline.alerts.cap.issues import CapIssue, Fatal
from lifeline.alerts.cap.model import CAP_NS, CapAlert
from lifeline.alerts.cap.safexml import MAX_MESSAGE_BYTES, parse_untrusted
from lifeline.alerts.cap.schema import schema_errors
from lifeline.kernel.errors import FieldProblem, InvalidInput


@dataclass(frozen=True, slots=True)
class CapReport:
    """The verdict on one message. ``alert`` is set whenever the message could be understood;
    ``ok`` says whether it is accepted in the mode it was checked in."""

    strict: bool
    alert: CapAlert | None
    errors: tuple[CapIssue, ...]
    warnings: tuple[CapIssue, ...]

    @property
    def ok(self) -> bool:
        return self.alert is not None and not self.errors

    def raise_for_errors(self) -> CapAlert:
        """The alert, or :class:`InvalidInput` naming every error."""
        if self.alert is None or self.errors:
            raise InvalidInput([_problem(i) for i in self.errors] or [_problem(None)])
        return self.alert


def _problem(issue: CapIssue | None) -> FieldProblem:
    if issue is None:
        return FieldProblem("xml", "not a CAP 1.2 alert")
    return FieldProblem(issue.path, issue.reason)


def validate(data: bytes, *, strict: bool = True, max_bytes: int = MAX_MESSAGE_BYTES) -> CapReport:
    """Check one CAP 1.2 message.

    Hostile or unreadable XML (DOCTYPE/ENTITY, over ``max_bytes``, not well-formed) and a root
    element outside the CAP 1.2 namespace raise :class:`InvalidInput`. Otherwise the document
    is checked against the official schema and the spec's other rules. In strict mode every
    problem is an error; in lenient mode (``strict=False``) a message that can still be
    understood is accepted and its schema and rule problems become warnings.
    """
    root = parse_untrusted(data, max_bytes=max_bytes)
    if root.tag != f"{{{CAP_NS}}}alert":
        raise InvalidInput("xml", f"root element is {root.tag!r}; expected {{{CAP_NS}}}alert")
    return validate_element(root, strict=strict)


def validate_element(root: etree._Element, *, strict: bool = True) -> CapReport:
    """Check an already safely parsed CAP ``alert`` element (see :func:`validate`)."""
    issues = [CapIssue(path, message) for path, message in schema_errors(root)]
    alert, read_issues = read.read(root)
    issues += read_issues
    if alert is not None:
        issues += rules.check(alert)
    fatal = tuple(i for i in issues if i.kind is Fatal.FATAL)
    soft = tuple(i for i in issues if i.kind is Fatal.RULE)
    if strict or alert is None:
        return CapReport(strict=strict, alert=alert, errors=fatal + soft, warnings=())
    return CapReport(strict=strict, alert=alert, errors=(), warnings=soft)


def parse(data: bytes, *, strict: bool = True, max_bytes: int = MAX_MESSAGE_BYTES) -> CapAlert:
    """The alert in ``data``, or :class:`InvalidInput` naming every error (see :func:`validate`)."""
    return validate(data, strict=strict, max_bytes=max_bytes).raise_for_errors()
