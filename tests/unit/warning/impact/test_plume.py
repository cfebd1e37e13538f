"""Gaussian plume: the formula, stability, direction, and the footprint's shape."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lifeline.warning.impact.plume import (
    Release,
    Stability,
    Terrain,
    centreline,
    footprint,
    pasquill_class,
    sigmas,
)


def release(**kw: object) -> Release:
    base: dict[str, object] = {
        "lon": 114.05,
        "lat": 22.54,
        "rate_g_s": 1_000.0,
        "wind_speed_m_s": 3.0,
        "wind_from_deg": 0.0,
        "stability": Stability.D,
        "terrain": Terrain.RURAL,
        "height_m": 0.0,
    }
    base.update(kw)
    return Release(**base)  # type: ignore[arg-type]


def test_ground_release_matches_the_closed_form() -> None:
    r = release()
    x = np.array([500.0])
    sy, sz = sigmas(x, Stability.D, Terrain.RURAL)
    assert sy[0] == pytest.approx(0.08 * 500 / math.sqrt(1 + 0.05))
    expected = 1_000.0 / (math.pi * 3.0 * sy[0] * sz[0])
    assert centreline(r, x)[0] == pytest.approx(expected)


def test_stable_air_carries_gas_further_than_unstable_air() -> None:
    stable = footprint(release(stability=Stability.F), 0.01)
    unstable = footprint(release(stability=Stability.A), 0.01)
    assert stable.reach_m > 2 * unstable.reach_m


def test_an_elevated_release_touches_down_later() -> None:
    x = np.array([50.0])
    assert centreline(release(height_m=30.0), x)[0] < centreline(release(), x)[0] / 10


def test_a_north_wind_sends_the_plume_south() -> None:
    fp = footprint(release(wind_from_deg=0.0), 0.01)
    assert fp.polygon is not None
    ring = fp.polygon["coordinates"][0]  # type: ignore[index]
    lats = [p[1] for p in ring]
    assert max(lats) <= 22.54 + 1e-9
    assert min(lats) == pytest.approx(22.54 - fp.reach_m / 111_320, rel=0.02)


def test_a_threshold_never_reached_gives_no_area() -> None:
    fp = footprint(release(rate_g_s=0.001), 1.0)
    assert fp.polygon is None
    assert fp.reach_m == 0.0


def test_pasquill_classes_from_wind_and_daylight() -> None:
    assert pasquill_class(1.0, daytime=True) is Stability.A
    assert pasquill_class(7.0, daytime=True) is Stability.D
    assert pasquill_class(2.0, daytime=False) is Stability.F
    assert pasquill_class(4.0, daytime=False) is Stability.E


def test_bad_releases_are_refused() -> None:
    with pytest.raises(ValueError, match="rate_g_s"):
        release(rate_g_s=0.0)
    with pytest.raises(ValueError, match="threshold"):
        footprint(release(), 0.0)
