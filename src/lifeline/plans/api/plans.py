"""HTTP routes for plan documents: create and revise (JSON or YAML), versions, export,
validation, retirement and activation by a commander."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.kernel.errors import InvalidInput
from lifeline.plans import messages as m
from lifeline.plans.api._schemas import ActivationOut, PlanOut, PlanVersionOut, Strict
from lifeline.plans.document import check_materials, from_data, from_yaml, to_yaml
from lifeline.plans.model import Grade, Plan, PlanDocument
from lifeline.plans.service import Saved

router = APIRouter(prefix="/plans")
PageDep = Annotated[PageParams, Depends(page_params)]

YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", ""}
)
YAML_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}


async def _yaml_document(request: Request) -> PlanDocument:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in YAML_TYPES:
        raise InvalidInput("content-type", "send the plan as application/yaml")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput("document", f"not UTF-8 (byte {exc.start})") from None
    return from_yaml(text)


def _saved(result: Saved, response: Response) -> PlanOut:
    response.status_code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
    return PlanOut.of(result.plan)


class PlanIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36)
    document: dict[str, Any] = Field(description="The plan document (see docs/plans.md)")
    bindings: dict[str, str] = Field(
        default_factory=dict, description="Department code → organisation id for its tasks"
    )
    note: str = Field("", max_length=2_000)


class ReviseIn(Strict):
    document: dict[str, Any]
    note: str = Field("", max_length=2_000)


class ActivateIn(Strict):
    incident_id: str = Field(min_length=1, max_length=64)
    level: Grade | None = Field(None, description="Response level; else from grade and facts")
    grade: Grade | None = None
    incident_type: str | None = Field(None, max_length=100)
    facts: dict[str, float] = Field(
        default_factory=dict,
        description="Numeric facts: deaths, serious_injuries, casualties, evacuated_people …",
    )
    exercise: bool = False


class ValidationOut(BaseModel):
    valid: bool
    code: str
    title: str
    title_en: str
    levels: list[str]
    actions: int


@router.get("", summary="Plans in your scope")
def list_plans(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[PlanOut]:
    plans, total = bus.handle(m.ListPlans(limit=page.limit, offset=page.offset), actor)
    return Page[PlanOut](
        items=[PlanOut.of(p) for p in plans], total=total, limit=page.limit, offset=page.offset
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a plan from JSON, or a new version when its code exists (200)",
)
def save_plan(body: PlanIn, bus: BusDep, actor: CurrentActor, response: Response) -> PlanOut:
    doc = from_data(body.document, prefix="document")
    result: Saved = bus.handle(
        m.SavePlan(
            organisation_id=body.organisation_id,
            document=doc,
            bindings=body.bindings,
            note=body.note,
        ),
        actor,
    )
    return _saved(result, response)


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    summary="Import a YAML plan: created (201) or a new version of the same code (200)",
    openapi_extra=YAML_BODY_DOC,
)
async def import_plan(
    request: Request,
    bus: BusDep,
    actor: CurrentActor,
    response: Response,
    organisation_id: Annotated[str, Query(min_length=1, max_length=36)],
    note: Annotated[str, Query(max_length=2_000)] = "",
) -> PlanOut:
    doc = await _yaml_document(request)
    cmd = m.SavePlan(organisation_id=organisation_id, document=doc, note=note)
    result: Saved = await run_in_threadpool(bus.handle, cmd, actor)
    return _saved(result, response)


@router.post(
    "/validate",
    summary="Check a YAML plan (structure, rules, material codes) without saving it",
    openapi_extra=YAML_BODY_DOC,
)
async def validate_plan(request: Request, actor: CurrentActor) -> ValidationOut:
    doc = await _yaml_document(request)
    check_materials(doc)
    return ValidationOut(
        valid=True,
        code=doc.code,
        title=doc.title,
        title_en=doc.title_en,
        levels=[lv.code.value for lv in doc.levels],
        actions=len(doc.actions),
    )


@router.get("/{plan_id}", summary="One plan, its current version")
def get_plan(plan_id: str, bus: BusDep, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(bus.handle(m.GetPlan(plan_id=plan_id), actor))


@router.put("/{plan_id}", summary="A new version of the plan")
def revise_plan(plan_id: str, body: ReviseIn, bus: BusDep, actor: CurrentActor) -> PlanOut:
    doc = from_data(body.document, prefix="document")
    plan: Plan = bus.handle(m.RevisePlan(plan_id=plan_id, document=doc, note=body.note), actor)
    return PlanOut.of(plan)


@router.post("/{plan_id}/retire", summary="Retire the plan: kept, never activated again")
def retire_plan(plan_id: str, bus: BusDep, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(bus.handle(m.RetirePlan(plan_id=plan_id), actor))


@router.get("/{plan_id}/versions", summary="Every version of the plan, oldest first")
def plan_versions(plan_id: str, bus: BusDep, actor: CurrentActor) -> list[PlanVersionOut]:
    versions = bus.handle(m.PlanVersions(plan_id=plan_id), actor)
    return [PlanVersionOut.of(v) for v in versions]


@router.get("/{plan_id}/versions/{version}", summary="One version of the plan")
def plan_version(plan_id: str, version: int, bus: BusDep, actor: CurrentActor) -> PlanVersionOut:
    return PlanVersionOut.of(bus.handle(m.GetPlanVersion(plan_id=plan_id, version=version), actor))


@router.get(
    "/{plan_id}/export",
    summary="The plan as YAML (the current version, or ?version=n)",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {}}}},
)
def export_plan(
    plan_id: str,
    bus: BusDep,
    actor: CurrentActor,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    if version is None:
        doc = bus.handle(m.GetPlan(plan_id=plan_id), actor).document
    else:
        doc = bus.handle(m.GetPlanVersion(plan_id=plan_id, version=version), actor).document
    return Response(to_yaml(doc), media_type="application/yaml; charset=utf-8")


@router.post(
    "/{plan_id}/activate",
    status_code=status.HTTP_201_CREATED,
    summary="Activate the plan for an incident (a commander): snapshot, run card and tasks",
)
def activate_plan(
    plan_id: str, body: ActivateIn, bus: BusDep, actor: CurrentActor
) -> ActivationOut:
    activation = bus.handle(
        m.ActivatePlan(
            plan_id=plan_id,
            incident_id=body.incident_id,
            level=body.level,
            grade=body.grade,
            incident_type=body.incident_type,
            facts=body.facts,
            exercise=body.exercise,
        ),
        actor,
    )
    return ActivationOut.of(activation)
