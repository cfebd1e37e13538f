"""The benchmark scripts still run and print their tables; their timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENT_LOG_BENCHMARK = ROOT / "benchmarks" / "event_log.py"


def run_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EVENT_LOG_BENCHMARK), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


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
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "plans.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "5 departments x 10 actions = 50 tasks" in out
    for step in ("activation (1 transaction)", "baseline (1 transaction/task)"):
        assert re.search(rf"^{re.escape(step)}\s+50\s+[\d.]+\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio activation/baseline tasks/s: \d+\.\d\d$", out, re.M), out
