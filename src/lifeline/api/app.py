"""``create_app(settings)``: the FastAPI application; does no work at import time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from lifeline import __version__
from lifeline.alerts.api import router as alerts_router
from lifeline.api import problems
from lifeline.api.docs import mount_docs
from lifeline.api.health import router as health_router
from lifeline.api.middleware import Metrics, RequestContextMiddleware
from lifeline.bootstrap import Platform, build_platform, delivery_worker, refresh_worker
from lifeline.config import Settings
from lifeline.dispatch.api import router as dispatch_router
from lifeline.geo.api import router as geo_router
from lifeline.incidents.api import router as incidents_router
from lifeline.incidents.api.loops import sitrep_reminder_loop
from lifeline.kernel.errors import DomainError
from lifeline.monitoring.api import router as monitoring_router
from lifeline.monitoring.api.metrics import IntakeCollector
from lifeline.plans.api import router as plans_router
from lifeline.plans.service import check_overdue
from lifeline.registry.api import router as registry_router
from lifeline.reserves.api import router as reserves_router
from lifeline.security.api import router as security_router
from lifeline.sharing.api import router as sharing_router
from lifeline.sharing.background import refresh_loop
from lifeline.warning.api import router as warning_router
from lifeline.warning.api.stream import escalation_loop

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, platform: Platform | None = None) -> FastAPI:
    """Build the API around ``platform`` (or one built from ``settings``)."""
    settings = settings or (platform.settings if platform else Settings())
    platform = platform or build_platform(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(_relay_loop(platform, stop))
        overdue = asyncio.create_task(_overdue_task_loop(platform, stop))
        worker = delivery_worker(platform) if settings.delivery_loop else None
        delivering = (
            asyncio.create_task(
                asyncio.to_thread(worker.run, interval_s=settings.delivery_interval_s)
            )
            if worker is not None
            else None
        )
        if platform.tree_warmer is not None:
            platform.tree_warmer.start()  # in its own thread: serving starts at once
        escalations = asyncio.create_task(escalation_loop(platform, stop))
        reminders = asyncio.create_task(sitrep_reminder_loop(platform, stop))
        refreshing = (
            asyncio.create_task(
                refresh_loop(refresh_worker(platform), settings.sharing_refresh_interval_s, stop)
            )
            if settings.sharing_refresh_loop
            else None
        )
        try:
            yield
        finally:
            stop.set()
            if worker is not None and delivering is not None:
                worker.stop()  # finishes the message in hand, gives back the rest
                await delivering
            if platform.tree_warmer is not None:
                await asyncio.to_thread(platform.tree_warmer.stop)
            await task
            await overdue
            await escalations
            await reminders
            if refreshing is not None:
                await refreshing

    app = FastAPI(
        title="Lifeline",
        version=__version__,
        description="Smart emergency management platform: registry, security, audit.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        responses={
            401: {"description": "Unauthenticated (problem+json)"},
            404: {"description": "Not found or outside your scope (problem+json)"},
            422: {"description": "Invalid input naming each field (problem+json)"},
        },
    )
    app.state.platform = platform
    app.state.metrics = Metrics()
    app.state.metrics.registry.register(IntakeCollector(lambda: platform.ingest_intake))
    app.add_exception_handler(RequestValidationError, problems.on_validation_error)
    app.add_exception_handler(DomainError, problems.on_domain_error)
    app.add_exception_handler(StarletteHTTPException, problems.on_http_error)
    app.add_exception_handler(Exception, problems.on_unexpected)
    app.add_middleware(
        RequestContextMiddleware, max_body_bytes=settings.max_body_bytes, metrics=app.state.metrics
    )
    mount_docs(app)
    app.include_router(health_router)
    app.include_router(security_router)
    app.include_router(registry_router)
    app.include_router(alerts_router)
    app.include_router(sharing_router)
    app.include_router(reserves_router)
    for router in (
        monitoring_router,
        warning_router,
        incidents_router,
        plans_router,
        geo_router,
        dispatch_router,
    ):
        app.include_router(router)
    return app


async def _relay_loop(platform: Platform, stop: asyncio.Event) -> None:
    """Keep handing committed events to subscribers while the API serves."""
    interval = platform.settings.relay_interval_s
    while not stop.is_set():
        try:
            await asyncio.to_thread(platform.relay.drain)
        except Exception:
            log.exception("outbox relay round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def _overdue_task_loop(platform: Platform, stop: asyncio.Event) -> None:
    """Escalate overdue plan tasks every ``plans_overdue_interval_s`` while the API serves."""
    interval = platform.settings.plans_overdue_interval_s
    while not stop.is_set():
        try:
            await asyncio.to_thread(check_overdue, platform.bus)
        except Exception:
            log.exception("overdue task check failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
