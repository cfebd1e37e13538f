"""Incidents use cases: command and query handlers, and the events this context reacts to."""

from __future__ import annotations

from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription


def register_handlers(bus: MessageBus) -> None:
    """Register this context's command and query handlers on ``bus``."""


def subscriptions() -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to other contexts' events."""
    return ()
