"""Roll-up of open alarms along organisation paths, things and sources."""

from __future__ import annotations

from datetime import UTC, datetime

from lifeline.warning.model import Alarm, AlarmStatus
from lifeline.warning.rollup import roll_up

T0 = datetime(2026, 7, 1, tzinfo=UTC)


def _alarm(source: str, thing: str, path: str, level: str, rank: int, acked: bool) -> Alarm:
    return Alarm(
        id=f"a-{source}", rule_id="r", rule_version=1, rule_snapshot={}, source_id=source,
        thing_id=thing, organisation_id=path.strip("/").split("/")[-1], path=path, area_id=None,
        lon=None, lat=None, scale="national", level=level, rank=rank, max_rank=rank,
        hazard="fire", title="t", status=AlarmStatus.OPEN, raised_at=T0, updated_at=T0,
        evidence={}, acknowledged_at=T0 if acked else None,
    )  # fmt: skip


def test_each_level_counts_the_alarms_below_it() -> None:
    alarms = [
        _alarm("s1", "det-1", "/city/futian/park/", "yellow", 2, acked=False),
        _alarm("s2", "det-1", "/city/futian/park/", "red", 4, acked=True),
        _alarm("s3", "det-9", "/city/luohu/", "blue", 1, acked=False),
    ]
    nodes = {(n.kind, n.id): n for n in roll_up(alarms, "/city/")}
    city = nodes[("organisation", "city")]
    assert (city.open, city.unacknowledged, city.max_rank) == (3, 2, 4)
    assert city.by_level == {"yellow": 1, "red": 1, "blue": 1}
    park = nodes[("organisation", "park")]
    assert (park.parent_id, park.open, park.max_rank) == ("futian", 2, 4)
    assert nodes[("thing", "det-1")].parent_id == "park"
    assert nodes[("source", "s2")].parent_id == "det-1"
    assert nodes[("organisation", "luohu")].open == 1
    # from the district down, the other district's alarm is not counted
    futian = {(n.kind, n.id): n for n in roll_up(alarms, "/city/futian/")}
    assert futian[("organisation", "futian")].open == 2
    assert ("organisation", "luohu") not in futian
