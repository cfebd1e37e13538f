"""The alerts tables and repositories (one module per concept)."""

from lifeline.alerts.store.messages import (
    SqlAlertRepository,
    SqlExternalAlertRepository,
    alerts,
    external_alerts,
    external_rejected,
)
from lifeline.alerts.store.notices import SqlNoticeRepository, notices
from lifeline.alerts.store.outbox import SqlOutboxRepository, deliveries, subscriptions

__all__ = [
    "SqlAlertRepository",
    "SqlExternalAlertRepository",
    "SqlNoticeRepository",
    "SqlOutboxRepository",
    "alerts",
    "deliveries",
    "external_alerts",
    "external_rejected",
    "notices",
    "subscriptions",
]
