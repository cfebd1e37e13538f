"""HTTP routes of the warning context, one module per concept, mounted under ``/warning``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/warning", tags=["warning"])

__all__ = ["router"]
