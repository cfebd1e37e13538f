"""``lifeline plans``: list, validate, import, export and activate emergency plans, and escalate
overdue tasks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, open_platform
from lifeline.kernel.errors import DomainError, InvalidInput
from lifeline.plans.model import Grade

if TYPE_CHECKING:
    from lifeline.bootstrap import Platform
    from lifeline.plans.model import Plan

plans_app = typer.Typer(
    help="Emergency plans (预案): list, validate, import, export, activate, check overdue tasks.",
    no_args_is_help=True,
)

PlanRef = Annotated[str, typer.Argument(help="Plan id, or plan code when it is unique.")]


def _refused(exc: DomainError) -> typer.Exit:
    if isinstance(exc, InvalidInput):
        for problem in exc.problems:
            err.print(f"[red]invalid:[/red] {problem.field}: {problem.reason}", highlight=False)
    else:
        err.print(f"[red]refused:[/red] {exc}", highlight=False)
    return typer.Exit(1)


def _all_plans(platform: Platform) -> list[Plan]:
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.plans.messages import ListPlans

    found: list[Plan] = []
    while True:
        page, total = platform.bus.handle(ListPlans(limit=500, offset=len(found)), SYSTEM_ACTOR)
        found += page
        if not page or len(found) >= total:
            return found


def _find(platform: Platform, ref: str) -> Plan:
    matches = [p for p in _all_plans(platform) if ref in (p.id, p.code)]
    if len(matches) != 1:
        reason = "no plan has" if not matches else f"{len(matches)} plans have"
        err.print(f"[red]{reason} the id or code {ref!r}[/red]", highlight=False)
        raise typer.Exit(1)
    return matches[0]


@plans_app.command("list")
def list_plans(database_url: DbUrl = None) -> None:
    """List every plan: code, version, status, titles, incident types and grades."""
    platform = open_platform(database_url)
    try:
        plans = _all_plans(platform)
    finally:
        platform.close()
    for p in plans:
        doc = p.document
        console.print(
            f"{p.code}  v{p.version}  {p.status.value}  {p.id}\n"
            f"    {doc.title} / {doc.title_en}\n"
            f"    types {', '.join(doc.incident_types)}; grades "
            f"{' '.join(g.value for g in doc.grades)}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"{len(plans)} emergency plans")


@plans_app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="YAML files.")],
) -> None:
    """Check YAML plan documents without saving them; every problem names its path."""
    from lifeline.plans.document import check_materials, from_yaml

    failed = 0
    for path in files:
        try:
            doc = from_yaml(path.read_bytes())
            check_materials(doc)
        except InvalidInput as exc:
            failed += 1
            for problem in exc.problems:
                err.print(f"{path}: {problem.field}: {problem.reason}", highlight=False)
            continue
        console.print(
            f"{path}: valid — {doc.code} ({doc.title_en}), levels "
            f"{' '.join(lv.code.value for lv in doc.levels)}, {len(doc.actions)} actions",
            highlight=False,
        )
    if failed:
        raise typer.Exit(1)


@plans_app.command("import")
def import_plans(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help="YAML files.")],
    organisation: Annotated[str, typer.Option(help="Id of the organisation owning the plans.")],
    note: Annotated[str, typer.Option(help="Note kept with the new version.")] = "",
    bind: Annotated[
        list[str] | None,
        typer.Option(help="department=organisation-id: where that department's tasks go."),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Import YAML plans: each is created, or becomes a new version of the plan with its code."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.plans.document import from_yaml
    from lifeline.plans.messages import SavePlan

    bindings = dict(b.partition("=")[::2] for b in bind or ())
    platform = open_platform(database_url)
    try:
        for path in files:
            doc = from_yaml(path.read_bytes())
            mine = {k: v for k, v in bindings.items() if doc.department(k) is not None}
            saved = platform.bus.handle(
                SavePlan(organisation_id=organisation, document=doc, bindings=mine, note=note),
                SYSTEM_ACTOR,
            )
            verb = "created" if saved.created else f"now at version {saved.plan.version}"
            console.print(f"{path}: {saved.plan.code} {verb} ({saved.plan.id})", highlight=False)
    except DomainError as exc:
        raise _refused(exc) from exc
    finally:
        platform.close()


@plans_app.command("export")
def export(
    plan: PlanRef,
    version: Annotated[int | None, typer.Option(help="Version; default the current one.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the YAML here; default stdout.")] = None,
    database_url: DbUrl = None,
) -> None:
    """Export a plan (or one of its versions) as YAML."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.plans.document import to_yaml
    from lifeline.plans.messages import GetPlanVersion

    platform = open_platform(database_url)
    try:
        found = _find(platform, plan)
        doc = found.document
        if version is not None:
            doc = platform.bus.handle(
                GetPlanVersion(plan_id=found.id, version=version), SYSTEM_ACTOR
            ).document
    except DomainError as exc:
        raise _refused(exc) from exc
    finally:
        platform.close()
    text = to_yaml(doc)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"{found.code} written to {out}", highlight=False)


@plans_app.command("activate")
def activate(
    plan: PlanRef,
    incident: Annotated[str, typer.Option(help="Id of the incident the plan responds to.")],
    level: Annotated[Grade | None, typer.Option(help="Response level I…IV.")] = None,
    grade: Annotated[
        Grade | None, typer.Option(help="Incident grade, when no level is named.")
    ] = None,
    exercise: Annotated[bool, typer.Option(help="Mark it a drill.")] = False,
    database_url: DbUrl = None,
) -> None:
    """Activate a plan for an incident, as a commander would; print the run card and tasks."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.plans.messages import ActivatePlan, ListTasks
    from lifeline.plans.service.activation import run_card

    platform = open_platform(database_url)
    try:
        found = _find(platform, plan)
        made = platform.bus.handle(
            ActivatePlan(
                plan_id=found.id, incident_id=incident, level=level, grade=grade, exercise=exercise
            ),
            SYSTEM_ACTOR,
        )
        tasks, _ = platform.bus.handle(ListTasks(activation_id=made.id, limit=500), SYSTEM_ACTOR)
    except DomainError as exc:
        raise _refused(exc) from exc
    finally:
        platform.close()
    units, materials = run_card(made.document, made.level)
    console.print(
        f"{found.code} v{made.plan_version} activated for {incident} at level "
        f"{made.level.value} ({made.id})",
        highlight=False,
    )
    console.print("run card: " + ", ".join(f"{u.count} {u.unit_type}" for u in units))
    if materials:
        console.print(
            "materials: " + ", ".join(f"{m.quantity:g} × {m.material_code}" for m in materials)
        )
    console.print(f"{len(tasks)} tasks:")
    for t in tasks:
        console.print(
            f"  {t.department:<22} due {t.deadline_at:%Y-%m-%d %H:%M} {t.title} / {t.title_en}",
            highlight=False,
            soft_wrap=True,
        )


@plans_app.command("check-overdue")
def check_overdue(database_url: DbUrl = None) -> None:
    """Escalate every open task past its deadline that is due an escalation."""
    from lifeline.plans.service import check_overdue as run_check

    platform = open_platform(database_url)
    try:
        escalated = run_check(platform.bus)
    finally:
        platform.close()
    console.print(f"{escalated} overdue tasks escalated")
