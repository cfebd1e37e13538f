"""HTTP routes of the geo context, one module per concept, mounted under ``/geo``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/geo", tags=["geo"])

__all__ = ["router"]
