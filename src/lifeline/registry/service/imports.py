"""Bulk import: every GeoJSON feature or CSV row becomes an area or facility, or none does."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.registry import importers
from lifeline.registry.model import (
    ImportFacilitiesCsv,
    ImportGeoJson,
    ImportResult,
    ImportTarget,
    Organisation,
)
from lifeline.registry.service._common import repo_of
from lifeline.registry.service.areas import new_area
from lifeline.registry.service.facilities import new_facility
from lifeline.security.model import Permission

_ROW_INDEX = re.compile(r"\[(\d+)\]")


def _row_order(problem: FieldProblem) -> tuple[int, str]:
    found = _ROW_INDEX.search(problem.field)
    return (int(found.group(1)) if found else -1, problem.field)


def _import(
    ctx: HandlerContext, target: ImportTarget, parsed: importers.ParsedImport[Any]
) -> ImportResult:
    """Resolve owners and check scope and uniqueness for every row; write all rows or none."""
    repo = repo_of(ctx)
    problems = list(parsed.problems)
    owners: dict[str, Organisation | None] = {}
    seen: set[tuple[str, str]] = set()
    resolved: list[tuple[Any, Organisation]] = []
    for row in parsed.rows:
        if row.owner not in owners:
            org = repo.get_organisation(row.owner) or repo.organisation_by_admin_code(row.owner)
            visible = org is not None and ctx.allowed(Permission.REGISTRY_IMPORT, org.path)
            owners[row.owner] = org if visible else None
        owner = owners[row.owner]
        name_field = (
            f"{row.field}.properties.name"
            if row.field.startswith("features")
            else f"{row.field}.name"
        )
        if owner is None:
            problems.append(
                FieldProblem(
                    name_field.removesuffix(".name") + ".owner",
                    f"no organisation with id or admin code {row.owner!r} in your scope",
                )
            )
            continue
        key = (owner.id, row.command.name)
        taken = repo.area_named(*key) if target is ImportTarget.AREAS else repo.facility_named(*key)
        if taken is not None or key in seen:
            problems.append(
                FieldProblem(
                    name_field,
                    f"{row.command.name!r} already exists for "
                    "this owner" + (" in this file" if key in seen else ""),
                )
            )
        seen.add(key)
        resolved.append((dataclasses.replace(row.command, organisation_id=owner.id), owner))
    if problems:
        raise InvalidInput(sorted(problems, key=_row_order))
    for owner in {o.id: o for _, o in resolved}.values():
        ctx.authorize(target_kind="organisation", target_id=owner.id, target_path=owner.path)
    created = [
        (
            new_area(ctx, cmd, owner)
            if target is ImportTarget.AREAS
            else new_facility(ctx, cmd, owner)
        ).id
        for cmd, owner in resolved
    ]
    return ImportResult(target=target, created_ids=tuple(created))


def import_geojson(cmd: ImportGeoJson, ctx: HandlerContext) -> ImportResult:
    return _import(ctx, cmd.target, importers.parse_geojson(cmd.collection, cmd.target, cmd.crs))


def import_facilities_csv(cmd: ImportFacilitiesCsv, ctx: HandlerContext) -> ImportResult:
    return _import(
        ctx, ImportTarget.FACILITIES, importers.parse_facilities_csv(cmd.content, cmd.crs)
    )
