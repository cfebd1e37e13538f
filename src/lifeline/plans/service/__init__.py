"""Plans use cases: command and query handlers, and the events this context reacts to."""

from __future__ import annotations

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.outbox import Subscription
from lifeline.plans import messages as m
from lifeline.plans.service import activation as _activation
from lifeline.plans.service.activation import (
    activate_plan,
    get_activation,
    list_activations,
    stand_down,
)
from lifeline.plans.service.plans import (
    Saved,
    get_plan,
    get_plan_version,
    list_plans,
    plan_versions,
    retire_plan,
    revise_plan,
    save_plan,
)
from lifeline.plans.service.tasks import (
    acknowledge_task,
    check_overdue_tasks,
    complete_task,
    get_task,
    list_tasks,
    progress_task,
)

__all__ = ["Saved", "check_overdue", "register_handlers", "subscriptions"]


def register_handlers(bus: MessageBus) -> None:
    """Register this context's command and query handlers on ``bus``."""
    bus.register(m.SavePlan, save_plan)
    bus.register(m.RevisePlan, revise_plan)
    bus.register(m.RetirePlan, retire_plan)
    bus.register(m.GetPlan, get_plan)
    bus.register(m.ListPlans, list_plans)
    bus.register(m.PlanVersions, plan_versions)
    bus.register(m.GetPlanVersion, get_plan_version)
    bus.register(m.ActivatePlan, activate_plan)
    bus.register(m.StandDown, stand_down)
    bus.register(m.GetActivation, get_activation)
    bus.register(m.ListActivations, list_activations)
    bus.register(m.ListTasks, list_tasks)
    bus.register(m.GetTask, get_task)
    bus.register(m.AcknowledgeTask, acknowledge_task)
    bus.register(m.ProgressTask, progress_task)
    bus.register(m.CompleteTask, complete_task)
    bus.register(m.CheckOverdueTasks, check_overdue_tasks)


def subscriptions() -> tuple[Subscription, ...]:
    """The outbox subscriptions by which this context reacts to other contexts' events."""
    return _activation.subscriptions()


def check_overdue(bus: MessageBus) -> int:
    """Escalate every overdue task, as the system; return how many were escalated."""
    escalated: int = bus.handle(m.CheckOverdueTasks(), SYSTEM_ACTOR)
    return escalated
