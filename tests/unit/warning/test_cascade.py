"""Cascading failures: redundancy, backup hours, chains and cycles."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.warning.cascade import CascadeError, cascade, parse_graph


def graph(nodes: dict[str, float], edges: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    return parse_graph(
        {
            "nodes": [{"id": n, "backup_h": b} for n, b in nodes.items()],
            "edges": [{"from": a, "to": b, "resource": r} for a, b, r in edges],
        }
    )


def times(failures) -> dict[str, float]:  # type: ignore[no-untyped-def]
    return {f.node_id: f.fails_at_h for f in failures}


def test_a_chain_adds_up_backup_hours_and_names_the_cause() -> None:
    g = graph(
        {"sub": 0, "pump": 1, "hospital": 24},
        [("sub", "pump", "power"), ("pump", "hospital", "water")],
    )
    out = cascade(g, ["sub"])
    assert times(out) == {"sub": 0.0, "pump": 1.0, "hospital": 25.0}
    hospital = out[-1]
    assert (hospital.resource, hospital.because_of) == ("water", "pump")


def test_redundant_suppliers_of_a_resource_must_all_fail() -> None:
    g = graph({"a": 0, "b": 0, "pump": 0.5}, [("a", "pump", "power"), ("b", "pump", "power")])
    assert "pump" not in times(cascade(g, ["a"]))
    assert times(cascade(g, ["a", "b"]))["pump"] == 0.5


def test_losing_any_one_resource_is_enough() -> None:
    g = graph(
        {"grid": 0, "water": 0, "hospital": 24},
        [("grid", "hospital", "power"), ("water", "hospital", "water")],
    )
    assert times(cascade(g, ["water"]))["hospital"] == 24.0


def test_a_dependency_cycle_terminates() -> None:
    g = graph(
        {"plant": 2, "pump": 1, "sub": 0},
        [("sub", "plant", "power"), ("plant", "pump", "power"), ("pump", "plant", "water")],
    )
    assert times(cascade(g, ["sub"])) == {"sub": 0.0, "plant": 2.0, "pump": 3.0}


def test_horizon_cuts_later_failures() -> None:
    g = graph({"sub": 0, "hospital": 24}, [("sub", "hospital", "power")])
    assert times(cascade(g, ["sub"], horizon_h=12)) == {"sub": 0.0}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nodes": []}, "nodes"),
        ({"nodes": [{"id": "a"}, {"id": "a"}]}, "nodes[1].id"),
        ({"nodes": [{"id": "a", "backup_h": -1}]}, "nodes[0].backup_h"),
        ({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "b"}]}, "edges[0].to"),
        ({"nodes": [{"id": "a"}], "edges": [{"from": "a", "to": "a"}]}, "edges[0]"),
    ],
)
def test_bad_graphs_are_refused_naming_the_field(data: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(CascadeError) as err:
        parse_graph(data)
    assert err.value.field == field


def test_unknown_failed_node_is_refused() -> None:
    with pytest.raises(CascadeError, match="unknown node"):
        cascade(graph({"a": 0}, []), ["b"])


@given(
    st.lists(st.floats(min_value=0, max_value=48), min_size=2, max_size=8),
    st.data(),
)
def test_failure_times_never_precede_the_supplier_they_waited_for(
    backups: list[float], data: st.DataObject
) -> None:
    names = [f"n{i}" for i in range(len(backups))]
    edges = []
    for i in range(1, len(names)):
        for j in data.draw(st.lists(st.integers(0, len(names) - 1), max_size=3)):
            if j != i:
                edges.append((names[j], names[i], data.draw(st.sampled_from(["power", "water"]))))
    g = graph(dict(zip(names, backups, strict=True)), edges)
    out = cascade(g, [names[0]])
    t = times(out)
    for f in out:
        assert math.isfinite(f.fails_at_h)
        if f.because_of is not None:
            assert f.fails_at_h == pytest.approx(t[f.because_of] + g.nodes[f.node_id]["backup_h"])
