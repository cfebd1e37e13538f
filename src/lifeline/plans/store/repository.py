"""The SQL repository for plans, their versions, activations and tasks.

Documents are stored as JSON text (the validated document's plain data) and read back through
the same validator, so a stored document is always a valid one. A live activation holds
``live_key = plan_id:incident_id`` (unique), so two concurrent activations of one plan for one
incident cannot both commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.errors import Conflict
from lifeline.plans.document import from_data, to_data
from lifeline.plans.model import (
    Activation,
    ActivationStatus,
    ChecklistItem,
    Grade,
    Plan,
    PlanDocument,
    PlanStatus,
    PlanVersion,
    Task,
    TaskFilter,
    TaskStatus,
)
from lifeline.plans.store.tables import activations, plan_versions, plans, tasks


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _dump(doc: PlanDocument) -> str:
    return json.dumps(to_data(doc), ensure_ascii=False, separators=(",", ":"))


def _load(text: str) -> PlanDocument:
    return from_data(json.loads(text))


def _plan(m: Any) -> Plan:
    return Plan(
        id=m["id"],
        code=m["code"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        version=int(m["version"]),
        status=PlanStatus(m["status"]),
        document=_load(m["document"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _version(m: Any) -> PlanVersion:
    return PlanVersion(
        plan_id=m["plan_id"],
        version=int(m["version"]),
        document=_load(m["document"]),
        created_at=m["created_at"],
        created_by=m["created_by"],
        note=m["note"],
    )


def _activation_row(a: Activation) -> dict[str, Any]:
    return {
        "id": a.id,
        "plan_id": a.plan_id,
        "plan_code": a.plan_code,
        "plan_version": a.plan_version,
        "incident_id": a.incident_id,
        "organisation_id": a.organisation_id,
        "path": a.path,
        "level": a.level.value,
        "automatic": a.automatic,
        "status": a.status.value,
        "document": _dump(a.document),
        "activated_at": a.activated_at,
        "activated_by": a.activated_by,
        "exercise": a.exercise,
        "stood_down_at": a.stood_down_at,
        "live_key": f"{a.plan_id}:{a.incident_id}" if a.status is ActivationStatus.ACTIVE else None,
    }


def _activation(m: Any) -> Activation:
    return Activation(
        id=m["id"],
        plan_id=m["plan_id"],
        plan_code=m["plan_code"],
        plan_version=int(m["plan_version"]),
        incident_id=m["incident_id"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        level=Grade(m["level"]),
        automatic=bool(m["automatic"]),
        status=ActivationStatus(m["status"]),
        document=_load(m["document"]),
        activated_at=m["activated_at"],
        activated_by=m["activated_by"],
        exercise=bool(m["exercise"]),
        stood_down_at=m["stood_down_at"],
    )


def _task_row(t: Task) -> dict[str, Any]:
    return {
        "id": t.id,
        "activation_id": t.activation_id,
        "incident_id": t.incident_id,
        "plan_code": t.plan_code,
        "action_index": t.action_index,
        "department": t.department,
        "organisation_id": t.organisation_id,
        "path": t.path,
        "title": t.title,
        "title_en": t.title_en,
        "level": t.level.value,
        "status": t.status.value,
        "deadline_at": t.deadline_at,
        "checklist": json.dumps(
            [[item.text, item.done] for item in t.checklist], ensure_ascii=False
        ),
        "note": t.note,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "acknowledged_at": t.acknowledged_at,
        "completed_at": t.completed_at,
        "escalations": t.escalations,
        "last_escalated_at": t.last_escalated_at,
        "exercise": t.exercise,
    }


def _task(m: Any) -> Task:
    return Task(
        id=m["id"],
        activation_id=m["activation_id"],
        incident_id=m["incident_id"],
        plan_code=m["plan_code"],
        action_index=int(m["action_index"]),
        department=m["department"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        title=m["title"],
        title_en=m["title_en"],
        level=Grade(m["level"]),
        status=TaskStatus(m["status"]),
        deadline_at=m["deadline_at"],
        checklist=tuple(
            ChecklistItem(text=text, done=bool(done)) for text, done in json.loads(m["checklist"])
        ),
        note=m["note"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        acknowledged_at=m["acknowledged_at"],
        completed_at=m["completed_at"],
        escalations=int(m["escalations"]),
        last_escalated_at=m["last_escalated_at"],
        exercise=bool(m["exercise"]),
    )


_OPEN = (TaskStatus.PENDING.value, TaskStatus.ACKNOWLEDGED.value, TaskStatus.IN_PROGRESS.value)


class SqlPlansRepository:
    """Plans, versions, activations and tasks on one connection."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # --- plans ---------------------------------------------------------------------------------

    def _plan_row(self, plan: Plan) -> dict[str, Any]:
        return {
            "id": plan.id,
            "code": plan.code,
            "organisation_id": plan.organisation_id,
            "path": plan.path,
            "version": plan.version,
            "status": plan.status.value,
            "document": _dump(plan.document),
            "created_at": plan.created_at,
            "updated_at": plan.updated_at,
        }

    def _add_version(self, version: PlanVersion) -> None:
        self._conn.execute(
            plan_versions.insert().values(
                plan_id=version.plan_id,
                version=version.version,
                document=_dump(version.document),
                created_at=version.created_at,
                created_by=version.created_by,
                note=version.note,
            )
        )

    def add_plan(self, plan: Plan, version: PlanVersion) -> None:
        self._conn.execute(plans.insert().values(**self._plan_row(plan)))
        self._add_version(version)

    def update_plan(self, plan: Plan, version: PlanVersion | None) -> None:
        row = self._plan_row(plan)
        del row["id"]
        self._conn.execute(plans.update().where(plans.c.id == plan.id).values(**row))
        if version is not None:
            self._add_version(version)

    def get_plan(self, plan_id: str) -> Plan | None:
        row = self._conn.execute(sa.select(plans).where(plans.c.id == plan_id)).first()
        return None if row is None else _plan(row._mapping)

    def get_plan_by_code(self, organisation_id: str, code: str) -> Plan | None:
        row = self._conn.execute(
            sa.select(plans).where(plans.c.organisation_id == organisation_id, plans.c.code == code)
        ).first()
        return None if row is None else _plan(row._mapping)

    def list_plans(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Plan], int]:
        where = _in_scope(plans.c.path, scope_paths)
        total = self._conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self._conn.execute(
            sa.select(plans)
            .where(where)
            .order_by(plans.c.code, plans.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_plan(r._mapping) for r in rows], int(total)

    def active_plans(self) -> list[Plan]:
        rows = self._conn.execute(
            sa.select(plans).where(plans.c.status == PlanStatus.ACTIVE.value).order_by(plans.c.id)
        )
        return [_plan(r._mapping) for r in rows]

    def versions(self, plan_id: str) -> list[PlanVersion]:
        rows = self._conn.execute(
            sa.select(plan_versions)
            .where(plan_versions.c.plan_id == plan_id)
            .order_by(plan_versions.c.version)
        )
        return [_version(r._mapping) for r in rows]

    def get_version(self, plan_id: str, version: int) -> PlanVersion | None:
        row = self._conn.execute(
            sa.select(plan_versions).where(
                plan_versions.c.plan_id == plan_id, plan_versions.c.version == version
            )
        ).first()
        return None if row is None else _version(row._mapping)

    # --- activations -----------------------------------------------------------------------

    def add_activation(self, activation: Activation) -> None:
        """Insert a live activation; a concurrent one of the same plan for the same incident
        that committed first makes this a :class:`Conflict` (the unique ``live_key``)."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(activations.insert().values(**_activation_row(activation)))
        except sa.exc.IntegrityError:
            raise Conflict(
                f"plan {activation.plan_code!r} is already active for incident "
                f"{activation.incident_id!r}"
            ) from None

    def update_activation(self, activation: Activation) -> None:
        row = _activation_row(activation)
        del row["id"]
        self._conn.execute(
            activations.update().where(activations.c.id == activation.id).values(**row)
        )

    def get_activation(self, activation_id: str) -> Activation | None:
        row = self._conn.execute(
            sa.select(activations).where(activations.c.id == activation_id)
        ).first()
        return None if row is None else _activation(row._mapping)

    def live_activation(self, plan_id: str, incident_id: str) -> Activation | None:
        row = self._conn.execute(
            sa.select(activations).where(activations.c.live_key == f"{plan_id}:{incident_id}")
        ).first()
        return None if row is None else _activation(row._mapping)

    def activations_for_incident(self, incident_id: str) -> list[Activation]:
        rows = self._conn.execute(
            sa.select(activations)
            .where(activations.c.incident_id == incident_id)
            .order_by(activations.c.activated_at, activations.c.id)
        )
        return [_activation(r._mapping) for r in rows]

    def list_activations(
        self, scope_paths: Sequence[str], incident_id: str | None, limit: int, offset: int
    ) -> tuple[list[Activation], int]:
        where = _in_scope(activations.c.path, scope_paths)
        if incident_id is not None:
            where = sa.and_(where, activations.c.incident_id == incident_id)
        total = self._conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self._conn.execute(
            sa.select(activations)
            .where(where)
            .order_by(activations.c.activated_at.desc(), activations.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_activation(r._mapping) for r in rows], int(total)

    # --- tasks -----------------------------------------------------------------------------

    def add_tasks(self, new: Sequence[Task]) -> None:
        if new:
            self._conn.execute(tasks.insert(), [_task_row(t) for t in new])

    def update_task(self, task: Task) -> None:
        row = _task_row(task)
        del row["id"]
        self._conn.execute(tasks.update().where(tasks.c.id == task.id).values(**row))

    def get_task(self, task_id: str) -> Task | None:
        row = self._conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).first()
        return None if row is None else _task(row._mapping)

    def tasks_of(self, activation_id: str) -> list[Task]:
        rows = self._conn.execute(
            sa.select(tasks)
            .where(tasks.c.activation_id == activation_id)
            .order_by(tasks.c.action_index)
        )
        return [_task(r._mapping) for r in rows]

    def list_tasks(self, scope_paths: Sequence[str], flt: TaskFilter) -> tuple[list[Task], int]:
        where = _in_scope(tasks.c.path, scope_paths)
        if flt.activation_id is not None:
            where = sa.and_(where, tasks.c.activation_id == flt.activation_id)
        if flt.incident_id is not None:
            where = sa.and_(where, tasks.c.incident_id == flt.incident_id)
        if flt.department is not None:
            where = sa.and_(where, tasks.c.department == flt.department)
        if flt.status is not None:
            where = sa.and_(where, tasks.c.status == flt.status.value)
        if flt.overdue_at is not None:
            where = sa.and_(where, tasks.c.status.in_(_OPEN), tasks.c.deadline_at <= flt.overdue_at)
        total = self._conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self._conn.execute(
            sa.select(tasks)
            .where(where)
            .order_by(tasks.c.deadline_at, tasks.c.activation_id, tasks.c.action_index)
            .limit(flt.limit)
            .offset(flt.offset)
        )
        return [_task(r._mapping) for r in rows], int(total)

    def claim_overdue_tasks(
        self, scope_paths: Sequence[str], now: datetime, limit: int
    ) -> list[Task]:
        """Open tasks in scope past their deadline, locked for this transaction; rows another
        transaction holds are skipped (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
        writers are serialised anyway), so concurrent checkers never escalate a task twice."""
        rows = self._conn.execute(
            sa.select(tasks)
            .where(
                _in_scope(tasks.c.path, scope_paths),
                tasks.c.status.in_(_OPEN),
                tasks.c.deadline_at <= now,
            )
            .order_by(tasks.c.deadline_at, tasks.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_task(r._mapping) for r in rows]
