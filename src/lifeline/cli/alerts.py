"""``lifeline alerts``: check CAP 1.2 documents from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lifeline.cli.consoles import console, err

alerts_app = typer.Typer(help="Public warnings (CAP 1.2).", no_args_is_help=True)


@alerts_app.command("validate")
def validate_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CAP 1.2 XML file.")],
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Accept small errors as warnings (agency feeds).")
    ] = False,
    max_bytes: Annotated[int, typer.Option(help="Refuse larger documents.")] = 1_048_576,
) -> None:
    """Validate FILE against the CAP 1.2 schema and the specification's other rules.

    Exit status 0 when accepted, 1 when it has errors, 2 when the XML itself is refused
    (hostile, malformed, too large or not CAP 1.2).
    """
    from lifeline.alerts.cap import validate
    from lifeline.kernel.errors import InvalidInput

    try:
        report = validate(file.read_bytes(), strict=not lenient, max_bytes=max_bytes)
    except InvalidInput as exc:
        for problem in exc.problems:
            err.print(f"[red]refused[/red] {problem.field}: {problem.reason}", markup=True)
        raise typer.Exit(2) from None
    for issue in report.errors:
        console.print(f"[red]error[/red]   {issue.path}: {issue.reason}", highlight=False)
    for issue in report.warnings:
        console.print(f"[yellow]warning[/yellow] {issue.path}: {issue.reason}", highlight=False)
    mode = "strict" if report.strict else "lenient"
    if not report.ok:
        console.print(f"{file}: [red]invalid[/red] ({mode}, {len(report.errors)} errors)")
        raise typer.Exit(1)
    assert report.alert is not None
    console.print(
        f"{file}: [green]valid[/green] CAP 1.2 ({mode}); {report.alert.msg_type} "
        f"{report.alert.identifier!r}, {len(report.alert.infos)} info block(s), "
        f"{len(report.warnings)} warning(s)",
        highlight=False,
    )
