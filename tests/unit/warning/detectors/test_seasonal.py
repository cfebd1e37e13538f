"""The seasonal detector: learns daily rhythms, flags spikes and shifts, survives gaps."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.warning.detectors.seasonal import (
    DetectorBank,
    DetectorParams,
    Reason,
    hour_of_week,
)

MONDAY_0800_CST = datetime(2026, 6, 1, 0, 0, tzinfo=UTC).timestamp()  # 08:00 in Shenzhen
STEP_S = 300.0


def daily_series(days: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """5-minute readings with a strong noon peak (+10) on a base of 20, noise σ = 0.3."""
    rng = np.random.default_rng(seed)
    t = MONDAY_0800_CST + STEP_S * np.arange(days * 288)
    hour = ((t + 8 * 3600) % 86_400) / 3_600
    x = 20.0 + 10.0 * np.exp(-(((hour - 12.0) / 2.0) ** 2)) + rng.normal(0, 0.3, len(t))
    return t, x


def next_local_midnight(after_s: float) -> float:
    """The first 00:00 China Standard Time after ``after_s`` (Unix seconds)."""
    return float(np.ceil((after_s + 8 * 3600) / 86_400) * 86_400 - 8 * 3600)


def one_stream(params: DetectorParams | None = None) -> DetectorBank:
    bank = DetectorBank(params)
    bank.add_streams(1)
    return bank


def feed(bank: DetectorBank, t: np.ndarray, x: np.ndarray, slot: int = 0):  # type: ignore[no-untyped-def]
    return bank.update(np.full(len(t), slot), t, x)


def test_hour_of_week_counts_from_monday_midnight_local_time() -> None:
    monday_midnight_cst = datetime(2026, 6, 1, 0, 0, tzinfo=UTC).timestamp() - 8 * 3600
    times = monday_midnight_cst + np.array([0.0, 3599.0, 3600.0, 6 * 86_400 + 23 * 3600])
    assert hour_of_week(times, 8 * 3600.0).tolist() == [0, 0, 1, 167]


def test_a_normal_daily_rhythm_is_not_flagged_once_learnt() -> None:
    bank = one_stream()
    t, x = daily_series(days=10)
    scores = feed(bank, t, x)
    last_three_days = slice(7 * 288, None)
    assert scores.anomalous[last_three_days].sum() == 0
    assert np.nanmax(np.abs(scores.z[last_three_days])) < 6.0


def test_a_value_normal_at_noon_is_a_spike_at_midnight() -> None:
    bank = one_stream()
    t, x = daily_series(days=8)
    feed(bank, t, x)
    noon_value = 30.0
    midnight = next_local_midnight(t[-1])
    next_noon = midnight + 12 * 3600
    at_midnight = feed(bank, np.array([midnight]), np.array([noon_value]))
    at_noon = feed(bank, np.array([next_noon]), np.array([noon_value]))
    assert at_midnight.reason[0] == Reason.SPIKE
    assert at_midnight.onset[0]
    assert not at_noon.anomalous[0]


def test_without_seasonal_profiles_the_normal_noon_peak_raises_false_alarms() -> None:
    t, x = daily_series(days=10)
    last_three_days = slice(7 * 288, None)
    flat = feed(one_stream(DetectorParams(bin_warmup_n=10**9)), t, x)
    seasonal = feed(one_stream(), t, x)
    assert flat.anomalous[last_three_days].sum() > 10
    assert seasonal.anomalous[last_three_days].sum() == 0


def test_a_small_sustained_shift_is_caught_by_cusum_not_by_the_spike_rule() -> None:
    rng = np.random.default_rng(7)
    t = MONDAY_0800_CST + np.arange(2_000.0)
    x = 50.0 + rng.normal(0, 1.0, len(t))
    x[1_500:1_700] += 2.5  # 2.5 σ: never a spike
    bank = one_stream()
    scores = feed(bank, t, x)
    during = scores.reason[1_500:1_700]
    assert not (during == Reason.SPIKE).any()
    assert (during == Reason.SHIFT_UP).mean() > 0.8
    first = int(np.flatnonzero(during == Reason.SHIFT_UP)[0])
    assert first < 20  # h = 20 σ of evidence at (2.5 − k) σ per reading
    assert scores.anomalous[1_720:].sum() == 0  # ends once readings are back


def test_a_downward_shift_is_reported_as_such() -> None:
    t = MONDAY_0800_CST + np.arange(1_000.0)
    x = 100.0 + np.random.default_rng(3).normal(0, 1.0, len(t))
    x[800:] -= 4.0
    scores = feed(one_stream(), t, x)
    assert (scores.reason[800:900] == Reason.SHIFT_DOWN).sum() > 80


def test_nothing_is_flagged_during_warm_up() -> None:
    t = MONDAY_0800_CST + np.arange(60.0)
    x = np.r_[np.zeros(30), np.full(30, 1_000.0)]
    assert not feed(one_stream(), t, x).anomalous.any()


def test_a_gap_resets_the_cumulative_sum() -> None:
    params = DetectorParams()
    rng = np.random.default_rng(5)
    t = MONDAY_0800_CST + np.arange(500.0)
    x = 10.0 + rng.normal(0, 1.0, len(t))
    x[480:] += 2.0  # evidence builds up towards h
    bank = one_stream(params)
    before = feed(bank, t, x)
    assert before.cusum[-1] > 10
    after_gap = feed(bank, np.array([t[-1] + params.max_gap_s + 1]), np.array([10.0]))
    assert after_gap.cusum[0] == 0.0


def test_late_duplicate_and_non_finite_readings_are_skipped_without_changing_state() -> None:
    bank = one_stream()
    t = MONDAY_0800_CST + np.arange(100.0)
    feed(bank, t, np.full(100, 5.0))
    loc = bank.g_loc[0]
    scores = feed(bank, np.array([t[50], t[-1], t[-1] + 1]), np.array([99.0, 99.0, np.nan]))
    assert scores.skipped.tolist() == [True, True, True]
    assert bank.g_loc[0] == loc


def test_a_batch_with_many_readings_per_stream_equals_feeding_them_one_by_one() -> None:
    rng = np.random.default_rng(11)
    streams, steps = 5, 400
    ids = np.tile(np.arange(streams), steps)
    times = MONDAY_0800_CST + np.repeat(np.arange(steps, dtype=float), streams)
    values = rng.normal(0, 1, len(ids)) + ids * 10.0
    values[ids == 2] += np.where(np.arange(steps) > 300, 6.0, 0.0)
    shuffled = rng.permutation(len(ids))
    whole = DetectorBank()
    whole.add_streams(streams)
    batch = whole.update(ids[shuffled], times[shuffled], values[shuffled])
    single = DetectorBank()
    single.add_streams(streams)
    z = np.empty(len(ids))
    for i in range(len(ids)):
        z[i] = single.update(ids[i : i + 1], times[i : i + 1], values[i : i + 1]).z[0]
    np.testing.assert_allclose(batch.z[np.argsort(shuffled)], z)
    assert batch.anomalous[ids[shuffled] == 2].any()
    assert not batch.anomalous[ids[shuffled] == 0].any()


def test_state_is_constant_per_stream_whatever_the_history() -> None:
    bank = one_stream()
    size = bank.nbytes
    t, x = daily_series(days=3)
    feed(bank, t, x)
    assert bank.nbytes == size


def test_streams_grow_and_reset_independently() -> None:
    bank = DetectorBank(capacity=1)
    assert list(bank.add_streams(3)) == [0, 1, 2]
    t = MONDAY_0800_CST + np.arange(100.0)
    bank.update(np.zeros(100, dtype=int), t, np.full(100, 7.0))
    bank.update(np.ones(100, dtype=int), t, np.full(100, 9.0))
    bank.reset(np.array([0]))
    assert bank.g_n[0] == 0
    assert bank.g_n[1] == 100
    assert bank.g_loc[1] == pytest.approx(9.0)


def test_unknown_slots_and_ragged_inputs_are_refused() -> None:
    bank = one_stream()
    with pytest.raises(IndexError):
        bank.update(np.array([1]), np.array([0.0]), np.array([0.0]))
    with pytest.raises(ValueError, match="equal lengths"):
        bank.update(np.array([0]), np.array([0.0, 1.0]), np.array([0.0]))


@pytest.mark.parametrize(
    "bad",
    [
        {"alpha": 0.0},
        {"warmup_n": 0},
        {"cusum_h": 50.0, "cusum_cap": 30.0},
        {"z_spike": -1.0},
    ],
)
def test_parameters_out_of_range_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        DetectorParams(**bad)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=200),
    st.floats(min_value=1e-3, max_value=1e4),
)
def test_scores_are_finite_and_profiles_stay_within_the_data_range(
    values: list[float], step_s: float
) -> None:
    bank = one_stream()
    x = np.array(values)
    t = MONDAY_0800_CST + step_s * np.arange(len(x))
    scores = feed(bank, t, x)
    assert np.isfinite(scores.z).all()
    assert (scores.cusum >= 0).all()
    assert (scores.cusum <= bank.params.cusum_cap).all()
    assert x.min() - 1e-6 <= bank.g_loc[0] <= x.max() + 1e-6
