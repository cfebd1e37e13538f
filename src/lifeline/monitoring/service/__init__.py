"""Monitoring use cases: the sensor registry, device keys, observation ingest, device health."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription
from lifeline.monitoring import messages as m
from lifeline.monitoring.health import HealthPolicy
from lifeline.monitoring.kinds import kinds
from lifeline.monitoring.service.health import HealthChecker, HealthSummary, health_report
from lifeline.monitoring.service.ingest import (
    Ingestor,
    IngestResult,
    admit,
    authenticate_device,
    quarantine_unattributed,
)
from lifeline.monitoring.service.observations import list_observations, list_quarantine
from lifeline.monitoring.service.registry import (
    create_datastream,
    get_datastream,
    get_thing,
    issue_device_key,
    list_datastreams,
    list_sensors,
    list_things,
    register_sensor,
    register_thing,
)
from lifeline.monitoring.sinks import BatchSink
from lifeline.monitoring.validation import IngestWindow

__all__ = [
    "HealthSummary",
    "IngestResult",
    "admit",
    "authenticate_device",
    "quarantine_unattributed",
    "register_handlers",
    "register_runtime",
    "subscriptions",
]


def register_handlers(bus: MessageBus) -> None:
    """Register this context's command and query handlers on ``bus`` (ingest and health, which
    need settings, are registered by :func:`register_runtime`)."""
    bus.register(m.RegisterSensor, register_sensor)
    bus.register(m.ListSensors, list_sensors)
    bus.register(m.RegisterThing, register_thing)
    bus.register(m.GetThing, get_thing)
    bus.register(m.ListThings, list_things)
    bus.register(m.CreateDatastream, create_datastream)
    bus.register(m.GetDatastream, get_datastream)
    bus.register(m.ListDatastreams, list_datastreams)
    bus.register(m.IssueDeviceKey, issue_device_key)
    bus.register(m.ListObservations, list_observations)
    bus.register(m.ListQuarantine, list_quarantine)
    bus.register(m.DeviceHealthReport, health_report)


def register_runtime(
    bus: MessageBus,
    *,
    window: IngestWindow,
    grace_factor: float,
    sinks: Callable[[], Sequence[BatchSink]],
) -> None:
    """Register ingest (which hands each stored batch to ``sinks()``) and the health check."""
    bus.register(m.IngestObservations, Ingestor(window, sinks))
    stuck = {k: spec.stuck_samples for k, spec in kinds().items()}
    bus.register(
        m.CheckDeviceHealth,
        HealthChecker(HealthPolicy(grace_factor=grace_factor, stuck_samples=stuck)),
    )


def subscriptions() -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to other contexts' events."""
    return ()
