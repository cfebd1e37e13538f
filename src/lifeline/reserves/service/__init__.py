"""Reserves use cases: catalogue, depots, stock movements, reservations, standards and gaps.

Every handler authorises its target against the owning organisation's path; lists are filtered
by the caller's scope paths; every state change is recorded as an event.
"""

from __future__ import annotations

from lifeline.kernel.bus import MessageBus
from lifeline.reserves import messages as m
from lifeline.reserves.service.allocation import AllocationPlan, plan_allocation
from lifeline.reserves.service.depots import create_depot, get_depot, list_depots, list_materials
from lifeline.reserves.service.personnel import (
    find_responders,
    list_certification_alarms,
    list_responders,
    record_training,
    register_responder,
    set_availability,
    set_roster,
)
from lifeline.reserves.service.requests import (
    approve_request,
    cancel_request,
    commit_request,
    create_request,
    get_request,
    list_requests,
    receive_request,
    reject_request,
    request_timeline,
    ship_request,
)
from lifeline.reserves.service.siting import site_depots
from lifeline.reserves.service.standards import (
    ExpiryAlarm,
    GapLine,
    GapReportView,
    ShortageAlarm,
    create_standard,
    expiry_alarms,
    gap_report,
    list_agreements,
    list_standards,
    register_agreement,
    shortage_alarms,
)
from lifeline.reserves.service.stock import (
    adjust_stock,
    get_lot,
    issue_stock,
    list_lots,
    lot_movements,
    receive_stock,
    release_reservation,
    reserve_stock,
    return_stock,
    transfer_stock,
    write_off_stock,
)

__all__ = [
    "AllocationPlan",
    "ExpiryAlarm",
    "GapLine",
    "GapReportView",
    "ShortageAlarm",
    "register_handlers",
]


def register_handlers(bus: MessageBus) -> None:
    bus.register(m.ListMaterials, list_materials)
    bus.register(m.CreateDepot, create_depot)
    bus.register(m.GetDepot, get_depot)
    bus.register(m.ListDepots, list_depots)
    bus.register(m.ReceiveStock, receive_stock)
    bus.register(m.IssueStock, issue_stock)
    bus.register(m.ReturnStock, return_stock)
    bus.register(m.TransferStock, transfer_stock)
    bus.register(m.WriteOffStock, write_off_stock)
    bus.register(m.AdjustStock, adjust_stock)
    bus.register(m.ReserveStock, reserve_stock)
    bus.register(m.ReleaseReservation, release_reservation)
    bus.register(m.GetLot, get_lot)
    bus.register(m.ListLots, list_lots)
    bus.register(m.LotMovements, lot_movements)
    bus.register(m.ExpiryAlarms, expiry_alarms)
    bus.register(m.ShortageAlarms, shortage_alarms)
    bus.register(m.CreateStandard, create_standard)
    bus.register(m.ListStandards, list_standards)
    bus.register(m.GapReport, gap_report)
    bus.register(m.SiteDepots, site_depots)
    bus.register(m.PlanAllocation, plan_allocation)
    bus.register(m.CreateRequest, create_request)
    bus.register(m.ApproveRequest, approve_request)
    bus.register(m.RejectRequest, reject_request)
    bus.register(m.CommitRequest, commit_request)
    bus.register(m.ShipRequest, ship_request)
    bus.register(m.ReceiveRequest, receive_request)
    bus.register(m.CancelRequest, cancel_request)
    bus.register(m.GetRequest, get_request)
    bus.register(m.ListRequests, list_requests)
    bus.register(m.RequestTimeline, request_timeline)
    bus.register(m.RegisterResponder, register_responder)
    bus.register(m.SetAvailability, set_availability)
    bus.register(m.RecordTraining, record_training)
    bus.register(m.ListResponders, list_responders)
    bus.register(m.FindResponders, find_responders)
    bus.register(m.SetRoster, set_roster)
    bus.register(m.CertificationAlarms, list_certification_alarms)
    bus.register(m.RegisterAgreement, register_agreement)
    bus.register(m.ListAgreements, list_agreements)
