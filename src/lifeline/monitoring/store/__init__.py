"""Tables and the SQL repository of the monitoring context."""

from __future__ import annotations

from lifeline.monitoring.store.repository import SqlMonitoringRepository
from lifeline.monitoring.store.tables import (
    datastreams,
    device_keys,
    health,
    observations,
    quarantine,
    sensors,
    things,
)

__all__ = [
    "SqlMonitoringRepository",
    "datastreams",
    "device_keys",
    "health",
    "observations",
    "quarantine",
    "sensors",
    "things",
]
