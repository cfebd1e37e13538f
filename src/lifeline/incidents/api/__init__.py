"""HTTP routes of the incidents context, one module per concept, mounted under ``/incidents``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/incidents", tags=["incidents"])

__all__ = ["router"]
