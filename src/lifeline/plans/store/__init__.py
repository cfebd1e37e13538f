"""Tables and the repository of the plans context."""

from __future__ import annotations

from lifeline.plans.store.repository import SqlPlansRepository
from lifeline.plans.store.tables import activations, plan_versions, plans, tasks

__all__ = ["SqlPlansRepository", "activations", "plan_versions", "plans", "tasks"]
