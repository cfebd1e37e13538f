"""Cascading failures over an infrastructure dependency graph, with expected times to failure.

The graph (networkx ``DiGraph``) has an edge ``s → v`` when ``v`` needs what ``s`` supplies
(``resource``: power, water, gas, communications …). Each node may ride out the loss of a
resource for ``backup_h`` hours (a hospital's generators, a water tower's storage). ``v`` loses
resource ``r`` when *every* supplier of ``r`` has failed (suppliers of the same resource are
redundant), and fails ``backup_h`` later:

    t(v) = min over resources r of ( max over suppliers s of r of t(s) ) + backup_h(v)
    t(v) = 0 for the initially failed nodes; ∞ when some supplier of every resource survives

The times are the earliest fixed point of that equation, found by label-correcting iteration
(the right-hand side is monotone, so at most ``|V|`` rounds). Each failed node names the
resource and the supplier whose loss brought it down, so the chain can be read back.

Assumptions: a failure is permanent within the horizon (no repair), a node's backup starts when
its last supplier of a resource fails, backups are expected values with no spread, and the
graph lists every dependency that matters.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx


class CascadeError(ValueError):
    """The graph description is invalid (names the offending part)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_graph(data: Mapping[str, Any]) -> nx.DiGraph:
    """Build the graph from ``{"nodes": [{id, name, kind, backup_h, lon, lat, population}],
    "edges": [{from, to, resource}]}``, refusing unknown ids and bad numbers."""
    nodes = data.get("nodes")
    edges = data.get("edges", [])
    if not isinstance(nodes, list) or not nodes:
        raise CascadeError("nodes", "must be a non-empty list")
    if not isinstance(edges, list):
        raise CascadeError("edges", "must be a list")
    g = nx.DiGraph()
    for i, n in enumerate(nodes):
        if not isinstance(n, Mapping) or not isinstance(n.get("id"), str) or not n["id"]:
            raise CascadeError(f"nodes[{i}].id", "must be a non-empty string")
        if n["id"] in g:
            raise CascadeError(f"nodes[{i}].id", f"duplicate id {n['id']!r}")
        backup = n.get("backup_h", 0.0)
        if not isinstance(backup, int | float) or not math.isfinite(backup) or backup < 0:
            raise CascadeError(f"nodes[{i}].backup_h", "must be a number ≥ 0")
        g.add_node(
            n["id"],
            name=str(n.get("name", n["id"])),
            kind=str(n.get("kind", "")),
            backup_h=float(backup),
            lon=n.get("lon"),
            lat=n.get("lat"),
            population=int(n.get("population", 0) or 0),
        )
    for i, e in enumerate(edges):
        if not isinstance(e, Mapping):
            raise CascadeError(f"edges[{i}]", "must be an object")
        for end in ("from", "to"):
            if e.get(end) not in g:
                raise CascadeError(f"edges[{i}].{end}", f"unknown node {e.get(end)!r}")
        if e["from"] == e["to"]:
            raise CascadeError(f"edges[{i}]", "a node cannot supply itself")
        g.add_edge(e["from"], e["to"], resource=str(e.get("resource", "supply")))
    return g


@dataclass(frozen=True, slots=True)
class Failure:
    node_id: str
    name: str
    kind: str
    fails_at_h: float
    resource: str | None  # what it ran out of (None for an initial failure)
    because_of: str | None  # the supplier whose failure it waited for last
    population: int


def cascade(g: nx.DiGraph, failed: Iterable[str], *, horizon_h: float = math.inf) -> list[Failure]:
    """Every node that fails within ``horizon_h`` hours, in order of its expected failure time."""
    initial = list(dict.fromkeys(failed))
    for node in initial:
        if node not in g:
            raise CascadeError("failed", f"unknown node {node!r}")
    t: dict[str, float] = dict.fromkeys(g, math.inf)
    cause: dict[str, tuple[str | None, str | None]] = {}
    for node in initial:
        t[node] = 0.0
        cause[node] = (None, None)
    for _ in range(len(g)):
        changed = False
        for v in g:
            if t[v] == 0.0:
                continue
            by_resource: dict[str, list[str]] = {}
            for s in g.predecessors(v):
                by_resource.setdefault(g.edges[s, v]["resource"], []).append(s)
            best: float = math.inf
            why: tuple[str | None, str | None] = (None, None)
            for resource, suppliers in sorted(by_resource.items()):
                last = max(suppliers, key=lambda s: (t[s], s))
                lost_at = t[last]
                if lost_at + g.nodes[v]["backup_h"] < best:
                    best, why = lost_at + g.nodes[v]["backup_h"], (resource, last)
            if best < t[v]:
                t[v], cause[v] = best, why
                changed = True
        if not changed:
            break
    out = [
        Failure(
            node_id=v,
            name=g.nodes[v]["name"],
            kind=g.nodes[v]["kind"],
            fails_at_h=t[v],
            resource=cause[v][0],
            because_of=cause[v][1],
            population=g.nodes[v]["population"],
        )
        for v in g
        if math.isfinite(t[v]) and t[v] <= horizon_h
    ]
    out.sort(key=lambda f: (f.fails_at_h, f.resource is not None, f.node_id))
    return out
