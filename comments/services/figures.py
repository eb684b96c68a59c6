"""Operational figures read from the database: comments by status, queue and outbox ages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from comments.extensions import db
from comments.models import Comment, CommentStatus, OutboxMessage
from comments.models.types import utcnow


@dataclass
class Figures:
    """What an operator watches: is moderation keeping up, is mail flowing."""

    comments_by_status: dict[str, int]
    oldest_pending_comment_seconds: float
    outbox_by_status: dict[str, int]
    oldest_pending_mail_seconds: float
    mail_retrying: int


def _age(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return 0.0
    if moment.tzinfo is None:  # SQLite hands back naive UTC through aggregates
        moment = moment.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - moment).total_seconds())


def read_figures() -> Figures:
    """Five small queries, each served by an index (status first), at scrape time."""
    now = utcnow()
    session = db.session
    by_status = dict(
        session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all()
    )
    oldest_comment = session.execute(
        select(func.min(Comment.created_at)).where(Comment.status == CommentStatus.PENDING)
    ).scalar()
    outbox = dict(
        session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    oldest_mail = session.execute(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == "pending")
    ).scalar()
    retrying = session.execute(
        select(func.count()).where(OutboxMessage.status == "pending", OutboxMessage.attempts > 0)
    ).scalar_one()
    session.rollback()
    return Figures(
        comments_by_status={status.value: int(by_status.get(status.value, 0))
                            for status in CommentStatus},
        oldest_pending_comment_seconds=_age(_as_datetime(oldest_comment), now),
        outbox_by_status={status: int(outbox.get(status, 0))
                          for status in ("pending", "sent", "failed", *outbox)},
        oldest_pending_mail_seconds=_age(_as_datetime(oldest_mail), now),
        mail_retrying=int(retrying),
    )


def _as_datetime(value: datetime | str | None) -> datetime | None:
    # min() over a column loses its type on SQLite and comes back as text.
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
