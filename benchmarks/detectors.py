"""Anomaly detectors: quality on labelled series and cost per observation, against a baseline.

The detector is ``lifeline.warning.detectors.seasonal`` (seasonal robust profile + CUSUM). The
baseline, run on the same series in the same run, is a fixed global z-score: mean and standard
deviation of each stream's warm-up prefix, flagging ``|z| > 3``. Both see the same warm-up
prefix (not scored) and are scored on the rest; a series is flagged at a time step when any of
its streams is. Printed per data set: pointwise precision, recall and F1, labelled events
detected, false alarms (runs of flags overlapping no labelled event), median detection delay,
and the detector/baseline ratio of F1 and of false alarms. Then the cost: µs per observation of
the detector and of the baseline over a batch of many streams, and their ratio.

Data sets:

* ``synthetic`` (always): streams at 5-minute intervals over three weeks with a daily and a
  weekly rhythm, noise, gaps, and injected spikes and level shifts (seeded); also run with the
  seasonal profile switched off, to show what seasonality buys;
* ``skab``, ``smoke``, ``gas`` when ``--data-dir`` (or ``LIFELINE_SENSOR_DATA``) names a folder
  holding ``skab/`` (Skoltech Anomaly Benchmark, labelled ``anomaly``), ``smoke_detection_iot.csv``
  (label ``Fire Alarm``) and ``gas_sensors_mq.csv`` (``Smoke`` and ``Mixture`` are anomalies,
  ``NoGas`` and ``Perfume`` normal). The smoke and gas files carry no timestamps: rows are taken
  as 1 Hz.

Run: ``.venv/bin/python benchmarks/detectors.py --data-dir DIR`` (``--quick`` for fewer streams
and files). Timing never decides a test.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lifeline.warning.detectors.metrics import EMPTY, Quality, score
from lifeline.warning.detectors.seasonal import DetectorBank, DetectorParams

BASELINE_Z = 3.0


@dataclass(frozen=True)
class Series:
    """One labelled multichannel series: ``values[t, k]`` of channel k at ``time_s[t]``."""

    name: str
    time_s: np.ndarray
    values: np.ndarray
    labels: np.ndarray


def detector_flags(series: Series, params: DetectorParams) -> np.ndarray:
    steps, channels = series.values.shape
    bank = DetectorBank(params, capacity=channels)
    bank.add_streams(channels)
    streams = np.tile(np.arange(channels), steps)
    times = np.repeat(series.time_s, channels)
    scores = bank.update(streams, times, series.values.reshape(-1))
    return np.asarray(scores.anomalous.reshape(steps, channels).any(axis=1))


def baseline_flags(series: Series, warmup: int) -> np.ndarray:
    head = series.values[:warmup]
    mean = np.nanmean(head, axis=0)
    std = np.nanstd(head, axis=0)
    std = np.where(std > 0, std, 1e-9)
    with np.errstate(invalid="ignore"):
        z = np.abs((series.values - mean) / std)
    return np.asarray(np.any(np.nan_to_num(z) > BASELINE_Z, axis=1))


def evaluate(data: list[Series], params: DetectorParams, warmup: int) -> tuple[Quality, Quality]:
    ours, base = EMPTY, EMPTY
    for s in data:
        scored = slice(warmup, None)
        t, y = s.time_s[scored], s.labels[scored]
        ours = ours + score(detector_flags(s, params)[scored], y, t)
        base = base + score(baseline_flags(s, warmup)[scored], y, t)
    return ours, base


# --- data -----------------------------------------------------------------------------------


def synthetic(n_series: int, seed: int) -> list[Series]:
    """Three weeks at 5 min: daily + weekly rhythm, noise, gaps, spikes and level shifts."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 6, 1, tzinfo=UTC).timestamp()  # a Monday
    step_s = 300.0
    t = start + step_s * np.arange(21 * 288)
    hour = ((t + 8 * 3600) % 86_400) / 3_600
    weekday = (((t + 8 * 3600) // 86_400) + 3) % 7
    out = []
    for i in range(n_series):
        daily = 10.0 * np.exp(-(((hour - 13.0) / 3.0) ** 2))  # busy around 13:00
        weekly = np.where(weekday >= 5, -4.0, 0.0)  # quieter weekends
        x = 20.0 + rng.uniform(0.5, 1.5) * (daily + weekly) + rng.normal(0, 0.5, len(t))
        y = np.zeros(len(t), dtype=bool)
        for _ in range(3):  # anomalies only after the two-week learning period
            a = int(rng.integers(14 * 288, 21 * 288 - 40))
            if rng.random() < 0.5:
                length = 1 + int(rng.integers(0, 3))
                x[a : a + length] += rng.choice([-1, 1]) * rng.uniform(6, 12)
            else:
                length = int(rng.integers(12, 36))
                x[a : a + length] += rng.choice([-1, 1]) * rng.uniform(3, 6)
            y[a : a + length] = True
        keep = rng.random(len(t)) > 0.02  # 2 % of readings lost
        out.append(Series(f"synthetic-{i}", t[keep], x[keep, None], y[keep]))
    return out


def load_skab(folder: Path, limit: int | None) -> list[Series]:
    files = sorted(p for sub in ("valve1", "valve2", "other") for p in (folder / sub).glob("*.csv"))
    out = []
    for path in files[:limit]:
        with path.open(newline="") as fh:
            rows = list(csv.reader(fh, delimiter=";"))[1:]
        t = np.array([datetime.fromisoformat(r[0]).replace(tzinfo=UTC).timestamp() for r in rows])
        x = np.array([[float(v) for v in r[1:9]] for r in rows])
        y = np.array([float(r[9]) > 0 for r in rows])
        out.append(Series(f"skab/{path.parent.name}/{path.name}", t, x, y))
    return out


def load_table(path: Path, columns: list[str], label: str, anomalous: set[str]) -> Series:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    x = np.array([[float(r[c]) for c in columns] for r in rows])
    y = np.array([r[label].strip() in anomalous for r in rows])
    return Series(path.name, np.arange(len(rows), dtype=np.float64), x, y)


def real_sets(folder: Path, quick: bool) -> Iterator[tuple[str, list[Series], int]]:
    skab = folder / "skab"
    if skab.is_dir():
        yield "skab", load_skab(skab, 6 if quick else None), 300
    smoke = folder / "smoke_detection_iot.csv"
    if smoke.is_file():
        cols = ["Temperature[C]", "Humidity[%]", "eCO2[ppm]"]
        yield "smoke", [load_table(smoke, cols, "Fire Alarm", {"1"})], 300
    gas = folder / "gas_sensors_mq.csv"
    if gas.is_file():
        cols = ["MQ2", "MQ3", "MQ5", "MQ6", "MQ7", "MQ8", "MQ135"]
        yield "gas", [load_table(gas, cols, "Gas", {"Smoke", "Mixture"})], 300


# --- report ---------------------------------------------------------------------------------

HEADER = (
    f"{'data set':<22}{'method':<12}{'precision':>10}{'recall':>8}{'F1':>7}"
    f"{'events':>10}{'false alarms':>14}{'median delay s':>16}"
)


def row(name: str, method: str, q: Quality) -> str:
    events = f"{q.events_detected}/{q.events}"
    return (
        f"{name:<22}{method:<12}{q.precision:>10.3f}{q.recall:>8.3f}{q.f1:>7.3f}"
        f"{events:>10}{q.false_alarms:>14}{q.median_delay_s:>16.1f}"
    )


def ratios(name: str, ours: Quality, base: Quality) -> str:
    f1 = ours.f1 / base.f1 if base.f1 else float("inf")
    fa = ours.false_alarms / base.false_alarms if base.false_alarms else float("nan")
    return f"ratio detector/baseline {name}: F1 {f1:.2f}, false alarms {fa:.2f}"


def cost(streams: int, steps: int, seed: int) -> tuple[float, float, int]:
    """µs per observation of the detector and of the baseline, and the detector's state bytes."""
    rng = np.random.default_rng(seed)
    bank = DetectorBank(DetectorParams(), capacity=streams)
    bank.add_streams(streams)
    t0 = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    ids = np.tile(np.arange(streams), steps)
    times = t0 + 60.0 * np.repeat(np.arange(steps), streams)
    values = rng.normal(20.0, 1.0, len(ids))
    start = time.perf_counter()
    bank.update(ids, times, values)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    block = values.reshape(steps, streams)
    mean, std = block[:60].mean(axis=0), block[:60].std(axis=0)
    _ = np.abs((block - mean) / std) > BASELINE_Z
    base = time.perf_counter() - start
    n = len(ids)
    return 1e6 * ours / n, 1e6 * base / n, bank.nbytes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer streams and files")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ["LIFELINE_SENSOR_DATA"])
        if os.environ.get("LIFELINE_SENSOR_DATA")
        else None,
        help="folder with skab/, smoke_detection_iot.csv, gas_sensors_mq.csv "
        "(default: LIFELINE_SENSOR_DATA)",
    )
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)

    params = DetectorParams()
    print("Detector quality (warm-up prefix not scored; baseline: fixed global z-score |z| > 3)")
    print(HEADER)
    data = synthetic(8 if args.quick else 100, args.seed)
    warm = 14 * 288  # two weeks of 5-minute readings
    ours, base = evaluate(data, params, warm)
    flat, _ = evaluate(data, replace(params, bin_warmup_n=10**9), warm)
    print(row("synthetic", "detector", ours))
    print(row("synthetic", "no-season", flat))
    print(row("synthetic", "baseline", base))
    print(ratios("synthetic", ours, base))
    if args.data_dir is None:
        print("real data: skipped (no --data-dir and LIFELINE_SENSOR_DATA unset)")
    else:
        for name, series, warmup in real_sets(args.data_dir, args.quick):
            ours, base = evaluate(series, replace(params, warmup_n=warmup), warmup)
            print(row(name, "detector", ours))
            print(row(name, "baseline", base))
            print(ratios(name, ours, base))

    streams, steps = (1_000, 10) if args.quick else (10_000, 30)
    ours_us, base_us, nbytes = cost(streams, steps, args.seed)
    print()
    print(f"Cost per observation ({streams:,} streams x {steps} steps in one batch)")
    print(f"{'method':<12}{'us/obs':>10}")
    print(f"{'detector':<12}{ours_us:>10.3f}")
    print(f"{'baseline':<12}{base_us:>10.3f}")
    print(f"ratio detector/baseline cost: {ours_us / base_us:.1f}")
    print(f"detector state: {nbytes / streams:,.0f} bytes per stream")


if __name__ == "__main__":
    main()
