"""Hot reads straight on the driver's cursor: Core statements compiled once, rows typed as usual.

A read through a SQLAlchemy Connection costs about 80 µs of Python around a 10 µs SQLite
query (the Connection, its transaction, the execution context, the Result), and on PostgreSQL
a non-autocommit read adds a BEGIN and a ROLLBACK round trip. The one query behind every ETag
check runs millions of times a day, so it skips all that: SQLAlchemy still builds the SQL
(compiled once per statement and dialect), lends the pooled connection and types each value
with the column's own result processor; only the per-call machinery is left out.

Only single-statement reads belong here: each runs in autocommit, so two calls are two
snapshots. A connection the database dropped (a restart, a failover) is thrown away and the
read tried once more on a fresh one, so the pool needs no ping before every checkout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import CompoundSelect, Select

from comments.extensions import db


@dataclass(frozen=True, slots=True)
class Prepared:
    """A statement compiled for one dialect, with what binding and typing it need."""

    sql: str
    defaults: dict[str, Any]  # the values bound inside the statement (literals, defaults)
    positional: tuple[str, ...] | None  # parameter names in order, for positional drivers
    binders: Mapping[str, Callable[[Any], Any]]
    processors: tuple[Callable[[Any], Any] | None, ...]
    keys: tuple[str, ...]
    typed: tuple[tuple[int, Callable[[Any], Any]], ...]  # (index, processor) where one is needed


Statement = Select[Any] | CompoundSelect[Any]
_prepared: dict[tuple[int, str], tuple[Statement, Prepared]] = {}


def prepare(statement: Statement, dialect: Dialect) -> Prepared:
    """Compile `statement` for `dialect` once; later calls get the same object back."""
    key = (id(statement), dialect.name)
    found = _prepared.get(key)
    if found is not None and found[0] is statement:
        return found[1]
    compiled = statement.compile(dialect=dialect)
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("driver reads take no expanding parameters; bind an array instead")
    binders = {}
    for name, bind in compiled.binds.items():
        binder = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if binder is not None:
            binders[name] = binder
    processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in statement.selected_columns
    )
    prepared = Prepared(
        sql=compiled.string,
        defaults=dict(compiled.params),
        positional=tuple(compiled.positiontup or ()) if dialect.positional else None,
        binders=binders,
        processors=processors,
        keys=tuple(str(column.key) for column in statement.selected_columns),
        typed=tuple((index, process) for index, process in enumerate(processors)
                    if process is not None),
    )
    # Keyed by identity and holding the statement, so an id is never reused for another one.
    _prepared[key] = (statement, prepared)
    return prepared


def fetch_all(statement: Statement, params: dict[str, Any],
              engine: Engine | None = None) -> list[tuple[Any, ...]]:
    """Every row of one read-only statement, typed like a Core result (plain tuples).

    On the app's engine unless given one (code outside an app context passes its own).
    """
    engine = engine if engine is not None else db.engine
    prepared = prepare(statement, engine.dialect)
    values = {**prepared.defaults, **params}
    for name, binder in prepared.binders.items():
        values[name] = binder(values[name])
    arguments: Sequence[Any] | dict[str, Any] = (
        [values[name] for name in prepared.positional]
        if prepared.positional is not None else values
    )
    rows = _run(engine, prepared.sql, arguments)
    typed = prepared.typed
    if not typed:
        return rows
    # Only the columns that need it are touched: a page row has 17 values and 2 to 5 of them
    # need typing, and this runs for every row of every page built.
    out = []
    for row in rows:
        cells = list(row)
        for index, process in typed:
            cells[index] = process(cells[index])
        out.append(tuple(cells))
    return out


def bound_list(values: list[Any], dialect: str) -> Any:
    """A list bound as one parameter, as the driver reads take one (no expanding IN): an array on
    PostgreSQL (`= ANY(:name)`), JSON text on SQLite (`json_each(:name)`)."""
    return values if dialect == "postgresql" else orjson.dumps(values).decode()


def fetch_one(statement: Statement, params: dict[str, Any],
              engine: Engine | None = None) -> tuple[Any, ...] | None:
    """The first row of one read-only statement, or None."""
    rows = fetch_all(statement, params, engine)
    return rows[0] if rows else None


def _run(engine: Engine, sql: str, arguments: Any) -> list[Any]:
    dbapi = engine.dialect.loaded_dbapi
    for attempt in (1, 2):
        connection = engine.raw_connection()
        cursor = None
        try:
            driver: Any = connection.driver_connection
            autocommit = getattr(driver, "autocommit", None)
            if autocommit is False:
                driver.autocommit = True  # one statement: no BEGIN, no ROLLBACK round trips
            try:
                cursor = connection.cursor()
                cursor.execute(sql, arguments)
                return list(cursor.fetchall())
            finally:
                if cursor is not None:
                    cursor.close()
                if autocommit is False and not driver.closed:
                    driver.autocommit = False
        except dbapi.Error as error:
            if attempt == 1 and engine.dialect.is_disconnect(error, connection, cursor):
                # The server went away: every pooled connection is as dead as this one.
                connection.invalidate(error)
                engine.dispose()  # closes the pool's idle connections; checked-out ones end on return
                continue
            raise DBAPIError.instance(sql, arguments, error, dbapi.Error) from error
        finally:
            connection.close()
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
