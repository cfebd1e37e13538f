"""Alerts use cases: authoring, approval, publication, update and cancellation of public
warnings; delivery of early warning's alarm notices."""

from __future__ import annotations

from lifeline.alerts.messages import (
    ApproveAlert,
    CancelAlert,
    CheckUnsubscribeToken,
    DraftAlert,
    GetAlert,
    GetAlertCap,
    GetDeliveryReport,
    GetPublicAlertCap,
    IngestCapFeed,
    ListAlerts,
    ListExternalAlerts,
    ListPublicAlerts,
    PublishAlert,
    ReadInbox,
    RejectAlert,
    SubmitAlert,
    Subscribe,
    Unsubscribe,
    UpdateAlert,
)
from lifeline.alerts.service.authoring import (
    approve_alert,
    cancel_alert,
    draft_alert,
    publish_alert,
    reject_alert,
    submit_alert,
    update_alert,
)
from lifeline.alerts.service.external import (
    FeedReport,
    RejectedEntry,
    ingest_cap_feed,
    list_external_alerts,
)
from lifeline.alerts.service.inbox import InboxItem, read_inbox
from lifeline.alerts.service.notices import subscriptions
from lifeline.alerts.service.outbox import DeliveryReport, get_delivery_report, subscribe
from lifeline.alerts.service.reading import (
    get_alert,
    get_alert_cap,
    get_public_alert_cap,
    list_alerts,
    list_public_alerts,
)
from lifeline.alerts.service.unsubscribe import (
    UnsubscribeView,
    check_unsubscribe_token,
    unsubscribe,
)
from lifeline.kernel.bus import MessageBus

__all__ = [
    "DeliveryReport",
    "FeedReport",
    "InboxItem",
    "RejectedEntry",
    "UnsubscribeView",
    "register_handlers",
    "subscriptions",
]


def register_handlers(bus: MessageBus) -> None:
    bus.register(DraftAlert, draft_alert)
    bus.register(SubmitAlert, submit_alert)
    bus.register(RejectAlert, reject_alert)
    bus.register(ApproveAlert, approve_alert)
    bus.register(PublishAlert, publish_alert)
    bus.register(UpdateAlert, update_alert)
    bus.register(CancelAlert, cancel_alert)
    bus.register(GetAlert, get_alert)
    bus.register(GetAlertCap, get_alert_cap)
    bus.register(ListAlerts, list_alerts)
    bus.register(ListPublicAlerts, list_public_alerts)
    bus.register(GetPublicAlertCap, get_public_alert_cap)
    bus.register(IngestCapFeed, ingest_cap_feed)
    bus.register(ListExternalAlerts, list_external_alerts)
    bus.register(Subscribe, subscribe)
    bus.register(GetDeliveryReport, get_delivery_report)
    bus.register(ReadInbox, read_inbox)
    bus.register(CheckUnsubscribeToken, check_unsubscribe_token)
    bus.register(Unsubscribe, unsubscribe)
