"""The figures on the moderators' dashboard: activity per day, the queue's age, busy threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from comments.extensions import db
from comments.models import Comment, CommentStatus, ModerationEvent, Share, Site, Thread
from comments.models.types import utcnow


@dataclass
class Series:
    """Counts per day, oldest day first, every day present (zeros included)."""

    label: str
    days: list[date]
    values: list[int]

    @property
    def total(self) -> int:
        """The sum over the period."""
        return sum(self.values)


@dataclass
class Dashboard:
    """Everything the dashboard shows for a set of sites over a period."""

    days: int
    comments: Series
    held: Series
    shares: Series
    pending: int
    oldest_pending_at: datetime | None
    busiest: list[tuple[Thread, Site, int]]


def _day(column: Any) -> Any:
    """The UTC calendar day of a timestamp column, the same on both databases."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _series(label: str, statement: Any, column: Any, since: datetime, days: list[date]) -> Series:
    day = _day(column)
    rows = db.session.execute(
        statement.where(column >= since).add_columns(day).group_by(day)
    ).all()
    found = {_as_date(row[-1]): int(row[0]) for row in rows}
    return Series(label, days, [found.get(d, 0) for d in days])


def build(site_ids: list[int] | None, days: int = 30) -> Dashboard:
    """The dashboard of these sites (None: every site) over the last `days` days."""
    days = max(1, min(days, 365))
    today = utcnow().date()
    period = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    since = datetime.combine(period[0], datetime.min.time()).replace(tzinfo=utcnow().tzinfo)

    comments = select(func.count(Comment.id)).join(Thread, Thread.id == Comment.thread_id)
    held = select(func.count(ModerationEvent.id)).where(ModerationEvent.action == "held")
    shares = select(func.count(Share.id))
    if site_ids is not None:
        comments = comments.where(Thread.site_id.in_(site_ids))
        held = held.where(ModerationEvent.site_id.in_(site_ids))
        shares = shares.where(Share.site_id.in_(site_ids))

    pending_row = db.session.execute(
        select(func.count(Comment.id), func.min(Comment.created_at))
        .join(Thread, Thread.id == Comment.thread_id)
        .where(Comment.status == CommentStatus.PENDING,
               *([Thread.site_id.in_(site_ids)] if site_ids is not None else []))
    ).one()

    recent = func.count(Comment.id)
    busiest_query = (
        select(Thread, Site, recent)
        .join(Comment, Comment.thread_id == Thread.id)
        .join(Site, Site.id == Thread.site_id)
        .where(Comment.created_at >= utcnow() - timedelta(days=7))
        .group_by(Thread.id, Site.id)
        .order_by(recent.desc(), Thread.id)
        .limit(10)
    )
    if site_ids is not None:
        busiest_query = busiest_query.where(Thread.site_id.in_(site_ids))

    oldest = pending_row[1]
    return Dashboard(
        days=days,
        comments=_series("Comments", comments, Comment.created_at, since, period),
        held=_series("Held for review", held, ModerationEvent.created_at, since, period),
        shares=_series("Shares", shares, Share.created_at, since, period),
        pending=int(pending_row[0]),
        oldest_pending_at=oldest,
        busiest=[(thread, site, int(count)) for thread, site, count in
                 db.session.execute(busiest_query).all()],
    )
