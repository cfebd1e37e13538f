"""The routing benchmark still runs and prints its tables; its timings are never checked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NUMBER = r"[\d.]+"


def test_routing_benchmark_quick_run_prints_latencies_ratios_and_the_matrix() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "routing.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for name in ("helsinki.osm.pbf", r"synthetic:20000 \(seed 1\)"):
        for method, count in (
            ("kept-trees", 20),
            ("nearest-10", 20),
            ("bounded", 20),
            ("unbounded", 20),
            ("networkx", 3),
        ):
            row = rf"^{name}\s+{method}\s+{count}\s+{NUMBER}\s+{NUMBER}$"
            assert re.search(row, out, re.M), out
        for method in ("unbounded", "networkx"):
            assert re.search(rf"^ratio {method}/bounded p50 {name}: {NUMBER}$", out, re.M), out
            ratio = rf"^ratio {method}/nearest-10 p50 {name}: {NUMBER}$"
            assert re.search(ratio, out, re.M), out
            ratio = rf"^ratio {method}/kept-trees p50 {name}: {NUMBER}$"
            assert re.search(ratio, out, re.M), out
    assert re.search(
        rf"^  \(kept 200 trees in {NUMBER} s, peak traced memory \d+ MiB\)$", out, re.M
    )
    for horizon in (600, 1800, 3600):
        assert re.search(rf"^\s+{horizon}\s+{NUMBER}\s+{NUMBER}$", out, re.M), out
    assert "Many-to-many 50 x 200" in out
    for method in ("bounded", "unbounded"):
        assert re.search(rf"^{method}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}%$", out, re.M), out
    assert re.search(rf"^ratio unbounded/bounded many-to-many: {NUMBER}$", out, re.M), out
