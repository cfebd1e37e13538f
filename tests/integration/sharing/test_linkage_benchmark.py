"""benchmarks/linkage.py still runs on FEBRL 1 and prints its quality table; the numbers it
prints are measured, and only their shape is checked here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "linkage.py"


def test_linkage_benchmark_quick_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(
        r"^FEBRL 1\s+(exact|lifeline)\s+([01]\.\d{3})\s+([01]\.\d{3})\s+([01]\.\d{3})\s+[\d.]+$",
        result.stdout,
        re.M,
    )
    assert [r[0] for r in rows] == ["exact", "lifeline"], result.stdout
    for _, precision, recall, f1 in rows:
        p, r = float(precision), float(recall)
        expected = 2 * p * r / (p + r) if p + r else 0.0
        assert abs(float(f1) - expected) <= 0.002  # from the rounded precision and recall
