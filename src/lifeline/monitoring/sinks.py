"""The port through which stored observation batches reach early warning (and any other sink)."""

from __future__ import annotations

from typing import Protocol

from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch


class BatchSink(Protocol):
    """Receives every stored batch inside the unit of work that stored it."""

    def __call__(self, batch: ObservationBatch, uow: UnitOfWork) -> None: ...
