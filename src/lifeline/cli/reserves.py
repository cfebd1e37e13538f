"""``lifeline reserves``: the material catalogue, gap reports, expiry alarms and depot siting."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console, err
from lifeline.cli.options import DbUrl, open_platform
from lifeline.reserves.siting import SitingModel

if TYPE_CHECKING:
    pass

reserves_app = typer.Typer(
    help="Material reserves: catalogue, gaps, expiry alarms, depot siting.", no_args_is_help=True
)


@reserves_app.command("materials")
def materials() -> None:
    """List the material catalogue (GB/T 38565-2020 top-level classes)."""
    from lifeline.reserves.catalogue import catalogue

    cat = catalogue()
    table = Table(title="Emergency-material catalogue")
    for column in ("code", "class", "name", "unit", "countable", "shelf life d", "kg", "m3"):
        table.add_column(column)
    for m in sorted(cat.materials.values(), key=lambda x: x.code):
        table.add_row(
            m.code, cat.classes[m.class_code].name_en, f"{m.name} / {m.name_en}", m.unit,
            "yes" if m.countable else "no", str(m.shelf_life_days or "-"), f"{m.weight_kg:g}",
            f"{m.volume_m3:g}",
        )  # fmt: skip
    console.print(table)


@reserves_app.command("gaps")
def gaps(
    database_url: DbUrl = None,
    within_min: Annotated[float, typer.Option(help="Reachable within, minutes.")] = 30.0,
    speed_kmh: Annotated[
        float | None,
        typer.Option(help="Great-circle speed, km/h; default: the road travel times."),
    ] = None,
) -> None:
    """Print every reserve standard's gap report: required vs on hand vs reachable."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError
    from lifeline.reserves import messages as msg

    platform = open_platform(database_url)
    try:
        standards = platform.bus.handle(msg.ListStandards(), SYSTEM_ACTOR)
        if not standards:
            console.print("no reserve standards")
        for standard in standards:
            report = platform.bus.handle(
                msg.GapReport(standard_id=standard.id, within_min=within_min, speed_kmh=speed_kmh),
                SYSTEM_ACTOR,
            )
            table = Table(title=f"{report.standard_name} — {report.area_name}")
            for column in ("material", "unit", "required", "on hand", "reachable", "short"):
                table.add_column(column)
            for ln in report.lines:
                table.add_row(
                    f"{ln.material_code} {ln.material_name}", ln.unit, f"{ln.required:g}",
                    f"{ln.on_hand:g}", f"{ln.reachable:g}", f"{ln.shortage_reachable:g}",
                )  # fmt: skip
            console.print(table)
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        platform.close()


@reserves_app.command("import")
def import_(
    dataset: Annotated[str, typer.Option(help="Id of the data hub dataset to import from.")],
    kind: Annotated[str, typer.Option(help="depots, stock or responders.")],
    organisation: Annotated[
        str, typer.Option(help="Id of the organisation that owns what is created.")
    ],
    database_url: DbUrl = None,
) -> None:
    """Import depots, stock or responders from a data hub dataset (as the system, audited).

    The dataset's records must be of the matching type (facility, material, person); records
    that cannot be imported are listed with the field and reason and stay in the hub.
    """
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.kernel.errors import DomainError
    from lifeline.reserves.hub_import import import_from_hub
    from lifeline.reserves.imports import ImportKind

    try:
        what = ImportKind(kind)
    except ValueError as exc:
        err.print("[red]error:[/red] --kind must be depots, stock or responders")
        raise typer.Exit(2) from exc
    platform = open_platform(database_url)
    try:
        report = import_from_hub(
            platform.bus, SYSTEM_ACTOR, dataset_id=dataset, kind=what, organisation_id=organisation
        )
    except DomainError as exc:
        err.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    finally:
        platform.close()
    console.print(
        f"read {report.read}, imported {report.imported}, already there {report.skipped}, "
        f"refused {len({p.record_id for p in report.problems})}"
    )
    for p in report.problems:
        console.print(f"  {p.record_key}: {p.field or 'record'}: {p.reason}")
    if report.problems:
        raise typer.Exit(1)


@reserves_app.command("alarms")
def alarms(
    database_url: DbUrl = None,
    within_days: Annotated[int, typer.Option(help="Expiring within this many days.")] = 60,
) -> None:
    """Lots expired or expiring soon, with rotation suggestions."""
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.reserves import messages as msg

    platform = open_platform(database_url)
    try:
        found = platform.bus.handle(msg.ExpiryAlarms(within_days=within_days), SYSTEM_ACTOR)
    finally:
        platform.close()
    for alarm in found:
        console.print(
            f"{alarm.severity:<8} {alarm.material_code} lot {alarm.lot_id} "
            f"({alarm.days_left} days): {alarm.suggestion}",
            highlight=False,
        )
    console.print(f"{len(found)} lots within {within_days} days")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@reserves_app.command("site")
def site(
    demand: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="CSV with lon,lat,weight.")
    ],
    candidates: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="CSV with lon,lat,name.")
    ],
    model: Annotated[SitingModel, typer.Option(help="Siting model.")] = SitingModel.P_MEDIAN,
    p: Annotated[int, typer.Option(help="Sites to open (p-median, maximal covering).")] = 1,
    within_min: Annotated[float, typer.Option(help="Coverage time, minutes.")] = 15.0,
    speed_kmh: Annotated[float, typer.Option(help="Great-circle travel speed, km/h.")] = 30.0,
    heuristic: Annotated[
        bool, typer.Option("--heuristic", help="Greedy + interchange instead of exact HiGHS.")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="Write the GeoJSON result here.")] = None,
) -> None:
    """Choose depot sites from CSV demand points and candidates; print or write GeoJSON."""
    from lifeline.reserves import siting

    try:
        d = [(float(r["lon"]), float(r["lat"]), float(r.get("weight") or 1)) for r in _rows(demand)]
        c_rows = _rows(candidates)
        c = [(float(r["lon"]), float(r["lat"])) for r in c_rows]
        names = [r.get("name") or f"candidate {i}" for i, r in enumerate(c_rows)]
        problem = siting.SitingProblem.from_points(
            [(x, y) for x, y, _ in d], c, [w for _, _, w in d], speed_kmh
        )
    except (KeyError, ValueError) as exc:
        err.print(f"[red]bad input:[/red] {exc}")
        raise typer.Exit(2) from exc
    if model is SitingModel.P_MEDIAN:
        result = (
            siting.p_median_heuristic(problem, p)
            if heuristic
            else siting.p_median_exact(problem, p)
        )
    elif model is SitingModel.MAXIMAL_COVERING:
        result = (
            siting.maximal_covering_heuristic(problem, p, within_min)
            if heuristic
            else siting.maximal_covering_exact(problem, p, within_min)
        )
    else:
        result = (
            siting.set_covering_heuristic(problem, within_min)
            if heuristic
            else siting.set_covering_exact(problem, within_min)
        )
    geo = siting.to_geojson(result, c, names)
    console.print(
        f"{model.value} ({result.method}): sites {', '.join(names[j] for j in result.sites)}; "
        f"objective {result.objective:.6g}, bound {result.bound:.6g}, gap {result.gap:.2%}",
        highlight=False,
    )
    if out is not None:
        out.write_text(json.dumps(geo, ensure_ascii=False, indent=2), encoding="utf-8")
        console.print(f"GeoJSON written to {out}")
