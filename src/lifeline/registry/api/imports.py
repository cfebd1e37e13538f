"""Bulk-import endpoints: a GeoJSON FeatureCollection or a facility CSV, all rows or none."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.registry.api._schemas import GeoJson, InputModel
from lifeline.registry.model import ImportFacilitiesCsv, ImportGeoJson, ImportResult, ImportTarget

router = APIRouter()


class CsvImportIn(InputModel):
    content: str = Field(description="The CSV text, header row first")
    crs: CoordinateSystem = CoordinateSystem.WGS84


class ImportOut(BaseModel):
    target: ImportTarget
    created: int
    ids: list[str]

    @classmethod
    def of(cls, result: ImportResult) -> ImportOut:
        return cls(target=result.target, created=len(result.created_ids),
                   ids=list(result.created_ids))  # fmt: skip


@router.post("/registry/import/geojson", status_code=201, response_model=ImportOut)
def import_geojson(
    bus: BusDep,
    actor: CurrentActor,
    collection: Annotated[GeoJson, Body(description="A GeoJSON FeatureCollection")],
    target: ImportTarget,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> ImportOut:
    """Import every feature as an area or a facility, or nothing: a 422 lists each failing
    feature and field (``features[3].geometry``)."""
    result = bus.handle(ImportGeoJson(target=target, collection=collection, crs=crs), actor)
    return ImportOut.of(result)


CSV_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/json": {"schema": CsvImportIn.model_json_schema()},
        },
    }
}


@router.post("/registry/import/csv", status_code=201, response_model=ImportOut,
             openapi_extra=CSV_BODY_DOC)  # fmt: skip
async def import_csv(
    request: Request,
    bus: BusDep,
    actor: CurrentActor,
    crs: CoordinateSystem = CoordinateSystem.WGS84,
) -> ImportOut:
    """Import facilities from CSV (UTF-8 or GBK/GB18030): a ``text/csv`` body, or JSON
    ``{"content": "...", "crs": "GCJ-02"}``. All rows or none: a 422 lists each failing row and
    field (``rows[7].lon``)."""
    raw = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = CsvImportIn.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidInput(
                [
                    FieldProblem(
                        ".".join(str(p) for p in e["loc"]) or "body",
                        "unknown field" if e["type"] == "extra_forbidden" else e["msg"],
                    )
                    for e in exc.errors()
                ]
            ) from exc
        content, crs = body.content.encode("utf-8"), body.crs
    elif content_type in ("text/csv", "text/plain", "application/octet-stream", ""):
        content = raw
    else:
        raise InvalidInput("content-type", "send text/csv or application/json")
    cmd = ImportFacilitiesCsv(content=content, crs=crs)
    result = await run_in_threadpool(bus.handle, cmd, actor)
    return ImportOut.of(result)
