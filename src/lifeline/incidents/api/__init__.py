"""HTTP routes of the incidents context, one module per concept: ``/incidents`` for the
command centre and department systems, ``/public/reports`` for citizens."""

from __future__ import annotations

from fastapi import APIRouter

from lifeline.incidents.api import incidents, intake, merges, public

router = APIRouter()
for part in (intake, merges, incidents):  # /merge-candidates before /{incident_id}
    router.include_router(part.router, prefix="/incidents", tags=["incidents"])
router.include_router(public.router)

__all__ = ["router"]
