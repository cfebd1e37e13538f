"""HTTP routes of the monitoring context, one module per concept, mounted under ``/monitoring``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/monitoring", tags=["monitoring"])

__all__ = ["router"]
