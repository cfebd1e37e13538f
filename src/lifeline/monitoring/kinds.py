"""The sensor kinds as data (``seed_data/kinds.yaml``): unit, physical range, expected interval."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.model import KindSpec


def parse_kinds(text: str) -> dict[SensorKind, KindSpec]:
    """Parse the kinds YAML; every :class:`SensorKind` must be described exactly once and every
    range must be non-empty."""
    data: dict[str, Any] = yaml.safe_load(text)
    specs: dict[SensorKind, KindSpec] = {}
    for name, spec in data.items():
        kind = SensorKind(name)
        lo, hi = float(spec["min"]), float(spec["max"])
        if not lo < hi:
            raise ValueError(f"kind {name}: min {lo} is not below max {hi}")
        if float(spec["interval_s"]) <= 0:
            raise ValueError(f"kind {name}: interval_s must be positive")
        specs[kind] = KindSpec(
            kind=kind,
            unit=str(spec["unit"]),
            min_value=lo,
            max_value=hi,
            interval_s=float(spec["interval_s"]),
            stuck_samples=int(spec["stuck_samples"]),
            observed_property=str(spec["observed_property"]),
        )
    missing = set(SensorKind) - set(specs)
    if missing:
        raise ValueError(f"kinds without a specification: {sorted(missing)}")
    return specs


@cache
def kinds() -> dict[SensorKind, KindSpec]:
    """The shipped kind specifications, parsed once."""
    text = resources.files("lifeline.monitoring").joinpath("seed_data", "kinds.yaml")
    return parse_kinds(text.read_text("utf-8"))
