"""File drops: a directory inside the configured roots whose new files are ingested on the
dataset's schedule by the leased refresh workers — each content once, files still being written
left to settle, failures recorded and retried with backoff, picked-up files listed and optionally
moved to ``done/`` (a temporary directory; both backends)."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lifeline.bootstrap import Platform, refresh_worker
from lifeline.cli.main import app
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.errors import InvalidInput
from lifeline.security.model import Role
from lifeline.sharing.messages import PickUpDroppedFile
from lifeline.sharing.model import RunStatus
from lifeline.sharing.service import RefreshWorker
from tests.integration.conftest import T0
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import make_dataset, steward
from tests.integration.sharing.test_agreements_api import login
from tests.integration.sharing.test_refresh import TEAM_MAPPING

HEADER = "id,name,kind,members\n"


@pytest.fixture
def roots(tmp_path: Path) -> Path:
    root = tmp_path / "drops"
    (root / "fire").mkdir(parents=True)
    return root


@pytest.fixture
def settings(database_url: str, roots: Path) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        delivery_loop=False,
        sharing_refresh_loop=False,  # the test drives the workers
        sharing_refresh_backoff_base_s=60,
        sharing_drop_roots=str(roots),
    )


def _write(path: Path, rows: list[str], *, age_s: float = 600.0) -> None:
    """Write a CSV of teams whose modification time lies ``age_s`` in the past."""
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    then = time.time() - age_s
    os.utime(path, (then, then))


def _files(client: TestClient, headers: dict[str, str], dataset_id: str) -> list[dict[str, Any]]:
    found = client.get(f"/sharing/datasets/{dataset_id}/drop/files", headers=headers)
    assert found.status_code == 200, found.text
    return list(found.json())


def _later(clock: VirtualClock, client: TestClient, seconds: float) -> dict[str, str]:
    """Advance the clock; a fresh token for the steward (the old one may have expired)."""
    clock.advance(timedelta(seconds=seconds))
    return login(client, "data_steward.district")


def _record_count(client: TestClient, headers: dict[str, str], dataset_id: str) -> int:
    page = client.get(f"/sharing/datasets/{dataset_id}/records", headers=headers)
    assert page.status_code == 200, page.text
    return int(page.json()["total"])


def test_a_drop_ingests_each_new_settled_file_once_and_retries_failures(
    platform: Platform,
    client: TestClient,
    clock: VirtualClock,
    engine: sa.Engine,
    roots: Path,
    tmp_path: Path,
) -> None:
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST), levels=("district",)
    )
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
    )
    drop_url = f"/sharing/datasets/{dataset['id']}/drop"
    folder = roots / "fire"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    body = {"directory": str(folder), "pattern": "*.csv", "interval_s": 3600, "settle_s": 30}

    # refused: outside the roots (also through a link), not absolute, missing, bad patterns
    for directory in (str(outside), "/etc", str(roots / ".." / "elsewhere")):
        refused = client.put(drop_url, json={**body, "directory": directory}, headers=headers)
        assert refused.status_code == 403, refused.text
    (roots / "link").symlink_to(outside)
    assert client.put(drop_url, json={**body, "directory": str(roots / "link")},
                      headers=headers).status_code == 403  # fmt: skip
    for bad, field in (
        ({"directory": "drops/fire"}, "directory"),
        ({"directory": str(roots / "missing")}, "directory"),
        ({"pattern": "../*.csv"}, "pattern"),
        ({"pattern": "*.pdf"}, "pattern"),
    ):
        refused = client.put(drop_url, json={**body, **bad}, headers=headers)
        assert refused.status_code == 422, refused.text
        assert field in refused.text
    no_interval = {k: v for k, v in body.items() if k != "interval_s"}
    assert "interval_s" in client.put(drop_url, json=no_interval, headers=headers).text
    analyst = world.headers(Role.ANALYST, "district")
    assert client.put(drop_url, json=body, headers=analyst).status_code == 403
    assert client.get(drop_url, headers=headers).status_code == 404

    registered = client.put(drop_url, json=body, headers=headers)
    assert registered.status_code == 200, registered.text
    assert registered.json()["directory"] == str(folder.resolve())
    refresh = client.get(f"/sharing/datasets/{dataset['id']}/refresh", headers=headers).json()
    assert (refresh["kind"], refresh["url"]) == ("drop", str(folder.resolve()))

    # a settled file goes in; one still being written waits; other names are not looked at
    _write(
        folder / "teams-0601.csv",
        ["T1,龙岗区专业救援队,professional,40", "T2,蓝天救援队,social,25"],
    )
    _write(folder / "teams-0602.csv", ["T3,南山救援队,social,12"], age_s=0)
    _write(folder / "notes.txt", ["X1,not a team file,social,1"])
    (outside / "secret.csv").write_text(HEADER + "S1,secret,social,1\n", encoding="utf-8")
    (folder / "secret.csv").symlink_to(outside / "secret.csv")
    first, second = refresh_worker(platform, owner="w1"), refresh_worker(platform, owner="w2")
    [claimed] = first.claim()
    assert second.run_once() == []  # leased by the first worker
    [run] = first.fetch(claimed)
    assert (run.status, run.file_name, run.read, run.accepted) == (
        RunStatus.COMPLETED, "teams-0601.csv", 2, 2
    )  # fmt: skip
    [picked] = _files(client, headers, dataset["id"])
    assert (picked["name"], picked["status"], picked["run_id"]) == (
        "teams-0601.csv", "ingested", run.id
    )  # fmt: skip
    assert len(picked["content_hash"]) == 64
    schedule = client.get(drop_url, headers=headers).json()
    assert schedule["attempts"] == 0
    # the next look comes when the young file has settled, not an interval later
    assert schedule["next_run_at"] <= (clock.now() + timedelta(seconds=32)).isoformat()

    # once it has settled, the waiting file goes in; the first is not read again
    os.utime(folder / "teams-0602.csv", (time.time() - 120, time.time() - 120))
    headers = _later(clock, client, 40)
    [run2] = second.run_once()
    assert (run2.file_name, run2.accepted) == ("teams-0602.csv", 1)
    assert first.run_once() == []  # the next look is an interval later
    headers = _later(clock, client, 3601)
    assert first.run_once() == []  # nothing new: no run at all
    assert _record_count(client, headers, dataset["id"]) == 3

    # the same content under another name is a duplicate (no run); a changed file goes in again
    (folder / "teams-0601-copy.csv").write_bytes((folder / "teams-0601.csv").read_bytes())
    os.utime(folder / "teams-0601-copy.csv", (time.time() - 600, time.time() - 600))
    _write(folder / "teams-0602.csv", ["T3,南山救援队,social,14", "T4,福田救援队,social,9"])
    headers = _later(clock, client, 3601)
    [run3] = first.run_once()
    assert (run3.file_name, run3.accepted, run3.merged) == ("teams-0602.csv", 1, 1)
    listed = _files(client, headers, dataset["id"])
    status = {(f["name"], f["status"]) for f in listed}
    assert ("teams-0601-copy.csv", "duplicate") in status
    assert [f["status"] for f in listed if f["name"] == "teams-0602.csv"] == ["ingested"] * 2
    dup = next(f for f in listed if f["name"] == "teams-0601-copy.csv")
    assert dup["run_id"] == run.id
    assert _record_count(client, headers, dataset["id"]) == 4

    # a file the mapping cannot read fails (recorded, backoff); the round's other file goes in
    (folder / "broken.csv").write_text("wrong,columns\n1,2\n", encoding="utf-8")
    os.utime(folder / "broken.csv", (time.time() - 900, time.time() - 900))
    _write(folder / "teams-0603.csv", ["T5,宝安救援队,social,30"])
    headers = _later(clock, client, 3601)
    failed, good = first.run_once()
    assert (failed.status, failed.file_name) == (RunStatus.FAILED, "broken.csv")
    assert failed.error is not None
    assert (good.status, good.file_name) == (RunStatus.COMPLETED, "teams-0603.csv")
    schedule = client.get(drop_url, headers=headers).json()
    assert schedule["attempts"] == 1
    assert schedule["last_error"] == failed.error
    broken = next(f for f in _files(client, headers, dataset["id"]) if f["name"] == "broken.csv")
    assert (broken["status"], broken["run_id"]) == ("failed", failed.id)
    assert broken["error"]
    assert first.run_once() == []  # backing off for 60 s
    headers = _later(clock, client, 61)
    [again] = second.run_once()
    assert (again.status, again.file_name) == (RunStatus.FAILED, "broken.csv")
    assert client.get(drop_url, headers=headers).json()["attempts"] == 2
    # the department sends the file again, corrected: it goes in and the backoff ends
    _write(folder / "broken.csv", ["T6,光明救援队,social,8"])
    headers = _later(clock, client, 121)
    [fixed] = first.run_once()
    assert (fixed.status, fixed.file_name, fixed.accepted) == (
        RunStatus.COMPLETED, "broken.csv", 1
    )  # fmt: skip
    assert client.get(drop_url, headers=headers).json()["attempts"] == 0
    statuses = [f["status"] for f in _files(client, headers, dataset["id"])
                if f["name"] == "broken.csv"]  # fmt: skip
    assert sorted(statuses) == ["failed", "ingested"]
    runs = client.get(f"/sharing/datasets/{dataset['id']}/runs", headers=headers).json()
    assert [r["status"] for r in runs].count("failed") == 2
    assert all(r["file_name"] != "secret.csv" and r["file_name"] != "notes.txt" for r in runs)
    report = client.get(f"/sharing/datasets/{dataset['id']}/quality", headers=headers).json()
    assert report["freshness"]["status"] == "fresh"
    assert (report["refresh"]["kind"], report["refresh"]["failed_attempts"]) == ("drop", 0)

    # the folder disappears: the round fails as a whole and is retried
    (folder / "moved").mkdir()
    folder.rename(roots / "gone")
    headers = _later(clock, client, 3601)
    [lost] = first.run_once()
    assert lost.status is RunStatus.FAILED
    assert "directory" in (lost.error or "")
    (roots / "gone").rename(folder)

    # move_done: picked-up files leave the folder for done/
    moved = client.put(drop_url, json={**body, "move_done": True}, headers=headers)
    assert moved.status_code == 200, moved.text
    _write(folder / "teams-0604.csv", ["T7,坪山救援队,social,11"])
    [run4] = first.run_once()
    assert run4.file_name == "teams-0604.csv"
    assert not (folder / "teams-0604.csv").exists()
    assert (folder / "done" / "teams-0604.csv").is_file()
    assert not (folder / "teams-0601.csv").exists()  # already picked up: moved as well
    assert (folder / "done" / "teams-0601.csv").is_file()

    with engine.connect() as conn:
        types = [
            t
            for (t,) in conn.execute(
                sa.text("SELECT type FROM event_log WHERE type IN ('DropRegistered', "
                        "'DroppedFilePickedUp', 'IngestRunFailed') ORDER BY seq")
            )
        ]  # fmt: skip
    assert types.count("DropRegistered") == 2
    assert types.count("DroppedFilePickedUp") == 7
    assert types.count("IngestRunFailed") == 3

    assert client.delete(drop_url, headers=headers).status_code == 204
    assert client.get(drop_url, headers=headers).status_code == 404
    assert client.get(f"/sharing/datasets/{dataset['id']}/refresh",
                      headers=headers).status_code == 404  # fmt: skip
    assert len(_files(client, headers, dataset["id"])) == 8  # the record stays


def test_drops_are_refused_without_roots_and_run_from_the_command_line(
    platform: Platform,
    client: TestClient,
    roots: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
    )
    folder = roots / "fire"
    db = platform.settings.database_url
    runner = CliRunner()
    for command in ("drop", "drop-files", "refresh"):
        assert runner.invoke(app, ["ingest", command, "--help"]).exit_code == 0
    args = ["ingest", "drop", "--dataset", dataset["id"], "--directory", str(folder),
            "--pattern", "*.csv", "--interval-s", "600", "--settle-s", "0",
            "--database-url", db]  # fmt: skip
    monkeypatch.delenv("LIFELINE_SHARING_DROP_ROOTS", raising=False)
    disabled = runner.invoke(app, args)
    assert disabled.exit_code == 1
    assert "no drop roots" in disabled.output
    monkeypatch.setenv("LIFELINE_SHARING_DROP_ROOTS", str(roots))
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    # a pick-up reads only a regular file of the drop's own directory
    (roots / "outside.csv").write_text(HEADER + "S1,secret,social,1\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(roots / "outside.csv")
    for name in ("../outside.csv", "link.csv", "missing.csv"):
        with pytest.raises(InvalidInput) as refused:
            platform.bus.handle(
                PickUpDroppedFile(dataset_id=dataset["id"], name=name, content_hash="0" * 64,
                                  size_bytes=1, modified_at=T0),
                SYSTEM_ACTOR,
            )  # fmt: skip
        assert refused.value.problems[0].field == "name"
    (folder / "link.csv").unlink()
    _write(folder / "teams.csv", ["T1,龙岗区专业救援队,professional,40"], age_s=5)
    out = runner.invoke(app, ["ingest", "refresh", "--database-url", db])
    assert out.exit_code == 0, out.output
    assert "(teams.csv): read 1, accepted 1" in out.output
    listed = runner.invoke(app, ["ingest", "drop-files", "--dataset", dataset["id"], "--json",
                                 "--database-url", db])  # fmt: skip
    assert listed.exit_code == 0, listed.output
    [line] = [json.loads(x) for x in listed.output.splitlines() if x.startswith("{")]
    assert (line["name"], line["status"]) == ("teams.csv", "ingested")
    assert line["run_id"]


def test_a_long_look_leaves_the_rest_to_the_next_claim(
    platform: Platform, client: TestClient, clock: VirtualClock, roots: Path
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
    )
    folder = roots / "fire"
    drop_url = f"/sharing/datasets/{dataset['id']}/drop"
    body = {"directory": str(folder), "pattern": "*.csv", "interval_s": 3600, "settle_s": 0}
    assert client.put(drop_url, json=body, headers=headers).status_code == 200
    for n in range(3):
        _write(folder / f"teams-{n}.csv", [f"T{n},救援队{n},social,{n + 5}"], age_s=600 - n)
    # a lease so short that half of it is gone after the first file
    worker = RefreshWorker(
        platform.bus, platform.uow, platform.clock, lease_s=0.001, drop_roots=(roots,)
    )
    [claimed] = worker.claim()
    [first] = worker.fetch(claimed)
    assert first.file_name == "teams-0.csv"
    schedule = client.get(drop_url, headers=headers).json()
    # due again at once, not an interval later
    assert schedule["next_run_at"].startswith(clock.now().isoformat()[:19])
    rest = worker.run_once()  # each claim takes one more file
    assert [r.file_name for r in rest] == ["teams-1.csv", "teams-2.csv"]
    assert len(_files(client, headers, dataset["id"])) == 3
    assert worker.run_once() == []

    # a failing export backs the drop off even with files left; it never holds up new files
    (folder / "bad.csv").write_text("wrong,columns\n1,2\n", encoding="utf-8")
    os.utime(folder / "bad.csv", (time.time() - 900, time.time() - 900))
    headers = _later(clock, client, 3601)
    [bad] = worker.run_once()
    assert (bad.status, bad.file_name) == (RunStatus.FAILED, "bad.csv")
    assert client.get(drop_url, headers=headers).json()["attempts"] == 1
    _write(folder / "new.csv", ["T9,新队,social,9"])
    assert worker.run_once() == []  # backing off
    headers = _later(clock, client, 61)
    # the new file first though younger (then out of time: due again), then the failing one
    new, again = worker.run_once()
    assert (new.status, new.file_name) == (RunStatus.COMPLETED, "new.csv")
    assert (again.status, again.file_name) == (RunStatus.FAILED, "bad.csv")
    assert worker.run_once() == []  # backing off again
