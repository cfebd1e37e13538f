"""Loading with authorisation, jurisdiction and the settings shared by the incidents use cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from lifeline.incidents.merging import MergeRules
from lifeline.incidents.model import INCIDENTS, Incident, IncidentsRepository
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.geo import Point
from lifeline.kernel.uow import UnitOfWork
from lifeline.registry.model import REGISTRY, AreaFilter

OUTSIDE = (
    "outside the jurisdiction: not inside any area of the city (at sea or beyond its boundary)"
)


@dataclass(frozen=True, slots=True)
class IntakeSettings:
    """Duplicate detection and the public endpoint's limits (``LIFELINE_INCIDENT_*``)."""

    merge: MergeRules = field(default_factory=MergeRules)
    public_window_s: float = 3600.0
    public_per_ip: int = 10
    public_per_phone: int = 5
    photo_max_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Place:
    """Where an incident belongs: the deepest registry area containing its location."""

    area_id: str
    organisation_id: str
    path: str


def repo_of(uow: UnitOfWork) -> IncidentsRepository:
    return uow.repo(INCIDENTS)


def locate(uow: UnitOfWork, point: Point, field: str = "location") -> Place:
    """The deepest registry area (of any organisation) covering ``point``, or ``InvalidInput``
    naming ``field`` when none does: outside the city or at sea."""
    areas, _ = uow.repo(REGISTRY).list_areas(
        AreaFilter(scope_paths=("/",), contains=point), limit=200, offset=0
    )
    if not areas:
        raise InvalidInput(field, OUTSIDE)

    def size(bbox: tuple[float, float, float, float]) -> float:
        return (bbox[2] - bbox[0]) * (bbox[3] - bbox[1])

    best = min(areas, key=lambda a: (-a.path.count("/"), size(a.boundary.bbox()), a.id))
    return Place(area_id=best.id, organisation_id=best.organisation_id, path=best.path)


def check_jurisdiction(
    ctx: HandlerContext, place: Place, permission: str, field: str = "location"
) -> None:
    """The caller must act for the organisation the location belongs to."""
    if not ctx.allowed(permission, place.path):
        raise InvalidInput(field, "outside your organisation's jurisdiction")
    ctx.authorize(
        target_kind="organisation", target_id=place.organisation_id, target_path=place.path
    )


def load_incident(ctx: HandlerContext, incident_id: str) -> Incident:
    incident = repo_of(ctx.uow).get_incident(incident_id)
    if incident is None:
        raise NotFound("incident", incident_id)
    ctx.authorize(target_kind="incident", target_id=incident.id, target_path=incident.path)
    return incident


def save(uow: UnitOfWork, updated: Incident, expected_version: int) -> None:
    if not repo_of(uow).update_incident(updated, expected_version):
        raise Conflict("the incident was changed concurrently; reload and retry")


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)
