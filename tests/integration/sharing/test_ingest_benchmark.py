"""benchmarks/ingest.py still runs and prints reconciling counts; timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "ingest.py"


def test_ingest_benchmark_small_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows", "300", "--no-postgres"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(
        r"^sqlite\s+(first run|re-run)\s+300\s+[\d,]+\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)$",
        result.stdout,
        re.M,
    )
    assert [r[0] for r in rows] == ["first run", "re-run"], result.stdout
    for _, accepted, merged, quarantined in rows:
        assert int(accepted) + int(merged) + int(quarantined) == 300
    assert rows[1][1] == "0"  # the re-run merges everything it accepted before
    assert re.search(r"^peak Python memory .*: \d+\.\d MB$", result.stdout, re.M)
