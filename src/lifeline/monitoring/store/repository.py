"""The SQL repository of the monitoring context.

Observations are keyed by the datastream's number (an integer) and phenomenon time, and written
in bulk (``COPY`` on PostgreSQL, a prepared ``INSERT`` in
``executemany`` on SQLite) inside a savepoint; when a key is already taken the batch falls back
to multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (both SQLite ≥ 3.35 and PostgreSQL),
so the keys that come back are exactly the rows that were new: re-sent observations are skipped
and reported as duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import repeat
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.geo import Point
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.model import (
    Datastream,
    DeviceKey,
    HealthStatus,
    QuarantinedRow,
    Sensor,
    StreamActivity,
    Thing,
    ThingHealth,
)
from lifeline.monitoring.store.tables import (
    datastreams,
    device_keys,
    health,
    observations,
    quarantine,
    sensors,
    things,
)


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def _point(lon: float | None, lat: float | None) -> Point | None:
    return Point(lon, lat) if lon is not None and lat is not None else None


def _thing(m: Any) -> Thing:
    return Thing(
        id=m["id"],
        name=m["name"],
        description=m["description"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        area_id=m["area_id"],
        location=_point(m["lon"], m["lat"]),
        properties=json.loads(m["properties"]),
        created_at=m["created_at"],
        exercise=bool(m["exercise"]),
    )


def _datastream(m: Any) -> Datastream:
    return Datastream(
        id=m["id"],
        thing_id=m["thing_id"],
        sensor_id=m["sensor_id"],
        name=m["name"],
        kind=SensorKind(m["kind"]),
        unit=m["unit"],
        min_value=m["min_value"],
        max_value=m["max_value"],
        interval_s=m["interval_s"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        area_id=m["area_id"],
        feature_of_interest=_point(m["foi_lon"], m["foi_lat"]),
        created_at=m["created_at"],
        number=int(m["number"]),
    )


def _sensor(m: Any) -> Sensor:
    return Sensor(
        id=m["id"],
        name=m["name"],
        description=m["description"],
        encoding_type=m["encoding_type"],
        metadata=m["metadata"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        created_at=m["created_at"],
    )


def _quarantined(m: Any) -> QuarantinedRow:
    return QuarantinedRow(
        id=int(m["id"]),
        batch_id=m["batch_id"],
        row_index=m["row_index"],
        reason=m["reason"],
        detail=m["detail"],
        raw=m["raw"],
        received_at=m["received_at"],
        source=m["source"],
        writer=m["writer"],
        datastream_id=m["datastream_id"],
        thing_id=m["thing_id"],
        path=m["path"],
    )


INSERT_CHUNK = 500  # rows per INSERT statement (2,500 parameters)
_OBSERVATION_COLUMNS = "datastream_number, phenomenon_time_us, result, received_at_us, batch_id"
_INSERT_OBSERVATION = (
    f"INSERT INTO monitoring_observation ({_OBSERVATION_COLUMNS}) VALUES (?, ?, ?, ?, ?)"  # noqa: S608
)
_COPY_SPECIAL = frozenset("\\\t\n\r")  # characters COPY's text format would need escaped
_COPY_OBSERVATIONS = f"COPY monitoring_observation ({_OBSERVATION_COLUMNS}) FROM STDIN"


class SqlMonitoringRepository:
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # --- sensors ---------------------------------------------------------------------------
    def add_sensor(self, sensor: Sensor) -> None:
        self._conn.execute(
            sensors.insert().values(
                id=sensor.id, name=sensor.name, description=sensor.description,
                encoding_type=sensor.encoding_type, metadata=sensor.metadata,
                organisation_id=sensor.organisation_id, path=sensor.path,
                created_at=sensor.created_at,
            )
        )  # fmt: skip

    def get_sensor(self, sensor_id: str) -> Sensor | None:
        row = self._conn.execute(sensors.select().where(sensors.c.id == sensor_id)).first()
        return _sensor(row._mapping) if row else None

    def list_sensors(self, scope_paths: Sequence[str]) -> list[Sensor]:
        rows = self._conn.execute(
            sensors.select().where(_in_scope(sensors.c.path, scope_paths)).order_by(sensors.c.id)
        )
        return [_sensor(r._mapping) for r in rows]

    # --- things ----------------------------------------------------------------------------
    def add_thing(self, thing: Thing) -> None:
        at = thing.location
        self._conn.execute(
            things.insert().values(
                id=thing.id, name=thing.name, description=thing.description,
                organisation_id=thing.organisation_id, path=thing.path, area_id=thing.area_id,
                lon=at.lon if at else None, lat=at.lat if at else None,
                properties=json.dumps(thing.properties, ensure_ascii=False),
                exercise=thing.exercise, created_at=thing.created_at,
            )
        )  # fmt: skip

    def get_thing(self, thing_id: str) -> Thing | None:
        row = self._conn.execute(things.select().where(things.c.id == thing_id)).first()
        return _thing(row._mapping) if row else None

    def list_things(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Thing], int]:
        where = _in_scope(things.c.path, scope_paths)
        total = self._conn.execute(sa.select(sa.func.count()).where(where)).scalar_one()
        rows = self._conn.execute(
            things.select().where(where).order_by(things.c.id).limit(limit).offset(offset)
        )
        return [_thing(r._mapping) for r in rows], int(total)

    # --- datastreams -----------------------------------------------------------------------
    def add_datastream(self, stream: Datastream) -> int:
        """Store ``stream``; its number comes from the identity column on PostgreSQL, and on
        SQLite (one writer at a time) is one more than the largest, computed in the same
        ``INSERT``. Datastreams are never deleted, so a number is never reused."""
        foi = stream.feature_of_interest
        insert = datastreams.insert().values(
            id=stream.id, thing_id=stream.thing_id, sensor_id=stream.sensor_id,
            name=stream.name, kind=stream.kind.value, unit=stream.unit,
            min_value=stream.min_value, max_value=stream.max_value,
            interval_s=stream.interval_s, organisation_id=stream.organisation_id,
            path=stream.path, area_id=stream.area_id,
            foi_lon=foi.lon if foi else None, foi_lat=foi.lat if foi else None,
            created_at=stream.created_at,
        )  # fmt: skip
        if self._conn.dialect.name != "postgresql":
            largest = sa.select(sa.func.coalesce(sa.func.max(datastreams.c.number), 0))
            insert = insert.values(number=largest.scalar_subquery() + 1)
        number = self._conn.execute(insert.returning(datastreams.c.number)).scalar_one()
        return int(number)

    def get_datastream(self, datastream_id: str) -> Datastream | None:
        row = self._conn.execute(
            datastreams.select().where(datastreams.c.id == datastream_id)
        ).first()
        return _datastream(row._mapping) if row else None

    def list_datastreams(
        self, scope_paths: Sequence[str], thing_id: str | None, limit: int, offset: int
    ) -> tuple[list[Datastream], int]:
        where = _in_scope(datastreams.c.path, scope_paths)
        if thing_id is not None:
            where = sa.and_(where, datastreams.c.thing_id == thing_id)
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(datastreams).where(where)
        ).scalar_one()
        rows = self._conn.execute(
            datastreams.select().where(where).order_by(datastreams.c.id).limit(limit).offset(offset)
        )
        return [_datastream(r._mapping) for r in rows], int(total)

    def datastreams_by_id(self, ids: Sequence[str]) -> dict[str, Datastream]:
        wanted = sorted(set(ids))
        out: dict[str, Datastream] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in self._conn.execute(datastreams.select().where(datastreams.c.id.in_(chunk))):
                stream = _datastream(row._mapping)
                out[stream.id] = stream
        return out

    def exercise_things(self, thing_ids: Sequence[str]) -> set[str]:
        """The ids among ``thing_ids`` of things registered for drills."""
        out: set[str] = set()
        wanted = list(thing_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            out.update(
                self._conn.execute(
                    sa.select(things.c.id).where(things.c.id.in_(chunk), things.c.exercise)
                ).scalars()
            )
        return out

    # --- device keys -----------------------------------------------------------------------
    def add_device_key(self, key: DeviceKey) -> None:
        self._conn.execute(
            device_keys.insert().values(
                id=key.id, thing_id=key.thing_id, prefix=key.prefix, key_hash=key.key_hash,
                active=key.active, created_at=key.created_at,
            )
        )  # fmt: skip

    def device_key_by_prefix(self, prefix: str) -> DeviceKey | None:
        row = self._conn.execute(device_keys.select().where(device_keys.c.prefix == prefix)).first()
        if row is None:
            return None
        m = row._mapping
        return DeviceKey(
            id=m["id"], thing_id=m["thing_id"], prefix=m["prefix"], key_hash=m["key_hash"],
            created_at=m["created_at"], active=bool(m["active"]),
        )  # fmt: skip

    def revoke_device_keys(self, thing_id: str) -> int:
        result = self._conn.execute(
            device_keys.update()
            .where(device_keys.c.thing_id == thing_id, device_keys.c.active.is_(True))
            .values(active=False)
        )
        return int(result.rowcount)

    # --- observations ----------------------------------------------------------------------
    def insert_observations(
        self,
        batch_id: str,
        datastream_numbers: Sequence[int],
        phenomenon_time_us: Sequence[int],
        values: Sequence[float],
        received_at_us: int,
    ) -> list[int]:
        """Insert the rows that are new; return their positions in the given sequences.

        Usually every row is new, so the rows are first written in bulk inside a savepoint —
        ``COPY`` on PostgreSQL, one prepared ``INSERT`` run by the driver's ``executemany`` on
        SQLite — with no per-row result to read back. If the primary key refuses any row (a
        re-sent observation, or the same key twice in the batch), the savepoint is rolled back
        and the batch is written again with ``INSERT … ON CONFLICT DO NOTHING RETURNING``,
        whose returned keys say which rows were new.
        """
        n = len(datastream_numbers)
        if n == 0:
            return []
        rows = list(
            zip(
                datastream_numbers, phenomenon_time_us, values,
                repeat(received_at_us, n), repeat(batch_id, n),
                strict=True,
            )
        )  # fmt: skip
        refused = (sa.exc.IntegrityError, self._conn.dialect.loaded_dbapi.IntegrityError)
        try:
            with self._conn.begin_nested():
                self._bulk_insert(rows)
        except refused:  # COPY runs on the driver's connection: its own exception class
            return self._insert_new(rows)
        return list(range(n))

    def _bulk_insert(self, rows: list[tuple[int, int, float, int, str]]) -> None:
        """All ``rows`` or none: raises ``IntegrityError`` when any key is already taken."""
        if self._conn.dialect.name == "postgresql":
            raw: Any = self._conn.connection.driver_connection
            with raw.cursor() as cursor, cursor.copy(_COPY_OBSERVATIONS) as copy:
                if _COPY_SPECIAL.isdisjoint(rows[0][4]):
                    # COPY's text format built in one pass (no field needs escaping: the batch id
                    # is checked, the rest are numbers; results are finite, and repr() of a
                    # float reads back exactly)
                    copy.write("".join([f"{s}\t{t}\t{v!r}\t{a}\t{b}\n" for s, t, v, a, b in rows]))
                else:
                    for row in rows:
                        copy.write_row(row)
            return
        self._conn.exec_driver_sql(_INSERT_OBSERVATION, rows)

    def _insert_new(self, rows: list[tuple[int, int, float, int, str]]) -> list[int]:
        """Multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` statements of at most
        ``INSERT_CHUNK`` rows, written at the driver level; the positions of the new rows."""
        first: dict[tuple[int, int], int] = {}
        params: list[object] = []
        for i, row in enumerate(rows):
            key = (row[0], row[1])
            if key in first:
                continue
            first[key] = i
            params.extend(row)
        mark = "?" if self._conn.dialect.paramstyle == "qmark" else "%s"
        placeholder = f"({mark}, {mark}, {mark}, {mark}, {mark})"
        inserted: list[int] = []
        width = 5 * INSERT_CHUNK
        for start in range(0, len(params), width):
            chunk = params[start : start + width]
            values_sql = ", ".join([placeholder] * (len(chunk) // 5))  # placeholders, no data
            sql = (
                f"INSERT INTO monitoring_observation ({_OBSERVATION_COLUMNS}) "  # noqa: S608
                f"VALUES {values_sql} "
                "ON CONFLICT DO NOTHING RETURNING datastream_number, phenomenon_time_us"
            )
            result = self._conn.exec_driver_sql(sql, tuple(chunk))
            inserted.extend(first[(int(r[0]), int(r[1]))] for r in result)
        return sorted(inserted)

    def list_observations(
        self, datastream_number: int, since_us: int | None, limit: int
    ) -> list[tuple[int, float, int]]:
        query = sa.select(
            observations.c.phenomenon_time_us,
            observations.c.result,
            observations.c.received_at_us,
        ).where(observations.c.datastream_number == datastream_number)
        if since_us is not None:
            query = query.where(observations.c.phenomenon_time_us >= since_us)
        query = query.order_by(observations.c.phenomenon_time_us.desc()).limit(limit)
        return [(int(t), float(v), int(r)) for t, v, r in self._conn.execute(query)]

    # --- quarantine ------------------------------------------------------------------------
    def quarantine(self, rows: Sequence[QuarantinedRow]) -> None:
        if not rows:
            return
        self._conn.execute(
            quarantine.insert(),
            [
                {
                    "batch_id": r.batch_id, "row_index": r.row_index, "reason": r.reason,
                    "detail": r.detail, "raw": r.raw, "received_at": r.received_at,
                    "source": r.source, "writer": r.writer, "datastream_id": r.datastream_id,
                    "thing_id": r.thing_id, "path": r.path,
                }
                for r in rows
            ],
        )  # fmt: skip

    def list_quarantine(
        self, scope_paths: Sequence[str], thing_id: str | None, limit: int, offset: int
    ) -> tuple[list[QuarantinedRow], int]:
        where = _in_scope(quarantine.c.path, scope_paths)
        if thing_id is not None:
            where = sa.and_(where, quarantine.c.thing_id == thing_id)
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(quarantine).where(where)
        ).scalar_one()
        rows = self._conn.execute(
            quarantine.select().where(where).order_by(quarantine.c.id.desc())
            .limit(limit).offset(offset)
        )  # fmt: skip
        return [_quarantined(r._mapping) for r in rows], int(total)

    # --- health ----------------------------------------------------------------------------
    def activity(
        self,
        scope_paths: Sequence[str],
        recent: Mapping[SensorKind, int],
        out_of_range_since: datetime,
    ) -> list[StreamActivity]:
        """Per datastream in scope: last phenomenon time and the newest values (one index
        seek per stream on the (datastream number, time) key), and recent out-of-range
        rejections."""
        streams = self._conn.execute(
            sa.select(
                datastreams.c.id, datastreams.c.number, datastreams.c.thing_id, datastreams.c.kind,
                datastreams.c.interval_s,
            ).where(_in_scope(datastreams.c.path, scope_paths)).order_by(datastreams.c.id)
        ).all()  # fmt: skip
        rejected: dict[str, int] = dict(
            self._conn.execute(
                sa.select(quarantine.c.datastream_id, sa.func.count())
                .where(
                    quarantine.c.reason == "out_of_range",
                    quarantine.c.received_at >= out_of_range_since,
                    _in_scope(quarantine.c.path, scope_paths),
                )
                .group_by(quarantine.c.datastream_id)
            ).all()
        )
        latest = (
            sa.select(observations.c.phenomenon_time_us, observations.c.result)
            .where(observations.c.datastream_number == sa.bindparam("number"))
            .order_by(observations.c.phenomenon_time_us.desc())
            .limit(sa.bindparam("n"))
        )
        out = []
        for sid, number, thing_id, kind, interval_s in streams:
            n = max(1, recent.get(SensorKind(kind), 1))
            rows = self._conn.execute(latest, {"number": number, "n": n}).all()
            last = datetime.fromtimestamp(int(rows[0][0]) / 1_000_000, UTC) if rows else None
            out.append(
                StreamActivity(
                    datastream_id=sid,
                    thing_id=thing_id,
                    kind=SensorKind(kind),
                    interval_s=float(interval_s),
                    last_seen_at=last,
                    recent_values=tuple(float(r[1]) for r in rows),
                    out_of_range_recent=int(rejected.get(sid, 0)),
                )
            )
        return out

    def health_of(self, thing_ids: Sequence[str]) -> dict[str, ThingHealth]:
        out: dict[str, ThingHealth] = {}
        wanted = list(thing_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in self._conn.execute(health.select().where(health.c.thing_id.in_(chunk))):
                m = row._mapping
                faults = {k: tuple(v) for k, v in json.loads(m["faults"]).items()}
                out[m["thing_id"]] = ThingHealth(
                    thing_id=m["thing_id"], status=HealthStatus(m["status"]), since=m["since"],
                    last_seen_at=m["last_seen_at"], faults=faults,
                )  # fmt: skip
        return out

    def save_health(self, state: ThingHealth) -> None:
        values = {
            "status": state.status.value,
            "since": state.since,
            "last_seen_at": state.last_seen_at,
            "faults": json.dumps({k: list(v) for k, v in sorted(state.faults.items())}),
        }
        updated = self._conn.execute(
            health.update().where(health.c.thing_id == state.thing_id).values(**values)
        )
        if updated.rowcount == 0:
            self._conn.execute(health.insert().values(thing_id=state.thing_id, **values))
