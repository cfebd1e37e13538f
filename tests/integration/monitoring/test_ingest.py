"""Observation ingest through the HTTP API: device keys, validation with quarantine,
idempotency, the three batch forms, the single SensorThings form, rate limits, sinks."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch, SensorKind
from lifeline.monitoring.ratelimit import RateLimiter
from lifeline.security.model import Role
from tests.integration.monitoring.helpers import Network, build_network


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


def _stored(engine: Engine) -> list[tuple[str, int, float]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT d.id, o.phenomenon_time_us, o.result FROM monitoring_observation o "
                "JOIN monitoring_datastream d ON d.number = o.datastream_number "
                "ORDER BY d.id, o.phenomenon_time_us"
            )
        ).all()
    return [(str(r[0]), int(r[1]), float(r[2])) for r in rows]


def test_a_device_batch_stores_good_rows_and_quarantines_each_bad_one_with_its_reason(
    net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    now = clock.now()
    t = now.timestamp()
    smoke, temp = net.streams[("a", "smoke")], net.streams[("a", "temperature")]
    foreign = net.streams[("b", "smoke")]
    rows = [
        {"datastream_id": smoke, "phenomenon_time": now.isoformat(), "result": 0.5},
        {"datastream_id": temp, "phenomenon_time": t - 60, "result": 21.5},
        {"datastream_id": temp, "phenomenon_time": t - 30, "result": 999.0},  # > 150 °C
        {"datastream_id": smoke, "phenomenon_time": t + 3600, "result": 0.1},  # future
        {"datastream_id": smoke, "phenomenon_time": t - 3 * 86_400, "result": 0.1},  # too late
        {"datastream_id": foreign, "phenomenon_time": t, "result": 0.1},  # b's stream
        {"datastream_id": "no-such-stream", "phenomenon_time": t, "result": 0.1},
        {"datastream_id": smoke, "phenomenon_time": t - 10},  # no result
        {"datastream_id": smoke, "phenomenon_time": "yesterday", "result": 1},
    ]
    body = json.dumps({"observations": rows})
    resp = client.post(
        "/monitoring/observations:batch",
        content=body,
        headers={**net.device("a"), "Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert (out["received"], out["accepted"], out["duplicates"], out["rejected"]) == (9, 2, 0, 7)
    assert out["reasons"] == {
        "foreign_datastream": 1,
        "future": 1,
        "malformed": 2,
        "out_of_range": 1,
        "too_late": 1,
        "unknown_datastream": 1,
    }
    assert [r["index"] for r in out["rejections"]] == [2, 3, 4, 5, 6, 7, 8]
    assert sorted(_stored(engine)) == sorted(
        [(smoke, round(t * 1e6), 0.5), (temp, round((t - 60) * 1e6), 21.5)]
    )
    quarantined = client.get("/monitoring/quarantine", headers=net.manager("district")).json()
    assert quarantined["total"] == 7
    by_index = {q["row_index"]: q for q in quarantined["items"]}
    assert by_index[2]["reason"] == "out_of_range"
    assert "999" in by_index[2]["raw"]
    assert by_index[5]["reason"] == "foreign_datastream"
    assert by_index[5]["writer"] == f"service:{net.things['a']}"
    # the sibling district's manager sees none of it
    other = client.get("/monitoring/quarantine", headers=net.manager("sibling")).json()
    assert other["total"] == 0


def test_nan_and_infinity_are_quarantined_not_stored(
    net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    lines = [
        f'{{"datastream_id": "{temp}", "phenomenon_time": {t - i}, "result": {v}}}'
        for i, v in enumerate(["NaN", "Infinity", "-Infinity", "20.5"])
    ]
    resp = client.post(
        "/monitoring/observations:batch",
        content="\n".join(lines) + "\nnot json at all\n",
        headers={**net.device("a"), "Content-Type": "application/x-ndjson"},
    )
    assert resp.status_code == 200, resp.text
    out = resp.json()
    assert out["accepted"] == 1
    assert out["reasons"] == {"malformed": 1, "not_finite": 3}
    assert [v for _, _, v in _stored(engine)] == [20.5]
    assert all(math.isfinite(v) for _, _, v in _stored(engine))


def test_resending_a_batch_is_idempotent_on_datastream_and_phenomenon_time(
    net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    columnar = {
        "datastream_id": temp,
        "phenomenon_time": [t - 120, t - 60, t],
        "results": [20.0, 20.5, 21.0],
    }
    first = client.post("/monitoring/observations:batch", json=columnar, headers=net.device("a"))
    again = client.post("/monitoring/observations:batch", json=columnar, headers=net.device("a"))
    assert first.json()["accepted"] == 3
    assert first.json()["duplicates"] == 0
    assert again.json()["accepted"] == 0
    assert again.json()["duplicates"] == 3
    assert len(_stored(engine)) == 3
    # late and out of order within the window: accepted
    late = client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": temp, "phenomenon_time": [t - 90, t - 3600], "results": [1, 2]},
        headers=net.device("a"),
    )
    assert late.json()["accepted"] == 2
    listed = client.get(
        f"/monitoring/Datastreams/{temp}/Observations", headers=net.manager("district")
    ).json()
    assert [o["result"] for o in listed] == [21.0, 20.5, 1.0, 20.0, 2.0]


def test_columns_of_unequal_length_are_a_problem_naming_the_field(
    net: Network, client: TestClient
) -> None:
    resp = client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": "x", "phenomenon_time": [1, 2], "results": [1]},
        headers=net.device("a"),
    )
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["errors"][0]["field"] == "results"
    malformed = client.post(
        "/monitoring/observations:batch",
        content=b"{not json",
        headers={**net.device("a"), "Content-Type": "application/json"},
    )
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "body"


def test_single_sensorthings_observation(
    net: Network, client: TestClient, clock: VirtualClock
) -> None:
    stamp = clock.now().isoformat()
    smoke = net.streams[("a", "smoke")]
    one = {"Datastream": {"@iot.id": smoke}, "phenomenonTime": stamp, "result": 1.5}
    created = client.post("/monitoring/Observations", json=one, headers=net.device("a"))
    assert created.status_code == 201, created.text
    assert created.json()["Datastream"]["@iot.id"] == smoke
    repeated = client.post("/monitoring/Observations", json=one, headers=net.device("a"))
    assert repeated.status_code == 200
    assert repeated.json()["duplicate"] is True
    bad = client.post(
        "/monitoring/Observations", json={**one, "result": -5}, headers=net.device("a")
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "result"
    assert "physical range" in bad.json()["errors"][0]["reason"]
    foreign = client.post("/monitoring/Observations", json=one, headers=net.device("b"))
    assert foreign.status_code == 403
    assert foreign.headers["content-type"].startswith("application/problem+json")
    q = client.get("/monitoring/quarantine", headers=net.manager("district")).json()
    assert sorted(i["reason"] for i in q["items"]) == ["foreign_datastream", "out_of_range"]


def test_bad_or_revoked_device_keys_are_refused(
    net: Network, client: TestClient, clock: VirtualClock
) -> None:
    smoke = net.streams[("a", "smoke")]
    one = {"Datastream": {"@iot.id": smoke}, "phenomenonTime": clock.now().isoformat(),
           "result": 0}  # fmt: skip
    wrong = client.post("/monitoring/Observations", json=one, headers={"X-Device-Key": "lld_x"})
    assert wrong.status_code == 401
    old_key = net.keys["a"]
    reissued = client.post(
        f"/monitoring/Things/{net.things['a']}/keys", headers=net.manager("district")
    )
    assert reissued.status_code == 201
    revoked = client.post("/monitoring/Observations", json=one, headers={"X-Device-Key": old_key})
    assert revoked.status_code == 401
    fresh = client.post(
        "/monitoring/Observations", json=one, headers={"X-Device-Key": reissued.json()["key"]}
    )
    assert fresh.status_code == 201, fresh.text
    # a device key writes observations and nothing else
    thing = client.post(
        "/monitoring/Things",
        json={"name": "rogue", "organisation_id": net.world.org["district"]},
        headers={"X-API-Key": reissued.json()["key"]},
    )
    assert thing.status_code == 401


def test_accounts_write_only_inside_their_scope(
    net: Network, client: TestClient, clock: VirtualClock
) -> None:
    t = clock.now().timestamp()
    rows = [
        {"datastream_id": net.streams[("a", "smoke")], "phenomenon_time": t, "result": 1},
        {"datastream_id": net.streams[("c", "smoke")], "phenomenon_time": t, "result": 1},
    ]
    resp = client.post("/monitoring/observations:batch", json=rows, headers=net.manager())
    assert resp.json()["accepted"] == 1
    assert resp.json()["reasons"] == {"out_of_scope": 1}
    reader = client.post(
        "/monitoring/observations:batch",
        json=rows,
        headers=net.world.headers(Role.DUTY_OFFICER, "city"),  # sensor.read only
    )
    assert reader.status_code == 403


def test_a_flooding_device_gets_429_while_another_device_is_served(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock
) -> None:
    platform.ingest_limiter = RateLimiter(rate_per_s=1.0, burst=5.0)
    t = clock.now().timestamp()
    a, b = net.streams[("a", "smoke")], net.streams[("b", "smoke")]

    def send(device: str, stream: str, n: int, offset: float) -> int:
        resp = client.post(
            "/monitoring/observations:batch",
            json={
                "datastream_id": stream,
                "phenomenon_time": [t - offset - i for i in range(n)],
                "results": [0.0] * n,
            },
            headers=net.device(device),
        )
        if resp.status_code == 429:
            assert int(resp.headers["Retry-After"]) >= 1
            assert resp.headers["content-type"].startswith("application/problem+json")
        return resp.status_code

    assert send("a", a, 5, 0) == 200
    assert [send("a", a, 5, 10 * k) for k in range(1, 4)] == [429, 429, 429]
    assert send("b", b, 5, 0) == 200


def test_stored_batches_reach_every_sink_in_the_same_transaction(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    seen: list[ObservationBatch] = []

    def recorder(batch: ObservationBatch, uow: UnitOfWork) -> None:
        seen.append(batch)

    platform.batch_sinks = (recorder,)
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    body = {"datastream_id": temp, "phenomenon_time": [t - 1, t], "results": [30.0, 31.0]}
    client.post("/monitoring/observations:batch", json=body, headers=net.device("a"))
    client.post("/monitoring/observations:batch", json=body, headers=net.device("a"))  # dupes
    assert len(seen) == 1
    batch = seen[0]
    assert batch.datastream_ids == (temp, temp)
    assert sorted(batch.values.tolist()) == [30.0, 31.0]
    assert batch.streams[temp].kind is SensorKind.TEMPERATURE
    assert batch.streams[temp].thing_id == net.things["a"]

    def failing(batch: ObservationBatch, uow: UnitOfWork) -> None:
        raise RuntimeError("the evaluator broke")

    platform.batch_sinks = (failing,)
    before = len(_stored(engine))
    with pytest.raises(RuntimeError):
        client.post(
            "/monitoring/observations:batch",
            json={"datastream_id": temp, "phenomenon_time": [t - 5], "results": [1.0]},
            headers=net.device("a"),
        )
    assert len(_stored(engine)) == before  # nothing stored when a sink fails


def test_the_observation_table_refuses_update_and_delete(
    net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": temp, "phenomenon_time": [t], "results": [20.0]},
        headers=net.device("a"),
    )
    for statement in (
        "UPDATE monitoring_observation SET result = 0",
        "DELETE FROM monitoring_observation",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert [v for _, _, v in _stored(engine)] == [20.0]


def test_the_late_window_follows_the_clock(
    net: Network, client: TestClient, clock: VirtualClock
) -> None:
    temp = net.streams[("a", "temperature")]
    t = clock.now().timestamp()
    clock.advance(timedelta(days=2))
    resp = client.post(
        "/monitoring/observations:batch",
        json={"datastream_id": temp, "phenomenon_time": [t], "results": [20.0]},
        headers=net.device("a"),
    )
    assert resp.json()["reasons"] == {"too_late": 1}


def test_drill_observations_reach_the_sinks_in_their_own_exercise_batch(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock
) -> None:
    from lifeline.kernel.access import SYSTEM_ACTOR
    from lifeline.monitoring import messages as m

    drill = platform.bus.handle(
        m.RegisterThing(name="drill detector", organisation_id=net.world.org["district"],
                        exercise=True),
        SYSTEM_ACTOR,
    )  # fmt: skip
    drill_stream = platform.bus.handle(
        m.CreateDatastream(thing_id=drill.id, name="drill smoke", kind=SensorKind.SMOKE),
        SYSTEM_ACTOR,
    )
    seen: list[ObservationBatch] = []
    platform.batch_sinks = (lambda batch, uow: seen.append(batch),)
    t = clock.now().timestamp()
    real = net.streams[("a", "smoke")]
    resp = client.post(
        "/monitoring/observations:batch",
        json={"datastream_ids": [real, drill_stream.id], "phenomenon_time": [t, t],
              "results": [0.1, 9.0]},
        headers=net.manager(),
    )  # fmt: skip
    assert resp.json()["accepted"] == 2
    assert [(b.exercise, b.datastream_ids) for b in seen] == [
        (False, (real,)),
        (True, (drill_stream.id,)),
    ]


def test_a_batch_mixing_new_rows_stored_ones_and_a_key_given_twice_stores_each_new_key_once(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    """The bulk write refuses the whole batch on a taken key; the fallback stores exactly the
    new keys (the first of a repeated key) and hands only those to the sinks."""
    seen: list[ObservationBatch] = []
    platform.batch_sinks = (lambda batch, uow: seen.append(batch),)
    t = clock.now().timestamp()
    temp = net.streams[("a", "temperature")]
    first = {"datastream_id": temp, "phenomenon_time": [t - 30], "results": [20.0]}
    assert (
        client.post("/monitoring/observations:batch", json=first, headers=net.device("a")).json()[
            "accepted"
        ]
        == 1
    )
    mixed = {
        "datastream_id": temp,
        "phenomenon_time": [t - 30, t - 20, t - 10, t - 20],
        "results": [99.0, 21.0, 22.0, 98.0],
    }
    answer = client.post("/monitoring/observations:batch", json=mixed, headers=net.device("a"))
    assert (answer.json()["accepted"], answer.json()["duplicates"]) == (2, 2)
    stored = {(s, us): v for s, us, v in _stored(engine)}
    assert sorted(stored.values()) == [20.0, 21.0, 22.0]
    assert [sorted(b.values.tolist()) for b in seen] == [[20.0], [21.0, 22.0]]
