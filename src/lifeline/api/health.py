"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from lifeline import __version__
from lifeline.api.deps import PlatformDep
from lifeline.migrations import runner

router = APIRouter(tags=["operations"])


@router.get("/health", summary="Liveness: the process is up")
def health() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/ready", summary="Readiness: the database answers and is migrated")
def ready(platform: PlatformDep) -> JSONResponse:
    checks: dict[str, Any] = {}
    ok = True
    try:
        with platform.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
        current, head = runner.current(platform.engine), runner.head()
        checks["migrations"] = "ok" if current == head else f"at {current}, head is {head}"
        ok = current == head
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
        ok = False
    pending = platform.relay.subscriptions
    checks["subscribers"] = len(pending)
    return JSONResponse(
        {"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
