"""The sensor registry: sensors, things, datastreams and device keys."""

from __future__ import annotations

import math
from dataclasses import replace

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.monitoring import messages as m
from lifeline.monitoring.events import (
    DatastreamCreated,
    DeviceKeyIssued,
    SensorRegistered,
    ThingRegistered,
)
from lifeline.monitoring.kinds import kinds
from lifeline.monitoring.model import Datastream, DeviceKey, Sensor, Thing
from lifeline.monitoring.service._common import (
    authorize_collection,
    load_datastream,
    load_thing,
    not_a_device,
    org_path,
    repo_of,
)
from lifeline.registry.model import REGISTRY
from lifeline.security import passwords

DEVICE_KEY_PREFIX = "lld_"


def register_sensor(cmd: m.RegisterSensor, ctx: HandlerContext) -> Sensor:
    not_a_device(ctx)
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be blank")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    sensor = Sensor(
        id=new_id(), name=cmd.name.strip(), description=cmd.description,
        encoding_type=cmd.encoding_type, metadata=cmd.metadata,
        organisation_id=cmd.organisation_id, path=path, created_at=ctx.uow.clock.now(),
    )  # fmt: skip
    repo_of(ctx).add_sensor(sensor)
    ctx.uow.record(
        SensorRegistered(
            aggregate_id=sensor.id, organisation_id=sensor.organisation_id, name=sensor.name
        )
    )
    return sensor


def list_sensors(query: m.ListSensors, ctx: HandlerContext) -> list[Sensor]:
    authorize_collection(ctx, "sensor")
    return repo_of(ctx).list_sensors(ctx.scope_paths)


def register_thing(cmd: m.RegisterThing, ctx: HandlerContext) -> Thing:
    not_a_device(ctx)
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be blank")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    location = cmd.location
    if cmd.area_id is not None:
        area = ctx.uow.repo(REGISTRY).get_area(cmd.area_id)
        if area is None:
            raise InvalidInput("area_id", f"area {cmd.area_id!r} does not exist")
        if location is None:
            location = area.boundary.centroid()
    thing = Thing(
        id=new_id(), name=cmd.name.strip(), description=cmd.description,
        organisation_id=cmd.organisation_id, path=path, area_id=cmd.area_id, location=location,
        properties=dict(cmd.properties), created_at=ctx.uow.clock.now(), exercise=cmd.exercise,
    )  # fmt: skip
    repo_of(ctx).add_thing(thing)
    ctx.uow.record(
        ThingRegistered(
            aggregate_id=thing.id, organisation_id=thing.organisation_id, name=thing.name,
            area_id=thing.area_id, lon=location.lon if location else None,
            lat=location.lat if location else None, exercise=thing.exercise,
        )
    )  # fmt: skip
    return thing


def get_thing(query: m.GetThing, ctx: HandlerContext) -> Thing:
    return load_thing(ctx, query.thing_id)


def list_things(query: m.ListThings, ctx: HandlerContext) -> tuple[list[Thing], int]:
    authorize_collection(ctx, "thing")
    return repo_of(ctx).list_things(ctx.scope_paths, query.limit, query.offset)


def create_datastream(cmd: m.CreateDatastream, ctx: HandlerContext) -> Datastream:
    not_a_device(ctx)
    thing = load_thing(ctx, cmd.thing_id, field="thing_id")
    spec = kinds()[cmd.kind]
    problems: list[FieldProblem] = []
    if not cmd.name.strip():
        problems.append(FieldProblem("name", "must not be blank"))
    lo = spec.min_value if cmd.min_value is None else cmd.min_value
    hi = spec.max_value if cmd.max_value is None else cmd.max_value
    for field, value in (("min_value", lo), ("max_value", hi)):
        if not math.isfinite(value):
            problems.append(FieldProblem(field, "must be a finite number"))
        elif not spec.min_value <= value <= spec.max_value:
            problems.append(
                FieldProblem(
                    field,
                    f"must lie within the physical range of {cmd.kind.value} "
                    f"[{spec.min_value:g}, {spec.max_value:g}] {spec.unit}",
                )
            )
    if not problems and not lo < hi:
        problems.append(FieldProblem("max_value", "must be greater than min_value"))
    interval_s = spec.interval_s if cmd.interval_s is None else cmd.interval_s
    if not math.isfinite(interval_s) or interval_s <= 0:
        problems.append(FieldProblem("interval_s", "must be a positive number of seconds"))
    if cmd.sensor_id is not None:
        sensor = repo_of(ctx).get_sensor(cmd.sensor_id)
        if sensor is None:
            problems.append(FieldProblem("sensor_id", f"sensor {cmd.sensor_id!r} does not exist"))
        else:
            ctx.authorize(target_kind="sensor", target_id=sensor.id, target_path=sensor.path)
    if problems:
        raise InvalidInput(problems)
    stream = Datastream(
        id=new_id(), thing_id=thing.id, sensor_id=cmd.sensor_id, name=cmd.name.strip(),
        kind=cmd.kind, unit=spec.unit, min_value=lo, max_value=hi, interval_s=interval_s,
        organisation_id=thing.organisation_id, path=thing.path, area_id=thing.area_id,
        feature_of_interest=cmd.feature_of_interest or thing.location,
        created_at=ctx.uow.clock.now(),
    )  # fmt: skip
    stream = replace(stream, number=repo_of(ctx).add_datastream(stream))
    ctx.uow.record(
        DatastreamCreated(
            aggregate_id=stream.id, organisation_id=stream.organisation_id, thing_id=thing.id,
            name=stream.name, kind=stream.kind.value, unit=stream.unit,
            min_value=stream.min_value, max_value=stream.max_value, interval_s=stream.interval_s,
        )
    )  # fmt: skip
    return stream


def get_datastream(query: m.GetDatastream, ctx: HandlerContext) -> Datastream:
    return load_datastream(ctx, query.datastream_id)


def list_datastreams(query: m.ListDatastreams, ctx: HandlerContext) -> tuple[list[Datastream], int]:
    if query.thing_id is not None:
        load_thing(ctx, query.thing_id)
    else:
        authorize_collection(ctx, "datastream")
    return repo_of(ctx).list_datastreams(ctx.scope_paths, query.thing_id, query.limit, query.offset)


def new_device_key() -> tuple[str, str, str]:
    """``(key, prefix, hash)``: ``lld_<8 hex>_<secret>``; only prefix and SHA-256 are kept."""
    key, prefix, _ = passwords.new_api_key()
    device_key = DEVICE_KEY_PREFIX + key[len(passwords.API_KEY_PREFIX) :]
    return device_key, prefix, passwords.hash_api_key(device_key)


def split_device_key(key: str) -> str | None:
    """The lookup prefix of a well-formed device key, or None."""
    if not key.startswith(DEVICE_KEY_PREFIX):
        return None
    return passwords.split_api_key(passwords.API_KEY_PREFIX + key[len(DEVICE_KEY_PREFIX) :])


def issue_device_key(cmd: m.IssueDeviceKey, ctx: HandlerContext) -> tuple[DeviceKey, str]:
    """Revoke the thing's keys and issue a new one; the clear key is returned once."""
    not_a_device(ctx)
    thing = load_thing(ctx, cmd.thing_id)
    repo = repo_of(ctx)
    revoked = repo.revoke_device_keys(thing.id)
    key, prefix, key_hash = new_device_key()
    record = DeviceKey(
        id=new_id(), thing_id=thing.id, prefix=prefix, key_hash=key_hash,
        created_at=ctx.uow.clock.now(),
    )  # fmt: skip
    repo.add_device_key(record)
    ctx.uow.record(
        DeviceKeyIssued(
            aggregate_id=thing.id, organisation_id=thing.organisation_id, key_id=record.id,
            prefix=prefix, revoked=revoked,
        )
    )  # fmt: skip
    return record, key
