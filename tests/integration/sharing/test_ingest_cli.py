"""``lifeline ingest``: help, an offline preview, and a run into a dataset with counts."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.model import OrgKind, RegisterOrganisation
from lifeline.sharing.messages import PublishMapping, RegisterDataset, RegisterSource
from tests.integration.sharing.hub import SF_MAPPING, SF_SAMPLE

runner = CliRunner()


@pytest.mark.parametrize("command", [["ingest"], ["ingest", "preview"], ["ingest", "run"]])
def test_ingest_commands_have_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_preview_offline_shows_records_and_names_missing_columns(tmp_path: object) -> None:
    shown = runner.invoke(
        app,
        [
            "ingest",
            "preview",
            str(SF_SAMPLE),
            "--mapping",
            "sf_fire_calls",
            "--rows",
            "2",
            "--json",
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert '"external_id": "16146990"' in shown.output
    assert '"reported_at": "2017-01-01T07:57:56+00:00"' in shown.output
    unknown = runner.invoke(app, ["ingest", "preview", str(SF_SAMPLE), "--mapping", "nope"])
    assert unknown.exit_code == 2
    short = f"{tmp_path}/short.csv"
    with open(short, "w", encoding="utf-8") as out:
        out.write("Call Number,Unit ID\n1,E1\n")
    refused = runner.invoke(app, ["ingest", "preview", short, "--mapping", "sf_fire_calls"])
    assert refused.exit_code == 1
    assert "Incident Number" in refused.output


def test_run_ingests_into_a_dataset(platform: Platform) -> None:
    bus = platform.bus
    org = bus.handle(RegisterOrganisation(name="深圳市", kind=OrgKind.CITY), SYSTEM_ACTOR)
    source = bus.handle(RegisterSource(organisation_id=org.id, name="SFFD"), SYSTEM_ACTOR)
    dataset = bus.handle(
        RegisterDataset(source_id=source.id, name="calls", record_type="incident"), SYSTEM_ACTOR
    )
    bus.handle(PublishMapping(dataset_id=dataset.id, text=SF_MAPPING), SYSTEM_ACTOR)
    url = platform.settings.database_url
    args = ["ingest", "run", str(SF_SAMPLE), "--dataset", dataset.id, "--database-url", url]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "read 40, accepted 21, merged 19, quarantined 0" in " ".join(first.output.split())
    again = runner.invoke(app, args)
    assert "read 40, accepted 0, merged 40, quarantined 0" in " ".join(again.output.split())
    missing = runner.invoke(app, [*args[:3], "--dataset", "nope", "--database-url", url])
    assert missing.exit_code == 1
    assert "not found" in missing.output
