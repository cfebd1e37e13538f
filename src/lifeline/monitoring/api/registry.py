"""HTTP routes of the sensor registry: Sensors, Things, Datastreams, device keys."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.kernel.geo import Point
from lifeline.monitoring import messages as m
from lifeline.monitoring.api._common import GeoJson, PageDep, Strict
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.kinds import kinds
from lifeline.monitoring.model import Datastream, DeviceKey, Sensor, Thing

router = APIRouter()


# --- kinds ----------------------------------------------------------------------------------
class KindOut(BaseModel):
    kind: SensorKind
    observed_property: str
    unit: str
    min_value: float
    max_value: float
    interval_s: float
    stuck_samples: int


@router.get("/ObservedProperties", summary="The sensor kinds: unit, physical range, interval")
def list_kinds(actor: CurrentActor) -> list[KindOut]:
    return [KindOut.model_validate(k, from_attributes=True) for k in kinds().values()]


# --- sensors --------------------------------------------------------------------------------
class SensorIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    description: str = Field("", max_length=2000)
    encoding_type: str = Field("text/plain", max_length=100)
    metadata: str = Field("", max_length=2000)


class SensorOut(BaseModel):
    id: str
    name: str
    description: str
    encoding_type: str
    metadata: str
    organisation_id: str


@router.post("/Sensors", status_code=status.HTTP_201_CREATED, summary="Register a sensor model")
def register_sensor(body: SensorIn, bus: BusDep, actor: CurrentActor) -> SensorOut:
    sensor: Sensor = bus.handle(m.RegisterSensor(**body.model_dump()), actor)
    return SensorOut.model_validate(sensor, from_attributes=True)


@router.get("/Sensors", summary="Sensor models in your scope")
def list_sensors(bus: BusDep, actor: CurrentActor) -> list[SensorOut]:
    sensors: list[Sensor] = bus.handle(m.ListSensors(), actor)
    return [SensorOut.model_validate(s, from_attributes=True) for s in sensors]


# --- things ---------------------------------------------------------------------------------
class ThingIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    area_id: str | None = Field(None, max_length=36)
    location: GeoJson | None = Field(
        None, description="GeoJSON Point [lon, lat] in WGS84; defaults to the area's centroid"
    )
    description: str = Field("", max_length=2000)
    properties: dict[str, str] = Field(default_factory=dict)
    exercise: bool = False


class ThingOut(BaseModel):
    id: str
    name: str
    description: str
    organisation_id: str
    area_id: str | None
    location: GeoJson | None
    properties: dict[str, str]
    exercise: bool
    created_at: datetime

    @classmethod
    def of(cls, t: Thing) -> ThingOut:
        return cls(
            id=t.id, name=t.name, description=t.description, organisation_id=t.organisation_id,
            area_id=t.area_id, location=t.location.to_geojson() if t.location else None,
            properties=t.properties, exercise=t.exercise, created_at=t.created_at,
        )  # fmt: skip


@router.post("/Things", status_code=status.HTTP_201_CREATED, summary="Register a device (Thing)")
def register_thing(body: ThingIn, bus: BusDep, actor: CurrentActor) -> ThingOut:
    location = Point.from_geojson(body.location, "location") if body.location else None
    thing = bus.handle(
        m.RegisterThing(
            name=body.name, organisation_id=body.organisation_id, area_id=body.area_id,
            location=location, description=body.description, properties=body.properties,
            exercise=body.exercise,
        ),
        actor,
    )  # fmt: skip
    return ThingOut.of(thing)


@router.get("/Things", summary="Devices in your scope")
def list_things(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[ThingOut]:
    things, total = bus.handle(m.ListThings(limit=page.limit, offset=page.offset), actor)
    return Page[ThingOut](
        items=[ThingOut.of(t) for t in things], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/Things/{thing_id}", summary="One device")
def get_thing(thing_id: str, bus: BusDep, actor: CurrentActor) -> ThingOut:
    return ThingOut.of(bus.handle(m.GetThing(thing_id=thing_id), actor))


class DeviceKeyOut(BaseModel):
    id: str
    thing_id: str
    prefix: str
    key: str = Field(description="Shown once: send it as the X-Device-Key header (or MQTT)")
    created_at: datetime


@router.post(
    "/Things/{thing_id}/keys",
    status_code=status.HTTP_201_CREATED,
    summary="Issue the device's key (revokes earlier keys); the key is shown once",
)
def issue_device_key(thing_id: str, bus: BusDep, actor: CurrentActor) -> DeviceKeyOut:
    record: DeviceKey
    record, key = bus.handle(m.IssueDeviceKey(thing_id=thing_id), actor)
    return DeviceKeyOut(
        id=record.id, thing_id=record.thing_id, prefix=record.prefix, key=key,
        created_at=record.created_at,
    )  # fmt: skip


# --- datastreams ----------------------------------------------------------------------------
class DatastreamIn(Strict):
    thing_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    kind: SensorKind
    sensor_id: str | None = Field(None, max_length=36)
    min_value: float | None = None
    max_value: float | None = None
    interval_s: float | None = Field(None, gt=0)
    feature_of_interest: GeoJson | None = Field(
        None, description="GeoJSON Point observed; defaults to the thing's location"
    )


class DatastreamOut(BaseModel):
    id: str
    thing_id: str
    sensor_id: str | None
    name: str
    kind: SensorKind
    unit: str
    min_value: float
    max_value: float
    interval_s: float
    organisation_id: str
    area_id: str | None
    feature_of_interest: GeoJson | None
    created_at: datetime

    @classmethod
    def of(cls, d: Datastream) -> DatastreamOut:
        foi = d.feature_of_interest
        return cls(
            id=d.id, thing_id=d.thing_id, sensor_id=d.sensor_id, name=d.name, kind=d.kind,
            unit=d.unit, min_value=d.min_value, max_value=d.max_value, interval_s=d.interval_s,
            organisation_id=d.organisation_id, area_id=d.area_id,
            feature_of_interest=foi.to_geojson() if foi else None, created_at=d.created_at,
        )  # fmt: skip


@router.post(
    "/Datastreams", status_code=status.HTTP_201_CREATED, summary="Add a datastream to a thing"
)
def create_datastream(body: DatastreamIn, bus: BusDep, actor: CurrentActor) -> DatastreamOut:
    foi = body.feature_of_interest
    stream = bus.handle(
        m.CreateDatastream(
            thing_id=body.thing_id, name=body.name, kind=body.kind, sensor_id=body.sensor_id,
            min_value=body.min_value, max_value=body.max_value, interval_s=body.interval_s,
            feature_of_interest=Point.from_geojson(foi, "feature_of_interest") if foi else None,
        ),
        actor,
    )  # fmt: skip
    return DatastreamOut.of(stream)


@router.get("/Datastreams", summary="Datastreams in your scope")
def list_datastreams(
    bus: BusDep, actor: CurrentActor, page: PageDep, thing_id: str | None = None
) -> Page[DatastreamOut]:
    streams, total = bus.handle(
        m.ListDatastreams(thing_id=thing_id, limit=page.limit, offset=page.offset), actor
    )
    return Page[DatastreamOut](
        items=[DatastreamOut.of(d) for d in streams],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/Things/{thing_id}/Datastreams", summary="The datastreams of one device")
def thing_datastreams(
    thing_id: str, bus: BusDep, actor: CurrentActor, page: PageDep
) -> Page[DatastreamOut]:
    return list_datastreams(bus, actor, page, thing_id)


@router.get("/Datastreams/{datastream_id}", summary="One datastream")
def get_datastream(datastream_id: str, bus: BusDep, actor: CurrentActor) -> DatastreamOut:
    return DatastreamOut.of(bus.handle(m.GetDatastream(datastream_id=datastream_id), actor))
