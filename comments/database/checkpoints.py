"""SQLite WAL checkpoints after a write's answer is sent, so that no writer's commit pays for one.

SQLite checkpoints inside the commit that takes the WAL past 1,000 pages (wal_autocheckpoint).
A post writes about ten pages, so one post in a hundred also copied a thousand pages into the
database and synced it: 6-25 ms on the shared test machine, and during a storm of posts exactly
the slowest 1%. Here, after a write transaction in a request, the process copies what the WAL
holds once the answer has gone out (PASSIVE: it waits for no reader and no writer), at most
every INTERVAL seconds per engine. SQLite's own checkpoint stays as the backstop (CLI commands,
workers), and the database is synced at least as often as before.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from functools import partial
from weakref import WeakKeyDictionary

from flask import Response, after_this_request, has_request_context
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds between two checkpoints of one process, at most two a second
_last: WeakKeyDictionary[Engine, float] = WeakKeyDictionary()


def after_write(engine: Engine) -> None:
    """Checkpoint `engine`'s SQLite WAL once this request's answer is sent, if one is due."""
    if engine.dialect.name != "sqlite" or not has_request_context():
        return
    now = time.monotonic()
    if now - _last.get(engine, float("-inf")) < INTERVAL:
        return
    _last[engine] = now

    @after_this_request
    def _once_sent(response: Response) -> Response:
        response.call_on_close(partial(checkpoint, engine))
        return response


def checkpoint(engine: Engine) -> tuple[int, int, int] | None:
    """Copy the WAL's committed pages into the database now: (busy, WAL pages, copied)."""
    connection = engine.raw_connection()  # autocommit (engine.py): no transaction around it
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        row = cursor.fetchone()
        cursor.close()
    except sqlite3.Error:
        log.warning("WAL checkpoint failed; SQLite's own checkpoint will run", exc_info=True)
        return None
    finally:
        connection.close()
    return (int(row[0]), int(row[1]), int(row[2])) if row else None
