"""Figures about sharing for the moderators' dashboard: shares and clicks per article and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from comments.extensions import db
from comments.models import Share, Thread
from comments.models.types import utcnow


@dataclass(frozen=True)
class ArticleShares:
    """One article's sharing: links made, mails sent, and clicks on both."""

    uri: str
    title: str
    shares: int
    email_shares: int
    clicks: int


def shares_by_article(site_id: int, since: datetime | None = None,
                      limit: int = 50) -> list[ArticleShares]:
    """The most shared articles of a site since `since` (default: 30 days), most shared first."""
    since = since or utcnow() - timedelta(days=30)
    total = func.count(Share.id)
    rows = db.session.execute(
        select(Thread.uri, Thread.title, total,
               func.sum(case((Share.kind == "email", 1), else_=0)),
               func.coalesce(func.sum(Share.clicks), 0))
        .join(Thread, Thread.id == Share.thread_id)
        .where(Share.site_id == site_id, Share.created_at >= since)
        .group_by(Thread.id, Thread.uri, Thread.title)
        .order_by(total.desc(), Thread.uri)
        .limit(limit)
    ).all()
    return [ArticleShares(uri, title, int(n), int(mails or 0), int(clicks or 0))
            for uri, title, n, mails, clicks in rows]


def shares_per_day(site_id: int, days: int = 30) -> list[tuple[date, int, int]]:
    """(day, shares, of which by email) for each of the last `days` days, oldest first."""
    start = (utcnow() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    rows = db.session.execute(
        select(Share.created_at, Share.kind).where(Share.site_id == site_id,
                                                   Share.created_at >= start)
    ).all()
    counts: dict[date, list[int]] = {
        (start + timedelta(days=offset)).date(): [0, 0] for offset in range(days)
    }
    for created_at, kind in rows:
        bucket = counts.setdefault(created_at.date(), [0, 0])
        bucket[0] += 1
        bucket[1] += kind == "email"
    return [(day, total, mails) for day, (total, mails) in sorted(counts.items())]
