"""Tables and the SQL repository of the reserves context."""

from __future__ import annotations

from lifeline.reserves.store.repository import SqlReservesRepository
from lifeline.reserves.store.tables import (
    agreements,
    depots,
    lots,
    movements,
    requests,
    responders,
    standards,
)

__all__ = [
    "SqlReservesRepository",
    "agreements",
    "depots",
    "lots",
    "movements",
    "requests",
    "responders",
    "standards",
]
