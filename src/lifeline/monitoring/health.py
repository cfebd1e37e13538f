"""Device health, assessed from what each datastream last did; pure.

A thing is **offline** when its newest observation (over all its datastreams) is older than
``grace_factor × interval``, where ``interval`` is the shortest expected reporting interval of
its datastreams; a thing that never reported is offline once that long has passed since it was
registered. A datastream is **stuck** when its newest ``stuck_samples`` values (a per-kind
number; 0 disables the check) are all identical, and **out of range** when readings outside its
physical range were rejected since the last window began.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.model import Fault, HealthStatus, StreamActivity, ThingHealth


@dataclass(frozen=True, slots=True)
class HealthChange:
    """What changed for one thing in one assessment."""

    thing_id: str
    went_offline: bool = False
    came_back: bool = False
    silent_s: float = 0.0
    offline_s: float = 0.0
    interval_s: float = 0.0
    faults_raised: tuple[tuple[str, Fault, str], ...] = ()  # (datastream, fault, detail)
    faults_cleared: tuple[tuple[str, Fault], ...] = ()


@dataclass(frozen=True, slots=True)
class Assessment:
    state: ThingHealth
    change: HealthChange | None = None


@dataclass(frozen=True, slots=True)
class HealthPolicy:
    grace_factor: float = 3.0
    stuck_samples: Mapping[SensorKind, int] = field(default_factory=dict)


def stream_faults(activity: StreamActivity, stuck_samples: int) -> dict[Fault, str]:
    """The faults one datastream shows now, with a human-readable detail each."""
    faults: dict[Fault, str] = {}
    values = activity.recent_values
    if stuck_samples > 1 and len(values) >= stuck_samples:
        window = values[:stuck_samples]
        if all(v == window[0] for v in window):
            faults[Fault.STUCK] = f"the last {stuck_samples} readings are all {window[0]:g}"
    if activity.out_of_range_recent > 0:
        faults[Fault.OUT_OF_RANGE] = (
            f"{activity.out_of_range_recent} readings outside the physical range were rejected"
        )
    return faults


def assess(
    thing_id: str,
    registered_at: datetime,
    streams: Sequence[StreamActivity],
    previous: ThingHealth | None,
    now: datetime,
    policy: HealthPolicy,
) -> Assessment:
    """Assess one thing from its datastreams' activity and its previous stored health."""
    seen = [s.last_seen_at for s in streams if s.last_seen_at is not None]
    last_seen = max(seen) if seen else None
    interval_s = min((s.interval_s for s in streams), default=0.0)
    if not streams:
        status = HealthStatus.UNKNOWN
        silent_s = 0.0
    else:
        silent_s = (now - (last_seen or registered_at)).total_seconds()
        limit_s = policy.grace_factor * interval_s
        if silent_s > limit_s:
            status = HealthStatus.OFFLINE
        else:
            status = HealthStatus.ONLINE if last_seen is not None else HealthStatus.UNKNOWN
    faults: dict[str, tuple[str, ...]] = {}
    for s in streams:
        found = stream_faults(s, policy.stuck_samples.get(s.kind, 0))
        if found:
            faults[s.datastream_id] = tuple(sorted(f.value for f in found))
    details = {
        (s.datastream_id, f): d
        for s in streams
        for f, d in stream_faults(s, policy.stuck_samples.get(s.kind, 0)).items()
    }
    before = previous.faults if previous else {}
    old = {(sid, Fault(f)) for sid, fs in before.items() for f in fs}
    new = {(sid, Fault(f)) for sid, fs in faults.items() for f in fs}
    raised = tuple(sorted((sid, f, details[(sid, f)]) for sid, f in new - old))
    cleared = tuple(sorted(old - new))
    was = previous.status if previous else HealthStatus.UNKNOWN
    went_offline = status is HealthStatus.OFFLINE and was is not HealthStatus.OFFLINE
    came_back = was is HealthStatus.OFFLINE and status is HealthStatus.ONLINE
    since = now if (previous is None or previous.status is not status) else previous.since
    state = ThingHealth(
        thing_id=thing_id, status=status, since=since, last_seen_at=last_seen, faults=faults
    )
    if not (went_offline or came_back or raised or cleared):
        return Assessment(state)
    offline_s = (now - previous.since).total_seconds() if (came_back and previous) else 0.0
    return Assessment(
        state,
        HealthChange(
            thing_id=thing_id,
            went_offline=went_offline,
            came_back=came_back,
            silent_s=silent_s,
            offline_s=offline_s,
            interval_s=interval_s,
            faults_raised=raised,
            faults_cleared=cleared,
        ),
    )


def offline_after(interval_s: float, policy: HealthPolicy) -> timedelta:
    """How long a thing with this expected interval may stay silent before it is offline."""
    return timedelta(seconds=policy.grace_factor * interval_s)
