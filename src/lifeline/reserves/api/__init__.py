"""HTTP routes of the reserves context, one module per concept, mounted under ``/reserves``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.reserves.api import (
    depots,
    imports,
    optimise,
    personnel,
    requests,
    standards,
    stock,
)

router = APIRouter(prefix="/reserves", tags=["reserves"])
router.include_router(depots.router)
router.include_router(stock.router)
router.include_router(standards.router)
router.include_router(optimise.router)
router.include_router(requests.router)
router.include_router(personnel.router)
router.include_router(imports.router)

__all__ = ["router"]
