"""Quotas claimed in the database: increment-if-below in one statement, safe under concurrency."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from comments.database.sql import insert_ignoring_conflicts
from comments.extensions import db
from comments.models import QuotaClaim
from comments.models.types import utcnow


def day_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The UTC day containing `now`: its start and its end."""
    now = now or utcnow()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def claim(bucket: str, limit: int, window_start: datetime) -> bool:
    """Take one unit of `bucket` in this window if fewer than `limit` are used; True if taken.

    Runs in the caller's write transaction. The conditional UPDATE is one statement, so two
    requests can never both take the last unit: PostgreSQL re-checks `used < limit` after the
    row lock is granted, and SQLite's immediate transaction serialises writers outright.
    """
    if limit <= 0:
        return False
    insert_ignoring_conflicts(
        QuotaClaim, {"bucket": bucket[:200], "window_start": window_start, "used": 0},
        ["bucket", "window_start"],
    )
    result = db.session.execute(
        update(QuotaClaim)
        .where(QuotaClaim.bucket == bucket[:200], QuotaClaim.window_start == window_start,
               QuotaClaim.used < limit)
        .values(used=QuotaClaim.used + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))
