"""Citizens' reports (no sign-in): rate-limited per address and per phone, optional photo."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from lifeline.api.deps import BusDep, PlatformDep
from lifeline.incidents import messages as m
from lifeline.incidents.api.intake import quarantined
from lifeline.incidents.codes import code_list
from lifeline.incidents.model import Reporter, Source
from lifeline.incidents.service import IntakeResult
from lifeline.kernel.access import Actor, ActorKind
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point

router = APIRouter(prefix="/public", tags=["public"])

PUBLIC_REPORTER = Actor(
    id="anonymous",
    kind=ActorKind.PUBLIC,
    organisation_id=None,
    permissions=frozenset({m.PUBLIC_REPORT}),
    scope_paths=("/",),
    name="the public",
)


class PublicReportOut(BaseModel):
    report_id: str
    received_at: datetime
    message: str


class IncidentTypeOut(BaseModel):
    code: str
    category: str
    name: str
    name_en: str


@router.get("/incident-types", summary="What a citizen may report (the incident code list)")
def incident_types() -> list[IncidentTypeOut]:
    return [
        IncidentTypeOut(code=t.code, category=t.category.value, name=t.name, name_en=t.name_en)
        for t in code_list().types.values()
    ]


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    summary="Report an emergency (no sign-in; multipart form with an optional JPEG/PNG photo)",
    responses={429: {"description": "Too many reports from this address or phone"}},
)
async def public_report(
    request: Request,
    bus: BusDep,
    platform: PlatformDep,
    incident_type: Annotated[str, Form(min_length=1, max_length=80)],
    lon: Annotated[float, Form(ge=-180, le=180)],
    lat: Annotated[float, Form(ge=-90, le=90)],
    phone: Annotated[str, Form(min_length=5, max_length=30, pattern=r"^[0-9+\-() ]+$")],
    description: Annotated[str, Form(max_length=4000)] = "",
    name: Annotated[str, Form(max_length=100)] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> PublicReportOut:
    limit = platform.settings.incident_photo_max_bytes
    data: tuple[str, bytes] | None = None
    if photo is not None and photo.filename:
        content = await photo.read(limit + 1)
        data = (photo.content_type or "", content)
    client_ip = request.client.host if request.client else "unknown"
    record = {
        "incident_type": incident_type,
        "lon": lon,
        "lat": lat,
        "description": description,
        "photo_bytes": len(data[1]) if data else 0,
    }

    def build() -> m.ReceivePublicReport:
        try:
            point = Point(lon, lat)
        except InvalidInput as bad:
            raise InvalidInput("location", str(bad)) from bad
        return m.ReceivePublicReport(
            incident_type=incident_type,
            location=point,
            reporter=Reporter(name.strip(), phone.strip()),
            description=description.strip(),
            client_ip=client_ip,
            photo=data,
        )

    result: IntakeResult = await run_in_threadpool(
        quarantined, bus, PUBLIC_REPORTER, Source.CITIZEN, record, build
    )
    return PublicReportOut(
        report_id=result.report.id,
        received_at=result.report.received_at,
        message="Thank you: the command centre has your report and may call you back.",
    )
