"""The monitoring benchmark still runs and prints its table; its timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
        assert re.search(rf"^sqlite\s+{path}\s+1,000\s+10,000\s+[\d,]+$", out, re.M), out
    assert re.search(r"^ratio ingest/bare sqlite: \d+\.\d\d$", out, re.M), out
    assert "postgres: skipped" in out
    assert "mqtt: skipped" in out
