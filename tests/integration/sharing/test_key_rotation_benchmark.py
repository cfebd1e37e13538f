"""benchmarks/key_rotation.py still runs and prints its rates, ratio and memory; timings are never
checked."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.test_benchmark_scripts import run_benchmark


def test_key_rotation_benchmark_quick_run(tmp_path: Path) -> None:
    result = run_benchmark("key_rotation", "--quick", "--no-postgres", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Data-key rotation (400 people" in out
    assert re.search(r"^sqlite\s+[\d,]+\s+[\d,]+\s+400$", out, re.M), out
    assert re.search(r"^ratio rotate/ingest rows/s sqlite: \d+\.\d\d$", out, re.M), out
    assert re.search(r"^peak Python memory of the rotation .*ratio \d+\.\d\d$", out, re.M), out
    assert "postgres: skipped" in out


def test_key_rotation_benchmark_explains_itself(tmp_path: Path) -> None:
    result = run_benchmark("key_rotation", "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--quick" in result.stdout
    assert "--postgres-url" in result.stdout
