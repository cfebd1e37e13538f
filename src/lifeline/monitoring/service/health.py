"""Device health use cases: assess every thing in scope, record what changed as events."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from lifeline.kernel.bus import HandlerContext
from lifeline.monitoring.events import (
    DatastreamFaultCleared,
    DatastreamFaultRaised,
    DeviceCameBack,
    DeviceWentOffline,
)
from lifeline.monitoring.health import HealthPolicy, assess
from lifeline.monitoring.messages import CheckDeviceHealth, DeviceHealthReport
from lifeline.monitoring.model import HealthStatus, StreamActivity, Thing, ThingHealth
from lifeline.monitoring.service._common import authorize_collection, not_a_device, repo_of

ALL = 1_000_000  # every thing in scope


@dataclass(frozen=True)
class HealthSummary:
    """The result of one check: things per status and the ids of those that changed."""

    counts: dict[str, int]
    went_offline: list[str] = field(default_factory=list)
    came_back: list[str] = field(default_factory=list)
    faults_raised: int = 0
    faults_cleared: int = 0


class HealthChecker:
    """The ``CheckDeviceHealth`` handler, configured with the health policy."""

    def __init__(self, policy: HealthPolicy, out_of_range_window_s: float = 600.0) -> None:
        self.policy = policy
        self.out_of_range_window = timedelta(seconds=out_of_range_window_s)

    def __call__(self, cmd: CheckDeviceHealth, ctx: HandlerContext) -> HealthSummary:
        not_a_device(ctx)
        authorize_collection(ctx, "thing")
        repo = repo_of(ctx)
        now = ctx.uow.clock.now()
        things, _ = repo.list_things(ctx.scope_paths, ALL, 0)
        activity: dict[str, list[StreamActivity]] = defaultdict(list)
        for a in repo.activity(
            ctx.scope_paths, self.policy.stuck_samples, now - self.out_of_range_window
        ):
            activity[a.thing_id].append(a)
        previous = repo.health_of([t.id for t in things])
        counts = {s.value: 0 for s in HealthStatus}
        summary = HealthSummary(counts=counts)
        raised = cleared = 0
        for thing in things:
            result = assess(
                thing.id, thing.created_at, activity.get(thing.id, []),
                previous.get(thing.id), now, self.policy,
            )  # fmt: skip
            counts[result.state.status.value] += 1
            if result.state != previous.get(thing.id):
                repo.save_health(result.state)
            change = result.change
            if change is None:
                continue
            if change.went_offline:
                summary.went_offline.append(thing.id)
                ctx.uow.record(_offline(thing, result.state, change.silent_s, change.interval_s))
            if change.came_back:
                summary.came_back.append(thing.id)
                ctx.uow.record(
                    DeviceCameBack(
                        aggregate_id=thing.id, organisation_id=thing.organisation_id,
                        name=thing.name, offline_s=change.offline_s, area_id=thing.area_id,
                        exercise=thing.exercise,
                    )
                )  # fmt: skip
            for stream_id, fault, detail in change.faults_raised:
                raised += 1
                ctx.uow.record(
                    DatastreamFaultRaised(
                        aggregate_id=thing.id, organisation_id=thing.organisation_id,
                        datastream_id=stream_id, fault=fault.value, detail=detail,
                    )
                )  # fmt: skip
            for stream_id, fault in change.faults_cleared:
                cleared += 1
                ctx.uow.record(
                    DatastreamFaultCleared(
                        aggregate_id=thing.id, organisation_id=thing.organisation_id,
                        datastream_id=stream_id, fault=fault.value,
                    )
                )  # fmt: skip
        return HealthSummary(
            counts=counts,
            went_offline=summary.went_offline,
            came_back=summary.came_back,
            faults_raised=raised,
            faults_cleared=cleared,
        )


def _offline(
    thing: Thing, state: ThingHealth, silent_s: float, interval_s: float
) -> DeviceWentOffline:
    at = thing.location
    return DeviceWentOffline(
        aggregate_id=thing.id, organisation_id=thing.organisation_id, name=thing.name,
        last_seen_at=state.last_seen_at.isoformat() if state.last_seen_at else None,
        silent_s=silent_s, expected_interval_s=interval_s, area_id=thing.area_id,
        lon=at.lon if at else None, lat=at.lat if at else None, exercise=thing.exercise,
    )  # fmt: skip


def health_report(
    query: DeviceHealthReport, ctx: HandlerContext
) -> list[tuple[Thing, ThingHealth | None]]:
    authorize_collection(ctx, "thing")
    repo = repo_of(ctx)
    things, _ = repo.list_things(ctx.scope_paths, ALL, 0)
    stored = repo.health_of([t.id for t in things])
    return [(t, stored.get(t.id)) for t in things]
