"""Response schemas of the plans routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from lifeline.plans.document import to_data
from lifeline.plans.events import RequiredMaterial, RequiredUnits
from lifeline.plans.model import Activation, Plan, PlanVersion, Task
from lifeline.plans.service.activation import run_card


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PlanOut(BaseModel):
    id: str
    code: str
    organisation_id: str
    version: int
    status: str
    title: str
    title_en: str
    incident_types: list[str]
    grades: list[str]
    created_at: datetime
    updated_at: datetime
    document: dict[str, Any]

    @classmethod
    def of(cls, p: Plan) -> PlanOut:
        doc = p.document
        return cls(
            id=p.id, code=p.code, organisation_id=p.organisation_id, version=p.version,
            status=p.status.value, title=doc.title, title_en=doc.title_en,
            incident_types=list(doc.incident_types), grades=[g.value for g in doc.grades],
            created_at=p.created_at, updated_at=p.updated_at, document=to_data(doc),
        )  # fmt: skip


class PlanVersionOut(BaseModel):
    plan_id: str
    version: int
    created_at: datetime
    created_by: str
    note: str
    document: dict[str, Any]

    @classmethod
    def of(cls, v: PlanVersion) -> PlanVersionOut:
        return cls(
            plan_id=v.plan_id, version=v.version, created_at=v.created_at,
            created_by=v.created_by, note=v.note, document=to_data(v.document),
        )  # fmt: skip


class UnitsOut(BaseModel):
    unit_type: str
    count: int


class MaterialOut(BaseModel):
    material_code: str
    quantity: float


class ActivationOut(BaseModel):
    id: str
    plan_id: str
    plan_code: str
    plan_version: int
    title: str
    title_en: str
    incident_id: str
    organisation_id: str
    level: str
    automatic: bool
    status: str
    exercise: bool
    activated_at: datetime
    activated_by: str
    stood_down_at: datetime | None
    required_units: list[UnitsOut]
    required_materials: list[MaterialOut]

    @classmethod
    def of(cls, a: Activation) -> ActivationOut:
        units, materials = run_card(a.document, a.level)
        return cls(
            id=a.id, plan_id=a.plan_id, plan_code=a.plan_code, plan_version=a.plan_version,
            title=a.document.title, title_en=a.document.title_en,
            incident_id=a.incident_id, organisation_id=a.organisation_id, level=a.level.value,
            automatic=a.automatic, status=a.status.value, exercise=a.exercise,
            activated_at=a.activated_at, activated_by=a.activated_by,
            stood_down_at=a.stood_down_at,
            required_units=[_units(u) for u in units],
            required_materials=[_material(m) for m in materials],
        )  # fmt: skip


def _units(u: RequiredUnits) -> UnitsOut:
    return UnitsOut(unit_type=u.unit_type, count=u.count)


def _material(m: RequiredMaterial) -> MaterialOut:
    return MaterialOut(material_code=m.material_code, quantity=m.quantity)


class ChecklistItemOut(BaseModel):
    index: int
    text: str
    done: bool


class TaskOut(BaseModel):
    id: str
    activation_id: str
    incident_id: str
    plan_code: str
    department: str
    organisation_id: str
    title: str
    title_en: str
    level: str
    status: str
    deadline_at: datetime
    overdue: bool
    progress_pct: float
    checklist: list[ChecklistItemOut]
    note: str
    acknowledged_at: datetime | None
    completed_at: datetime | None
    escalations: int
    exercise: bool

    @classmethod
    def of(cls, t: Task, now: datetime) -> TaskOut:
        return cls(
            id=t.id, activation_id=t.activation_id, incident_id=t.incident_id,
            plan_code=t.plan_code, department=t.department, organisation_id=t.organisation_id,
            title=t.title, title_en=t.title_en, level=t.level.value, status=t.status.value,
            deadline_at=t.deadline_at, overdue=t.status.open and t.deadline_at <= now,
            progress_pct=round(t.progress_pct, 1),
            checklist=[
                ChecklistItemOut(index=i, text=item.text, done=item.done)
                for i, item in enumerate(t.checklist)
            ],
            note=t.note, acknowledged_at=t.acknowledged_at, completed_at=t.completed_at,
            escalations=t.escalations, exercise=t.exercise,
        )  # fmt: skip
