"""HTTP routes of the monitoring context, one module per concept, mounted under ``/monitoring``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.monitoring.api import observations, registry

router = APIRouter(prefix="/monitoring", tags=["monitoring"])
router.include_router(registry.router)
router.include_router(observations.router)

__all__ = ["router"]
