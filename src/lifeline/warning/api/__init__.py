"""HTTP routes of the warning context, one module per concept, mounted under ``/warning``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.warning.api import alarms, analysis, rules, silences, stream

router = APIRouter(prefix="/warning", tags=["warning"])
router.include_router(rules.router)
router.include_router(alarms.router)
router.include_router(analysis.router)
router.include_router(silences.router)
router.include_router(stream.router)

__all__ = ["router"]
