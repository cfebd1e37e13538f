"""``GET /warning/stream``: Server-Sent Events of alarm events in the caller's scope, and the
background escalation loop the API runs while it serves.

The stream reads the event log after its cursor; between reads it waits on the platform's
:class:`~lifeline.warning.live.AlarmBell`, which the evaluator rings straight after a commit
that changed alarms, or at most ``warning_stream_poll_s`` (events committed elsewhere).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from lifeline.api.deps import BusDep, CurrentActor, PlatformDep
from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.events import StoredEvent
from lifeline.warning import messages as m

log = logging.getLogger(__name__)
router = APIRouter()

HEARTBEAT_S = 15.0


def _frame(event: StoredEvent) -> str:
    data = {
        "seq": event.seq,
        "id": event.id,
        "type": event.type,
        "alarm_id": event.aggregate_id,
        "organisation_id": event.organisation_id,
        "occurred_at": event.occurred_at.isoformat(),
        "payload": event.payload,
    }
    return f"id: {event.seq}\nevent: {event.type}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get(
    "/stream",
    summary="Live alarm events (Server-Sent Events) in your scope",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def stream(
    request: Request,
    bus: BusDep,
    actor: CurrentActor,
    platform: PlatformDep,
    after: Annotated[
        int | None, Query(ge=0, description="Resume after this event seq (default: from now)")
    ] = None,
    max_events: Annotated[
        int | None, Query(ge=1, le=10_000, description="Close after this many events")
    ] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    cursor = after
    if cursor is None and last_event_id is not None and last_event_id.isdigit():
        cursor = int(last_event_id)
    if cursor is None:  # authorised and logged once, at connection
        _, cursor = await asyncio.to_thread(bus.handle, m.AlarmEvents(after_seq=None), actor)
    else:
        await asyncio.to_thread(bus.handle, m.AlarmEvents(after_seq=None), actor)
    poll_s = platform.settings.warning_stream_poll_s

    async def frames() -> AsyncIterator[str]:
        nonlocal cursor
        sent = 0
        idle = 0.0
        yield ": alarm stream\n\n"
        with platform.alarm_bell.listening() as rung:
            while not await request.is_disconnected():
                rung.clear()  # a ring from here on wakes the wait below
                events, cursor = await asyncio.to_thread(
                    bus.handle, m.AlarmEvents(after_seq=cursor), actor
                )
                for event in events:
                    yield _frame(event)
                    sent += 1
                    if max_events is not None and sent >= max_events:
                        return
                if events:
                    idle = 0.0
                    continue
                started = time.monotonic()
                with contextlib.suppress(TimeoutError):  # this process's commits ring at once
                    await asyncio.wait_for(rung.wait(), timeout=poll_s)
                idle += time.monotonic() - started
                if idle >= HEARTBEAT_S:
                    idle = 0.0
                    yield ": keep-alive\n\n"

    return StreamingResponse(
        frames(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def escalation_loop(platform: Platform, stop: asyncio.Event) -> None:
    """Run :class:`RunEscalations` every ``warning_escalation_interval_s`` until ``stop``, then
    save the evaluator's and the detectors' state once more."""
    interval = platform.settings.warning_escalation_interval_s
    while not stop.is_set():
        try:
            await asyncio.to_thread(platform.bus.handle, m.RunEscalations(), SYSTEM_ACTOR)
        except Exception:
            log.exception("escalation round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
    try:  # the state learnt since the last run survives the restart
        await asyncio.to_thread(platform.bus.handle, m.SaveWarningState(), SYSTEM_ACTOR)
    except Exception:
        log.exception("saving the evaluator state on shutdown failed")
