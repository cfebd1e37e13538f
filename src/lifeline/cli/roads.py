"""``lifeline roads``: load and check the road network that travel times are computed on."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Annotated

import typer

from lifeline.cli.consoles import console, err

roads_app = typer.Typer(
    help="The road network: load an OpenStreetMap extract or a synthetic grid and check it.",
    no_args_is_help=True,
)


@roads_app.command()
def check(
    network: Annotated[
        str,
        typer.Argument(
            help="An OpenStreetMap .osm.pbf extract, or synthetic:NODES[:SEED[:SPACING_M]].",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
) -> None:
    """Load a road network as LIFELINE_ROAD_NETWORK would and report what was kept and dropped.

    Exits 1 with the reason when the network is malformed or falls apart.
    """
    from lifeline.geo.loading import load_network
    from lifeline.geo.network import RoadNetworkError

    started = time.perf_counter()
    try:
        net = load_network(network)
    except RoadNetworkError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    summary = net.summary()
    load_s = time.perf_counter() - started
    if as_json:
        console.print_json(json.dumps({**dataclasses.asdict(summary), "load_s": round(load_s, 3)}))
        return
    kept = summary.nodes / (summary.nodes + summary.dropped_nodes)
    console.print(
        f"[green]road network {summary.name} is usable[/green] (loaded in {load_s:.2f} s)"
    )
    console.print(
        f"  nodes: {summary.nodes:,} kept ({kept:.1%}); {summary.dropped_nodes:,} dropped"
    )
    console.print(
        f"  edges: {summary.edges:,} kept, {summary.one_way_edges:,} one-way; "
        f"{summary.dropped_edges:,} dropped outside the largest strongly connected part"
    )
    console.print(f"  length: {summary.length_km:,.1f} km of directed road")
    lon0, lat0, lon1, lat1 = summary.bbox
    console.print(f"  bbox (lon, lat): {lon0:.5f}, {lat0:.5f} — {lon1:.5f}, {lat1:.5f}")
