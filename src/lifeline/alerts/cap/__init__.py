"""OASIS CAP 1.2: the message model, producer, safe parser, schema and rule validation."""

from lifeline.alerts.cap.issues import CapIssue
from lifeline.alerts.cap.produce import produce
from lifeline.alerts.cap.validate import CapReport, parse, validate

__all__ = ["CapIssue", "CapReport", "parse", "produce", "validate"]
