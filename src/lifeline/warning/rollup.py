"""Roll-up of open alarms along the tree source → thing → organisation → … → root.

Each alarm counts once at its source, its thing, its own organisation and every ancestor
organisation down from ``root_path`` (the materialised path ``/city/district/park/``), so each
level sees the alarms below it. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lifeline.warning.model import Alarm, RollupNode


@dataclass
class _Acc:
    kind: str
    parent_id: str | None
    open: int = 0
    unacknowledged: int = 0
    max_rank: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    def add(self, alarm: Alarm) -> None:
        self.open += 1
        self.unacknowledged += alarm.acknowledged_at is None
        self.max_rank = max(self.max_rank, alarm.rank)
        self.by_level[alarm.level] = self.by_level.get(alarm.level, 0) + 1


def roll_up(alarms: Iterable[Alarm], root_path: str) -> list[RollupNode]:
    """Nodes from the root organisation down, parents before children; only nodes with open
    alarms below them appear (the root always does)."""
    root_ids = [p for p in root_path.split("/") if p]
    root_id = root_ids[-1] if root_ids else "/"
    nodes: dict[tuple[str, str], _Acc] = {("organisation", root_id): _Acc("organisation", None)}
    order: list[tuple[str, str]] = [("organisation", root_id)]

    def node(kind: str, key: str, parent: str | None) -> _Acc:
        if (kind, key) not in nodes:
            nodes[(kind, key)] = _Acc(kind, parent)
            order.append((kind, key))
        return nodes[(kind, key)]

    for alarm in alarms:
        if not alarm.path.startswith(root_path):
            continue
        ids = [p for p in alarm.path.split("/") if p][len(root_ids) :]
        parent = root_id
        nodes[("organisation", root_id)].add(alarm)
        for org in ids:
            node("organisation", org, parent).add(alarm)
            parent = org
        if alarm.thing_id is not None and alarm.thing_id != alarm.source_id:
            node("thing", alarm.thing_id, parent).add(alarm)
            parent = alarm.thing_id
        node("source", alarm.source_id, parent).add(alarm)
    return [
        RollupNode(
            kind=kind,
            id=key,
            parent_id=acc.parent_id,
            open=acc.open,
            unacknowledged=acc.unacknowledged,
            max_rank=acc.max_rank,
            by_level=acc.by_level,
        )
        for kind, key in order
        for acc in (nodes[(kind, key)],)
    ]
