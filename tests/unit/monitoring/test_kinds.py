"""The sensor kinds as data."""

from __future__ import annotations

import pytest

from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.kinds import kinds, parse_kinds


def test_every_kind_has_a_unit_a_range_and_an_interval() -> None:
    specs = kinds()
    assert set(specs) == set(SensorKind)
    assert specs[SensorKind.COMBUSTIBLE_GAS].unit == "%LEL"
    assert (specs[SensorKind.SMOKE].min_value, specs[SensorKind.SMOKE].max_value) == (0, 100)
    assert all(s.interval_s > 0 and s.min_value < s.max_value for s in specs.values())


def test_a_kind_file_with_an_empty_range_or_a_missing_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="not below"):
        parse_kinds("smoke: {unit: x, min: 5, max: 5, interval_s: 1, stuck_samples: 0, "
                    "observed_property: x}")  # fmt: skip
    with pytest.raises(ValueError, match="without a specification"):
        parse_kinds("smoke: {unit: x, min: 0, max: 5, interval_s: 1, stuck_samples: 0, "
                    "observed_property: x}")  # fmt: skip
