"""Bulk writes of many rows of one table at the driver level, on the caller's transaction.

At ingest volumes the SQL expression layer's per-row parameter processing (JSON serialisation,
datetime binding, parameter dictionaries) costs more than the database's own work, so the
repository hands ready-made tuples to the driver: on SQLite one ``executemany`` of one
statement; on PostgreSQL ``COPY … FROM STDIN`` (psycopg 3), and for updates ``COPY`` into a
temporary staging table followed by one ``UPDATE … FROM``. Values must already be in the form the
driver takes: JSON as text, datetimes bound by the column type (see :func:`binder`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import sqlalchemy as sa

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_dumps = orjson.dumps


def to_json(value: Any) -> str:
    """Compact JSON text of a value (UTF-8 kept as is), as stored in the JSON columns.

    orjson writes it about ten times faster than the json module, with the same text for the
    values records hold (strings, finite numbers, booleans, lists, objects with text keys);
    what orjson refuses (integers beyond 64 bits, non-text keys) falls back to the json module.
    A non-finite float becomes ``null`` (JSON has no NaN).
    """
    try:
        return _dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _ENCODER.encode(value)


def to_json_each(values: Sequence[Any]) -> list[str]:
    """:func:`to_json` of every value, the fast encoder called directly in the common case."""
    try:
        return list(map(bytes.decode, map(_dumps, values)))
    except TypeError:
        return [to_json(value) for value in values]


def binder(conn: sa.Connection, column: sa.Column[Any]) -> Callable[[Any], Any]:
    """The column type's own bind conversion for ``conn``'s dialect (identity when none): on
    SQLite a datetime becomes the text SQLAlchemy stores, so the driver adapts nothing."""
    dialect = conn.dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else (lambda value: value)


def reader(conn: sa.Connection, column: sa.Column[Any]) -> Callable[[Any], Any]:
    """The column type's own result conversion for ``conn``'s dialect (identity when none)."""
    dialect = conn.dialect
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    return process if process is not None else (lambda value: value)


def rows_with_keys(
    conn: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    scope: tuple[str, Any],
    key: str,
    values: list[str],
) -> list[tuple[Any, ...]]:
    """``columns`` of the rows of ``table`` whose ``scope`` column equals its value and whose
    ``key`` column is one of ``values``, as the driver's own tuples (no result objects).

    The values are bound as ONE parameter, the JSON text of the list: ``IN (SELECT
    jsonb_array_elements_text(…))`` on PostgreSQL, ``IN (SELECT value FROM json_each(…))`` on
    SQLite, so the statement is the same whatever the number of values (a plain ``IN`` list
    binds one parameter per value; a bound array costs the driver a quoting pass per element).
    Values come back as the driver gives them (a timestamp is text on SQLite)."""
    names = ", ".join(columns)
    if _is_postgres(conn):
        each, mark = "SELECT jsonb_array_elements_text(CAST(%s AS jsonb))", "%s"
    else:
        each, mark = "SELECT value FROM json_each(?)", "?"
    sql = f"SELECT {names} FROM {table.name} WHERE {scope[0]} = {mark} AND {key} IN ({each})"  # noqa: S608
    cursor = _driver(conn).cursor()
    try:
        cursor.execute(sql, (scope[1], to_json(values)))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _is_postgres(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _driver(conn: sa.Connection) -> Any:
    return conn.connection.driver_connection


def _copy(conn: sa.Connection, target: str, names: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``COPY target (names) FROM STDIN`` on the connection's open transaction (psycopg 3)."""
    cursor = _driver(conn).cursor()
    try:
        with cursor.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def insert_rows(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) into ``table``."""
    if not rows:
        return
    names = ", ".join(columns)
    if _is_postgres(conn):
        _copy(conn, table.name, names, rows)
        return
    marks = ", ".join("?" * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", list(rows))  # noqa: S608


def update_rows(
    conn: sa.Connection,
    table: sa.Table,
    key: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """Set ``columns`` of the rows whose ``key`` column equals each tuple's last value; the
    tuples are ``(*values in the order of columns, key)``, as SQLite's statement binds them."""
    if not rows:
        return
    if _is_postgres(conn):
        staging = f"{table.name}_staging"
        every = ", ".join((*columns, key))
        conn.exec_driver_sql(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DELETE ROWS AS "  # noqa: S608
            f"SELECT {every} FROM {table.name} WITH NO DATA"
        )
        _copy(conn, staging, every, rows)
        assignments = ", ".join(f"{c} = s.{c}" for c in columns)
        conn.exec_driver_sql(
            f"UPDATE {table.name} AS t SET {assignments} FROM {staging} AS s "  # noqa: S608
            f"WHERE t.{key} = s.{key}"
        )
        conn.exec_driver_sql(f"TRUNCATE {staging}")
        return
    assignments = ", ".join(f"{c} = ?" for c in columns)
    conn.exec_driver_sql(
        f"UPDATE {table.name} SET {assignments} WHERE {key} = ?",  # noqa: S608
        list(rows),
    )
