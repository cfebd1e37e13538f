"""The monitoring benchmark still runs and prints its table; its timings are never checked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_monitoring_benchmark_quick_run_prints_rates_and_the_ratio(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "monitoring.py"), "--quick", "--no-postgres"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for path in ("bare executemany", "ingest batch path"):
        # wall-clock obs/s and obs/s per core (the process's CPU time)
        assert re.search(rf"^sqlite\s+{path}\s+1,000\s+10,000\s+[\d,]+\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio ingest/bare sqlite: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^stored in the table sqlite: [\d,]+ observations$", out, re.M), out
    by_size = r"^ingest obs/s/core by rows already in the table sqlite: [\d,]+ at 11,000$"
    assert re.search(by_size, out, re.M), out
    # overload at 3x: both intakes print a row, and what was accepted was stored
    rows = {
        m.group(1): m.groups()[1:]
        for m in re.finditer(
            r"^sqlite\s+(bounded|unbounded)\s+(\S+)\s+[\d,]+\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)"
            r"\s+([\d,]+)\s+[\d.]+\s+-?[\d.]+\s+[\d.]+$",
            out,
            re.M,
        )
    }
    assert set(rows) == {"bounded", "unbounded"}, out
    capacity, accepted, stored, _shed, peak = rows["bounded"]
    assert capacity == "10,000"
    assert accepted == stored
    assert int(peak.replace(",", "")) <= 10_000
    assert rows["unbounded"][1] == rows["unbounded"][2]
    assert "accepted == stored sqlite: yes" in out
    assert re.search(r"^ratio peak backlog unbounded/bounded sqlite: \d+\.\d\d$", out, re.M), out
    assert "postgres: skipped" in out
    assert "mqtt: skipped" in out


@pytest.mark.mqtt
def test_monitoring_benchmark_runs_the_mqtt_workers_as_processes(tmp_path: Path) -> None:
    url = os.environ.get("LIFELINE_TEST_MQTT_URL")
    if not url:
        pytest.skip("LIFELINE_TEST_MQTT_URL is not set; MQTT tier skipped")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "monitoring.py"), "--quick", "--no-postgres",
         "--no-overload", "--mqtt-url", url],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for n in (1, 2):  # every message's observations were stored (the script asserts it)
        line = (
            rf"^sqlite\s+mqtt {n} worker process\(es\)\s+300 msgs\s+[\d,]+ obs/s\s+\S+ obs/s/core$"
        )
        assert re.search(line, out, re.M), out
    assert re.search(r"^ratio mqtt two/one worker processes sqlite: \d+\.\d\d$", out, re.M), out
