"""docs/security.md prints the role → permission table exactly as the code defines it."""

from __future__ import annotations

from pathlib import Path

from lifeline.security.model import ROLE_PERMISSIONS, Permission, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def test_the_documented_role_table_matches_the_code() -> None:
    lines = [
        line
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| role |")
        or (line.startswith("| ") and line.split("|")[1].strip() in set(Role))
    ]
    header = [cell.strip().strip("`") for cell in lines[0].strip("|").split("|")][1:]
    assert header == [p.value for p in Permission]
    documented: dict[str, set[str]] = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        documented[cells[0]] = {
            perm for perm, mark in zip(header, cells[1:], strict=True) if mark == "✔"
        }
    assert documented == {r.value: {p.value for p in ROLE_PERMISSIONS[r]} for r in Role}
