"""The benchmark scripts still run and print their tables; their timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(
    name: str, *args: str, cwd: Path, timeout_s: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``benchmarks/<name>.py`` with ``args`` in ``cwd``; its timings are never checked."""
    return subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / f"{name}.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def run_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_benchmark("event_log", *args, cwd=cwd)


def test_event_log_benchmark_quick_run_prints_rates_and_ratios(tmp_path: Path) -> None:
    result = run_script("--quick", "--no-postgres", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Event log append throughput (events/s" in out
    assert "chained/unchained" in out
    assert "Chain verification throughput (entries/s)" in out
    for shape in ("1 event/tx", "100 events/tx"):
        assert re.search(rf"^sqlite\s+{shape}\s+\d+\s+[\d,]+\s+[\d,]+\s+\d+\.\d\d$", out, re.M), out
        assert re.search(rf"^ratio chained/unchained sqlite {shape}: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^sqlite\s+\d+\s+[\d,]+$", out, re.M), out
    assert "postgres: skipped" in out


def test_event_log_benchmark_explains_itself(tmp_path: Path) -> None:
    result = run_script("--help", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "--quick" in result.stdout
    assert "--postgres-url" in result.stdout


def test_plans_benchmark_quick_run_prints_tasks_per_second_and_the_ratio(tmp_path: Path) -> None:
    result = run_benchmark("plans", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 departments x 10 actions = 50 tasks" in out
    for step in ("activation (1 transaction)", "baseline (1 transaction/task)"):
        assert re.search(rf"^{re.escape(step)}\s+50\s+[\d.]+\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio activation/baseline tasks/s: \d+\.\d\d$", out, re.M), out


def _write_sensor_samples(folder: Path) -> None:
    """Tiny files in the layouts of SKAB, the smoke-detector and the MQ gas-sensor data."""
    rng = np.random.default_rng(2)
    (folder / "skab" / "valve1").mkdir(parents=True)
    lines = ["datetime;a1;a2;cur;pres;temp;thermo;volt;flow;anomaly;changepoint"]
    for i in range(600):
        shift = 5.0 if 450 <= i < 520 else 0.0
        values = [f"{v:.4f}" for v in rng.normal(10.0, 0.1, 8) + shift]
        label = "1.0" if shift else "0.0"
        lines.append(f"2020-03-09 10:{i // 60:02d}:{i % 60:02d};{';'.join(values)};{label};0.0")
    (folder / "skab" / "valve1" / "1.csv").write_text("\n".join(lines) + "\n")
    smoke = [",Temperature[C],Humidity[%],eCO2[ppm],Fire Alarm"]
    for i in range(500):
        fire = i >= 420
        co2 = 400.0 + (900.0 if fire else 0.0) + rng.normal(0, 2)
        smoke.append(
            f"{i},{20 + rng.normal(0, 0.1):.3f},{50 + rng.normal(0, 0.5):.2f},{co2:.0f},{int(fire)}"
        )
    (folder / "smoke_detection_iot.csv").write_text("\n".join(smoke) + "\n")
    gas = ["Serial Number,MQ2,MQ3,MQ5,MQ6,MQ7,MQ8,MQ135,Gas"]
    for i in range(500):
        label = "Smoke" if i >= 420 else "NoGas"
        base = 300.0 if label == "Smoke" else 500.0
        gas.append(
            f"{i}," + ",".join(f"{base + rng.normal(0, 3):.0f}" for _ in range(7)) + f",{label}"
        )
    (folder / "gas_sensors_mq.csv").write_text("\n".join(gas) + "\n")


def test_detectors_benchmark_quick_run_prints_quality_cost_and_ratios(tmp_path: Path) -> None:
    _write_sensor_samples(tmp_path / "sensors")
    result = run_benchmark(
        "detectors", "--quick", "--data-dir", str(tmp_path / "sensors"), cwd=tmp_path, timeout_s=600
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    quality = r"\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+\d+/\d+\s+\d+\s+(nan|[\d.]+)$"
    for name in ("synthetic", "skab", "smoke", "gas"):
        for method in ("detector", "baseline"):
            assert re.search(rf"^{name}\s+{method}{quality}", out, re.M), out
        assert re.search(rf"^ratio detector/baseline {name}: F1 [\d.]+|inf", out, re.M), out
    assert re.search(rf"^synthetic\s+no-season{quality}", out, re.M), out
    # the planted shifts are found in every sample file
    for name, events in (("skab", "1/1"), ("smoke", "1/1"), ("gas", "1/1")):
        assert re.search(rf"^{name}\s+detector\s+[\d.\s]+{events}", out, re.M), out
    assert re.search(r"^detector\s+\d+\.\d{3}$", out, re.M), out
    assert re.search(r"^ratio detector/baseline cost: [\d.]+$", out, re.M), out
    assert re.search(r"^detector state: [\d,]+ bytes per stream$", out, re.M), out


def test_detectors_benchmark_explains_itself(tmp_path: Path) -> None:
    result = run_benchmark("detectors", "--help", cwd=tmp_path, timeout_s=60)
    assert result.returncode == 0, result.stderr
    assert "--data-dir" in result.stdout
    assert "--quick" in result.stdout


def test_warning_benchmark_quick_run_prints_rates_ratio_and_latency(tmp_path: Path) -> None:
    result = run_benchmark("warning", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^vectorised \(numpy\)\s+[\d,]+$", out, re.M), out
    assert re.search(r"^per-observation Python loop\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio vectorised/loop: \d+\.\d\d$", out, re.M), out
    assert "Durable path on sqlite (store observations, evaluate, write alarms, commit)" in out
    assert re.search(r"^obs/s over the first half of the batches .+: [\d,]+$", out, re.M), out
    assert re.search(
        r"^sustained obs/s \(second half, batches of 10,000, [\d,]+ alarm events\): [\d,]+$",
        out,
        re.M,
    ), out
    assert re.search(r"^p50 ms: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^p99 ms: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^old: .+( +\d+\.\d\d){4}$", out, re.M), out
    assert re.search(r"^window 50 ms .+( +\d+\.\d\d){4}$", out, re.M), out
    assert re.search(r"^window 5 ms, .+( +\d+\.\d\d){4}$", out, re.M), out
    assert re.search(r"^new: group commit.+( +\d+\.\d\d){4}$", out, re.M), out
    for label in ("old", "window 50 ms", "window 5 ms"):
        assert re.search(rf"^ratio {label}/new p99 published: \d+\.\d\d$", out, re.M), out
    for label in ("old", "window 50 ms", "window 5 ms", "new"):
        assert re.search(
            rf"^batches {label}: [\d,]+ \(mean [\d,]+, p99 [\d,]+ observations\)$", out, re.M
        ), out
    assert re.search(r"^alarms not published: 0$", out, re.M), out


def test_incidents_benchmark_quick_run_prints_latencies_and_ratios(tmp_path: Path) -> None:
    result = run_benchmark("incidents", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Merge-candidate search: 3,000 open incidents, 200 reports" in out
    for method in ("naive scan", "grid index", "load all + scan", "open_near (indexed box)"):
        assert re.search(rf"^{re.escape(method)}\s+[\d,.]+\s+[\d,.]+\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio naive/grid p50: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^ratio scan/indexed p50: \d+\.\d\d$", out, re.M), out


def test_dispatch_benchmark_quick_run_prints_the_comparison_with_greedy(tmp_path: Path) -> None:
    result = run_benchmark("dispatch", "--quick", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Dispatch benchmark: 20 incidents x 200 units" in out
    for method in ("optimal", "greedy"):
        assert re.search(rf"^{method}\s+\d+\.\d\s+\d+\s+\d+\s+\d+$", out, re.M), out
    ratio = re.search(r"^ratio optimal/greedy weighted response: (\d+\.\d+)$", out, re.M)
    assert ratio is not None, out
    assert float(ratio.group(1)) <= 1.0  # the exact assignment never loses to greedy
    assert re.search(r"^coverage-aware\s+\d+\.\d\d\s+\d+\.\d\d$", out, re.M), out
    assert "Recommendation through the bus on synthetic:20000 (seed 1)" in out
    assert re.search(r"^warm-up: 20 trees \(20 points wanted, 0 beyond the budget\)", out, re.M)
    for trees, queries in (("cold", 10), ("warm", 50)):
        row = rf"^{trees}\s+{queries}\s+\d+\.\d\d\s+\d+\.\d\d$"
        assert re.search(row, out, re.M), out
    for q in ("p50", "p99"):
        assert re.search(rf"^ratio cold/warm recommendation {q}: \d+\.\d\d$", out, re.M), out
    assert "same units selected cold and warm: yes" in out


def test_ingest_benchmark_quick_run_prints_reconciling_counts_and_the_baseline_ratio(
    tmp_path: Path,
) -> None:
    result = run_benchmark("ingest", "--quick", "--no-postgres", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    number = r"([\d,]+)"
    base = re.search(
        rf"^sqlite\s+baseline\s+2,000\s+{number}\s+{number}\s+1\.00$", result.stdout, re.M
    )
    assert base, result.stdout
    rows = re.findall(
        rf"^sqlite\s+(first run|re-run)\s+2,000\s+{number}\s+{number}\s+{number}\s+{number}\s+"
        rf"{number}\s+(\d+\.\d\d)$",
        result.stdout,
        re.M,
    )
    assert [r[0] for r in rows] == ["first run", "re-run"], result.stdout
    for _, wall, _cpu, accepted, merged, quarantined, ratio in rows:
        assert (
            int(accepted.replace(",", ""))
            + int(merged.replace(",", ""))
            + int(quarantined.replace(",", ""))
            == 2000
        )
        # the ratio is this pass's rows/s over the baseline's, as printed
        expected = int(wall.replace(",", "")) / int(base.group(1).replace(",", ""))
        assert abs(float(ratio) - expected) < 0.01 + 0.01 * expected
    assert rows[1][3] == "0"  # the re-run merges everything it accepted before
    assert int(rows[1][4].replace(",", "")) == 2000 - int(rows[1][5])
    assert re.search(r"^peak Python memory .*: \d+\.\d MB$", result.stdout, re.M)
