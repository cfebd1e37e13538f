"""``lifeline alerts validate`` on the spec's examples, a lenient case and hostile XML."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lifeline.cli.main import app

runner = CliRunner()
DATA = Path(__file__).parents[2] / "data" / "cap"


def test_validate_accepts_the_spec_examples() -> None:
    for path in sorted(DATA.glob("*.xml")):
        result = runner.invoke(app, ["alerts", "validate", str(path)])
        assert result.exit_code == 0, result.output
        assert "valid CAP 1.2 (strict)" in result.output


def test_validate_strict_rejects_what_lenient_accepts(tmp_path: Path) -> None:
    text = (DATA / "cap12_spec_example_1.xml").read_text(encoding="utf-8")
    bad = tmp_path / "z.xml"
    bad.write_text(text.replace("2003-04-02T14:39:01-05:00", "2003-04-02T19:39:01Z"), "utf-8")
    strict = runner.invoke(app, ["alerts", "validate", str(bad)])
    assert strict.exit_code == 1
    assert "/alert/sent" in strict.output
    lenient = runner.invoke(app, ["alerts", "validate", "--lenient", str(bad)])
    assert lenient.exit_code == 0
    assert "2 warning(s)" in lenient.output


def test_validate_refuses_hostile_xml(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(b'<!DOCTYPE a [<!ENTITY x "x">]><a>&x;</a>')
    result = runner.invoke(app, ["alerts", "validate", str(bomb)])
    assert result.exit_code == 2
    assert "DOCTYPE" in result.output
