"""The reserves benchmark scripts still run and print their tables; timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_siting_benchmark_prints_time_and_gap_for_both_models() -> None:
    out = _run("siting.py")
    for model in ("p-median", "maximal covering"):
        for n in (100, 200):
            row = rf"^{model}\s+{n}\s+[\d.]+\s+[\d.e+-]+\s+[\d.]+\s+[\d.]+%\s+[\d.]+$"
            assert re.search(row, out, re.M), out


def test_allocation_benchmark_prints_its_timing_row() -> None:
    out = _run("allocation.py")
    assert "10 incidents x 20 depots x 5 materials" in out
    assert re.search(r"^\s+[\d.]+\s+\d+\s+\d+\s+\d+\s+[\d.]+$", out, re.M), out
