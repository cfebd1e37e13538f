"""HTTP routes for activations: list, read, stand down, and their tasks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from lifeline.api.deps import BusDep, CurrentActor, PlatformDep
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.plans import messages as m
from lifeline.plans.api._schemas import ActivationOut, Strict, TaskOut
from lifeline.plans.document import to_yaml

router = APIRouter(prefix="/plans/activations")
PageDep = Annotated[PageParams, Depends(page_params)]


class StandDownIn(Strict):
    reason: str = Field(min_length=1, max_length=2_000)


@router.get("", summary="Activations in your scope, newest first")
def list_activations(
    bus: BusDep,
    actor: CurrentActor,
    page: PageDep,
    incident_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[ActivationOut]:
    items, total = bus.handle(
        m.ListActivations(incident_id=incident_id, limit=page.limit, offset=page.offset), actor
    )
    return Page[ActivationOut](
        items=[ActivationOut.of(a) for a in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{activation_id}", summary="One activation with its run card")
def get_activation(activation_id: str, bus: BusDep, actor: CurrentActor) -> ActivationOut:
    return ActivationOut.of(bus.handle(m.GetActivation(activation_id=activation_id), actor))


@router.get(
    "/{activation_id}/document",
    summary="The plan version this activation snapshotted, as YAML",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {}}}},
)
def activation_document(activation_id: str, bus: BusDep, actor: CurrentActor) -> Response:
    activation = bus.handle(m.GetActivation(activation_id=activation_id), actor)
    return Response(to_yaml(activation.document), media_type="application/yaml; charset=utf-8")


@router.post("/{activation_id}/stand-down", summary="Stand the activation down")
def stand_down(
    activation_id: str, body: StandDownIn, bus: BusDep, actor: CurrentActor
) -> ActivationOut:
    done = bus.handle(m.StandDown(activation_id=activation_id, reason=body.reason), actor)
    return ActivationOut.of(done)


@router.get("/{activation_id}/tasks", summary="The activation's tasks you may see")
def activation_tasks(
    activation_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep, page: PageDep
) -> Page[TaskOut]:
    items, total = bus.handle(
        m.ListTasks(activation_id=activation_id, limit=page.limit, offset=page.offset), actor
    )
    now = platform.clock.now()
    return Page[TaskOut](
        items=[TaskOut.of(t, now) for t in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )
