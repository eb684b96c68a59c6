"""Database wiring: SQLite pragmas, immediate write transactions, and lock errors as 503."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from flask import Config, Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from comments.database.checkpoints import after_write
from comments.extensions import db

_writing: ContextVar[bool] = ContextVar("writing", default=False)


def init_app(app: Flask) -> None:
    """Tune the engine for the configured database, bind `db`, and hook the app's own engines."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        # The busy timeout is ours (PRAGMA below); the driver must not wait on its own.
        options.setdefault("connect_args", {"timeout": 0, "check_same_thread": False})
    else:
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        # No ping before every checkout (a round trip on every request): a connection the
        # server dropped fails its statement, SQLAlchemy then recycles the whole pool and the
        # request answers 503 with Retry-After (hot reads retry once: fast_lane/driver_reads.py).
        # Connections are renewed hourly so that no firewall or proxy times them out idle.
        options.setdefault("pool_recycle", 3600)
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            busy = int(app.config["DATABASE_BUSY_TIMEOUT_MS"])
            # A write waiting longer than this for a lock fails fast and answers 503.
            options.setdefault("connect_args", {"options": f"-c lock_timeout={busy:d}"})
    db.init_app(app)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", partial(_tune_sqlite, app.config))
            event.listen(engine, "begin", _begin_sqlite)


def _tune_sqlite(config: Config, dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (see _begin_sqlite), so the driver must not.
    dbapi_connection.isolation_level = None
    # Read when the connection opens, so a changed setting holds for the next connections.
    busy = int(config["DATABASE_BUSY_TIMEOUT_MS"])
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy:d}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A write takes the write lock up front, so it waits its turn (busy_timeout) instead of
    # failing later when a deferred read transaction tries to upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing.get() else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run the block as one write transaction that commits at its end or rolls back."""
    session: Session = db.session()
    if _writing.get():  # already inside one: join it
        yield session
        return
    if session.in_transaction():
        session.commit()  # close any read so the write starts fresh and immediate
    token = _writing.set(True)
    try:
        with session.begin():
            yield session
    finally:
        _writing.reset(token)
    after_write(db.engine)  # committed: the WAL is checkpointed after the answer, not in it


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a database error means "busy, try again" rather than a bug."""
    text = str(getattr(error, "orig", error)).lower()
    return any(
        marker in text
        for marker in ("database is locked", "database table is locked", "lock timeout",
                       "could not obtain lock", "deadlock detected", "could not serialize")
    )
