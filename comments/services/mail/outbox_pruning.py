"""Forgetting delivered mail: finished outbox rows hold addresses and notes, so they expire."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete

from comments.database.engine import write_transaction
from comments.models import OutboxMessage
from comments.models.types import utcnow

FINISHED = ("sent", "failed", "suppressed")


def prune_finished_mail(now: datetime | None = None) -> int:
    """Delete sent, failed and suppressed messages older than `MAIL_KEEP_DAYS`; how many."""
    days = int(current_app.config["MAIL_KEEP_DAYS"])
    cutoff = (now or utcnow()) - timedelta(days=days)
    with write_transaction() as session:
        result = session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.status.in_(FINISHED), OutboxMessage.created_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)
