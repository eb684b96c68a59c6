"""Figures about sharing for the moderators' dashboard: shares and clicks per article and day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from comments.extensions import db
from comments.models import Share, Site, Thread
from comments.models.types import utcnow


@dataclass(frozen=True)
class ArticleShares:
    """One article's sharing: links made, mails sent, and clicks on both."""

    site_key: str
    uri: str
    title: str
    shares: int
    email_shares: int
    clicks: int


def _sites(site_ids: int | list[int] | None) -> list[int] | None:
    return [site_ids] if isinstance(site_ids, int) else site_ids


def shares_by_article(site_ids: int | list[int] | None, since: datetime | None = None,
                      limit: int = 50) -> list[ArticleShares]:
    """The most shared articles of these sites (None: all) since `since` (default 30 days)."""
    since = since or utcnow() - timedelta(days=30)
    total = func.count(Share.id)
    query = (
        select(Site.key, Thread.uri, Thread.title, total,
               func.sum(case((Share.kind == "email", 1), else_=0)),
               func.coalesce(func.sum(Share.clicks), 0))
        .join(Thread, Thread.id == Share.thread_id)
        .join(Site, Site.id == Share.site_id)
        .where(Share.created_at >= since)
        .group_by(Site.key, Thread.id, Thread.uri, Thread.title)
        .order_by(total.desc(), Site.key, Thread.uri)
        .limit(limit)
    )
    sites = _sites(site_ids)
    if sites is not None:
        query = query.where(Share.site_id.in_(sites))
    return [ArticleShares(key, uri, title, int(n), int(mails or 0), int(clicks or 0))
            for key, uri, title, n, mails, clicks in db.session.execute(query).all()]


def shares_per_day(site_ids: int | list[int] | None,
                   days: int = 30) -> list[tuple[date, int, int]]:
    """(day, shares, of which by email) for each of the last `days` days, oldest first."""
    start = (utcnow() - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)
    query = select(Share.created_at, Share.kind).where(Share.created_at >= start)
    sites = _sites(site_ids)
    if sites is not None:
        query = query.where(Share.site_id.in_(sites))
    rows = db.session.execute(query).all()
    counts: dict[date, list[int]] = {
        (start + timedelta(days=offset)).date(): [0, 0] for offset in range(days)
    }
    for created_at, kind in rows:
        bucket = counts.setdefault(created_at.date(), [0, 0])
        bucket[0] += 1
        bucket[1] += kind == "email"
    return [(day, total, mails) for day, (total, mails) in sorted(counts.items())]
