"""HTTP routes of the geo context, one module per concept, mounted under ``/geo``."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.geo.api import routes

router = APIRouter(prefix="/geo", tags=["geo"])
router.include_router(routes.router)

__all__ = ["router"]
