"""``lifeline sharing``: what the data hub shares with an organisation."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from lifeline.cli.consoles import console
from lifeline.cli.options import DbUrl, handle_as_system

sharing_app = typer.Typer(
    help="The data sharing hub: datasets shared with an organisation.", no_args_is_help=True
)


@sharing_app.command("shared")
def shared(
    organisation: Annotated[
        str, typer.Option("--organisation", help="Id of the grantee organisation.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per line.")
    ] = False,
    database_url: DbUrl = None,
) -> None:
    """List the datasets other organisations share with ORGANISATION through active agreements:
    the agreed fields (personal ones always masked), purpose, expiry and row filter.

    Prints nothing (and says so) when no active agreement names the organisation.
    """
    from lifeline.sharing.messages import ListSharedWith

    found = handle_as_system(database_url, ListSharedWith(organisation_id=organisation))
    if as_json:
        for item in found:
            a = item.agreement
            line = {
                "dataset_id": item.dataset_id,
                "dataset_name": item.dataset_name,
                "record_type": item.record_type,
                "owner_organisation_id": a.organisation_id,
                "agreement_id": a.id,
                "fields": list(a.fields),
                "masked_fields": list(item.masked_fields),
                "purpose": a.purpose,
                "expires_at": a.expires_at.isoformat() if a.expires_at else None,
                "row_filter": a.row_filter.to_json() if a.row_filter else None,
            }
            console.print_json(json.dumps(line, ensure_ascii=False))
        return
    if not found:
        console.print("no dataset is shared with this organisation")
        return
    table = Table(title=f"shared with {organisation}")
    for column in ("dataset", "type", "fields (masked*)", "purpose", "expires", "row filter"):
        table.add_column(column)
    for item in found:
        a = item.agreement
        table.add_row(
            f"{item.dataset_name}\n{item.dataset_id}",
            item.record_type,
            ", ".join(f + ("*" if f in item.masked_fields else "") for f in a.fields),
            a.purpose,
            a.expires_at.isoformat() if a.expires_at else "never",
            json.dumps(a.row_filter.to_json(), ensure_ascii=False)[:80] if a.row_filter else "",
        )
    console.print(table)
