"""HTTP routes of the dispatch context, one module per concept, mounted under ``/dispatch``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/dispatch", tags=["dispatch"])

__all__ = ["router"]
