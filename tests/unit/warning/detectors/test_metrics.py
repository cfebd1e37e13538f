"""Scoring flags against labels: pointwise counts, events, delays and false alarms."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.warning.detectors.metrics import EMPTY, runs, score


def b(text: str) -> np.ndarray:
    return np.array([c == "1" for c in text])


def test_runs_are_half_open_index_pairs() -> None:
    assert runs(b("0110011")) == [(1, 3), (5, 7)]
    assert runs(b("000")) == []


def test_pointwise_precision_recall_and_f1() -> None:
    predicted = b("0011110000")
    labelled = b("0001111100")
    q = score(predicted, labelled, np.arange(10.0))
    assert (q.true_positives, q.false_positives, q.false_negatives) == (3, 1, 2)
    assert q.precision == pytest.approx(0.75)
    assert q.recall == pytest.approx(0.6)
    assert q.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_delay_is_from_event_start_to_first_flag_inside_it_in_seconds() -> None:
    labelled = b("0011110011")
    predicted = b("0000110000")
    q = score(predicted, labelled, 10.0 * np.arange(10))
    assert (q.events, q.events_detected) == (2, 1)
    assert q.delays_s == (20.0,)
    assert q.median_delay_s == 20.0


def test_false_alarms_are_flag_runs_touching_no_event() -> None:
    labelled = b("0001100000")
    predicted = b("1101100101")
    assert score(predicted, labelled, np.arange(10.0)).false_alarms == 3


def test_qualities_add_up_and_empty_is_neutral() -> None:
    q = score(b("0110"), b("0100"), np.arange(4.0))
    total = q + EMPTY + q
    assert total.true_positives == 2
    assert total.delays_s == (0.0, 0.0)
    assert EMPTY.f1 == 0.0
    assert np.isnan(EMPTY.median_delay_s)


def test_lengths_must_match() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        score(b("01"), b("0"), np.arange(2.0))
