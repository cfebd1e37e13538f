"""Tables and the repository of the dispatch context."""

from lifeline.dispatch.store.repository import SqlDispatchRepository

__all__ = ["SqlDispatchRepository"]
