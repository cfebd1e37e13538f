"""docs/security.md prints the permission × role table exactly as the code defines it."""

from __future__ import annotations

from pathlib import Path

from lifeline.security.model import ROLE_PERMISSIONS, Permission, Role

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]


def test_the_documented_role_table_matches_the_code() -> None:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| permission | `"))
    header = _cells(lines[start])[1:]
    assert header == [r.value for r in Role]
    documented: dict[str, set[str]] = {role: set() for role in header}
    rows = 0
    for line in lines[start + 2 :]:
        if not line.startswith("| `"):
            break
        cells = _cells(line)
        rows += 1
        for role, mark in zip(header, cells[1:], strict=True):
            if mark == "✔":
                documented[role].add(cells[0])
    assert rows == len(Permission)
    assert documented == {r.value: {p.value for p in ROLE_PERMISSIONS[r]} for r in Role}


def test_every_permission_is_described() -> None:
    text = DOC.read_text(encoding="utf-8")
    for perm in Permission:
        assert f"| `{perm.value}` | " in text.split("| permission | lets the holder |", 1)[1]
