"""HTTP routes of the alerts context: authoring and approval, agencies' feeds, the public side."""

from fastapi import APIRouter

from lifeline.alerts.api import authoring, external, inbox, public

router = APIRouter()
router.include_router(external.router)  # /alerts/external before /alerts/{alert_id}
router.include_router(inbox.router)  # /alerts/inbox too
router.include_router(authoring.router)
router.include_router(public.router)

__all__ = ["router"]
