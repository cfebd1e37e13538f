"""The sensor registry over HTTP: things, datastreams and sensors, scoped by organisation."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Area, Point
from lifeline.monitoring import messages as m
from lifeline.monitoring.batch import SensorKind
from lifeline.registry.model import AreaLevel, DefineArea
from lifeline.security.model import Role
from tests.integration.monitoring.helpers import Network, build_network


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


def test_things_and_datastreams_are_seen_only_within_scope(
    net: Network, client: TestClient
) -> None:
    city = client.get("/monitoring/Things", headers=net.manager("city")).json()
    district = client.get("/monitoring/Things", headers=net.manager("district")).json()
    sibling = client.get("/monitoring/Things", headers=net.manager("sibling")).json()
    assert city["total"] == 3
    assert {t["id"] for t in district["items"]} == {net.things["a"], net.things["b"]}
    assert [t["id"] for t in sibling["items"]] == [net.things["c"]]
    hidden = client.get(f"/monitoring/Things/{net.things['a']}", headers=net.manager("sibling"))
    assert hidden.status_code == 404
    streams = client.get(
        f"/monitoring/Things/{net.things['a']}/Datastreams", headers=net.manager("district")
    ).json()
    kinds = {s["kind"]: s for s in streams["items"]}
    assert set(kinds) == {"smoke", "temperature"}
    # unit and physical range come from the kind's data
    assert (kinds["temperature"]["unit"], kinds["temperature"]["min_value"],
            kinds["temperature"]["max_value"]) == ("degC", -40.0, 150.0)  # fmt: skip
    assert kinds["smoke"]["feature_of_interest"]["coordinates"] == [114.05, 22.54]


def test_datastream_ranges_may_narrow_the_kind_but_never_widen_it(
    net: Network, client: TestClient
) -> None:
    thing = net.things["a"]
    narrow = client.post(
        "/monitoring/Datastreams",
        json={"thing_id": thing, "name": "cold room", "kind": "temperature", "min_value": -30,
              "max_value": 10, "interval_s": 15},
        headers=net.manager(),
    )  # fmt: skip
    assert narrow.status_code == 201, narrow.text
    assert (narrow.json()["max_value"], narrow.json()["interval_s"]) == (10.0, 15.0)
    wide = client.post(
        "/monitoring/Datastreams",
        json={"thing_id": thing, "name": "oven", "kind": "temperature", "max_value": 900},
        headers=net.manager(),
    )
    assert wide.status_code == 422
    assert wide.json()["errors"][0]["field"] == "max_value"
    unknown_kind = client.post(
        "/monitoring/Datastreams",
        json={"thing_id": thing, "name": "x", "kind": "telepathy"},
        headers=net.manager(),
    )
    assert unknown_kind.status_code == 422
    assert unknown_kind.json()["errors"][0]["field"] == "kind"


def test_writing_the_registry_needs_sensor_write_in_scope(net: Network, client: TestClient) -> None:
    body = {"name": "x", "organisation_id": net.world.org["district"]}
    reader = client.post(
        "/monitoring/Things", json=body, headers=net.world.headers(Role.DUTY_OFFICER, "city")
    )
    assert reader.status_code == 403
    sibling = client.post("/monitoring/Things", json=body, headers=net.manager("sibling"))
    assert sibling.status_code == 404
    other_key = client.post(
        f"/monitoring/Things/{net.things['a']}/keys", headers=net.manager("sibling")
    )
    assert other_key.status_code == 404


def test_a_thing_placed_in_an_area_stands_at_its_centroid_by_default(
    platform: Platform, net: Network, client: TestClient
) -> None:
    square = Area.from_geojson(
        {
            "type": "Polygon",
            "coordinates": [[[114.0, 22.5], [114.02, 22.5], [114.02, 22.52], [114.0, 22.52],
                             [114.0, 22.5]]],
        }
    )  # fmt: skip
    area = platform.bus.handle(
        DefineArea(
            name="Warehouse block", level=AreaLevel.PARK,
            organisation_id=net.world.org["district"], boundary=square,
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    made = client.post(
        "/monitoring/Things",
        json={"name": "gauge", "organisation_id": net.world.org["district"], "area_id": area.id},
        headers=net.manager(),
    )
    assert made.status_code == 201, made.text
    lon, lat = made.json()["location"]["coordinates"]
    assert Point(lon, lat).distance_m(Point(114.01, 22.51)) < 1.0
    missing = client.post(
        "/monitoring/Things",
        json={"name": "gauge", "organisation_id": net.world.org["district"], "area_id": "nope"},
        headers=net.manager(),
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "area_id"


def test_sensors_and_kinds(net: Network, client: TestClient) -> None:
    sensor = client.post(
        "/monitoring/Sensors",
        json={"name": "JTY-GD-G3 smoke detector", "organisation_id": net.world.org["district"]},
        headers=net.manager(),
    )
    assert sensor.status_code == 201
    stream = client.post(
        "/monitoring/Datastreams",
        json={"thing_id": net.things["a"], "name": "s2", "kind": "smoke",
              "sensor_id": sensor.json()["id"]},
        headers=net.manager(),
    )  # fmt: skip
    assert stream.status_code == 201
    assert stream.json()["sensor_id"] == sensor.json()["id"]
    kinds = client.get("/monitoring/ObservedProperties", headers=net.manager()).json()
    assert {k["kind"] for k in kinds} >= {"smoke", "combustible_gas", "water_level", "voltage"}


def test_each_datastream_is_numbered_in_registration_order_and_the_api_speaks_ids(
    net: Network, platform: Platform, client: TestClient
) -> None:
    registered = list(net.streams.values())  # in the order they were registered
    numbers = [
        platform.bus.handle(m.GetDatastream(datastream_id=s), SYSTEM_ACTOR).number
        for s in registered
    ]
    assert numbers == list(range(1, len(registered) + 1))
    created = platform.bus.handle(
        m.CreateDatastream(thing_id=net.things["a"], name="a gas", kind=SensorKind.COMBUSTIBLE_GAS),
        SYSTEM_ACTOR,
    )
    assert created.number == len(registered) + 1
    stored = platform.bus.handle(m.GetDatastream(datastream_id=created.id), SYSTEM_ACTOR)
    assert stored.number == created.number
    shown = client.get(f"/monitoring/Datastreams/{created.id}", headers=net.manager("district"))
    assert shown.status_code == 200
    assert "number" not in shown.json()
