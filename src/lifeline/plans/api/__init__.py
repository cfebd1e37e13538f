"""HTTP routes of the plans context, one module per concept, mounted under ``/plans``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/plans", tags=["plans"])

__all__ = ["router"]
