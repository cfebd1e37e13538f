"""HTTP API of the registry: organisations, areas, facilities, their timelines and bulk import.

``router`` joins one router per concept, in this order: organisations, areas, facilities, imports.
"""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.registry.api import areas, facilities, imports, organisations

router = APIRouter(tags=["registry"])
router.include_router(organisations.router)
router.include_router(areas.router)
router.include_router(facilities.router)
router.include_router(imports.router)

__all__ = ["router"]
