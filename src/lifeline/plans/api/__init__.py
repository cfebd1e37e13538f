"""HTTP routes of the plans context, one module per concept, mounted under ``/plans``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.plans.api import activations, plans, tasks

router = APIRouter(tags=["plans"])
# fixed paths before /plans/{plan_id}
router.include_router(activations.router)
router.include_router(tasks.router)
router.include_router(plans.router)

__all__ = ["router"]
