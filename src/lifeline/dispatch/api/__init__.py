"""HTTP routes of the dispatch context, one module per concept, mounted under ``/dispatch``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.dispatch.api import coverage, incidents, plans, units

router = APIRouter(prefix="/dispatch", tags=["dispatch"])
router.include_router(units.router)
router.include_router(incidents.router)
router.include_router(plans.router)
router.include_router(coverage.router)

__all__ = ["router"]
