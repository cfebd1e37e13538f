"""benchmarks/file_drop.py still runs and prints its rates and ratios; timings are never
checked."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.test_benchmark_scripts import run_benchmark


def test_file_drop_benchmark_quick_run(tmp_path: Path) -> None:
    result = run_benchmark("file_drop", "--quick", "--no-postgres", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "File drop (4 files of 200 rows" in out
    assert re.search(r"^sqlite\s+[\d,]+\s+[\d,]+\s+\d+\.\d\s+\d+\.\d\s+800$", out, re.M), out
    assert re.search(r"^ratio drop/direct rows/s sqlite: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^ratio idle/touched look sqlite: \d+\.\d\d$", out, re.M), out
    assert "postgres: skipped" in out


def test_file_drop_benchmark_explains_itself(tmp_path: Path) -> None:
    result = run_benchmark("file_drop", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--quick" in result.stdout
    assert "--postgres-url" in result.stdout
