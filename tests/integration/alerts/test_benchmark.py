"""``benchmarks/alerts.py --quick`` still runs and prints its rates and ratios (never timed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_alerts_benchmark_quick_run_prints_rates_and_ratios(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "alerts.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^validate \(parse\+XSD\+model\+rules\)\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio validate/parse: \d+\.\d\d$", out, re.M), out
    assert "SMS fan-out of one alert to 20,000 subscribers (3 segments each)" in out
    assert re.search(r"^ratio throttled/baseline: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^ratio peak memory full/tenth: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^ratio targeting/fan-out baseline: \d+\.\d\d$", out, re.M), out
    assert "database outbox on SQLite: 200 in-app messages" in out
    assert re.search(r"^one leased worker\s+[\d,]+ messages/s$", out, re.M), out
    assert re.search(r"^ratio one worker/baseline: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^ratio two workers/one: \d+\.\d\d$", out, re.M), out
