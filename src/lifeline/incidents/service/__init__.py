"""Incidents use cases: command and query handlers, and the events this context reacts to.

Every handler authorises its target against the owning organisation's path; lists are filtered
by the caller's scope paths; every state change is recorded as an event.
"""

from __future__ import annotations

from functools import partial

from lifeline.incidents import messages as m
from lifeline.incidents.service._common import IntakeSettings
from lifeline.incidents.service.intake import (
    IntakeResult,
    list_rejections,
    quarantine_intake,
    receive_call,
    receive_department_report,
    receive_public_report,
)
from lifeline.incidents.service.lifecycle import (
    advance_incident,
    override_grade,
    update_facts,
    verify_incident,
)
from lifeline.incidents.service.merges import (
    confirm_merge,
    list_merge_candidates,
    merge_incidents,
    reject_merge,
)
from lifeline.incidents.service.reactions import subscriptions_for
from lifeline.incidents.service.reading import (
    get_incident,
    get_photo,
    incident_timeline,
    list_incidents,
    list_reports,
)
from lifeline.incidents.service.sitreps import (
    check_sitrep_reminders,
    create_event_group,
    file_sitrep,
    group_incident,
    list_event_groups,
    list_sitreps,
)
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription

__all__ = ["IntakeResult", "IntakeSettings", "register_handlers", "subscriptions"]


def register_handlers(bus: MessageBus, settings: IntakeSettings | None = None) -> None:
    """Register this context's command and query handlers on ``bus``."""
    settings = settings or IntakeSettings()
    bus.register(m.ReceiveCall, partial(receive_call, settings=settings))
    bus.register(m.ReceiveDepartmentReport, partial(receive_department_report, settings=settings))
    bus.register(m.ReceivePublicReport, partial(receive_public_report, settings=settings))
    bus.register(m.QuarantineIntake, quarantine_intake)
    bus.register(m.ListRejections, list_rejections)
    bus.register(m.UpdateFacts, update_facts)
    bus.register(m.OverrideGrade, override_grade)
    bus.register(m.VerifyIncident, verify_incident)
    bus.register(m.AdvanceIncident, advance_incident)
    bus.register(m.GetIncident, get_incident)
    bus.register(m.ListIncidents, list_incidents)
    bus.register(m.ListReports, list_reports)
    bus.register(m.GetPhoto, get_photo)
    bus.register(m.IncidentTimeline, incident_timeline)
    bus.register(m.ListMergeCandidates, list_merge_candidates)
    bus.register(m.ConfirmMerge, confirm_merge)
    bus.register(m.RejectMerge, reject_merge)
    bus.register(m.MergeIncidents, merge_incidents)
    bus.register(m.CreateEventGroup, create_event_group)
    bus.register(m.GroupIncident, group_incident)
    bus.register(m.ListEventGroups, list_event_groups)
    bus.register(m.FileSituationReport, file_sitrep)
    bus.register(m.ListSituationReports, list_sitreps)
    bus.register(m.CheckSitrepReminders, check_sitrep_reminders)


def subscriptions(settings: IntakeSettings | None = None) -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to other contexts' events."""
    return subscriptions_for(settings or IntakeSettings())
