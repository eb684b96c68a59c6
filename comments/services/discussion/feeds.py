"""Atom feeds' entries: the newest visible comments of one article, or of a whole site."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.services.discussion import reading
from comments.services.sites import get_site

FEED_SIZE = 50


@dataclass
class Feed:
    """What an Atom feed shows: its site, and entries newest first."""

    site: Site
    thread: Thread | None
    entries: list[tuple[Comment, Thread]]


def thread_feed(site_key: str, uri: str) -> Feed:
    """The newest visible comments of the article at `uri` (none yet: no entries)."""
    site, thread = reading.load_thread(site_key, uri)
    entries: list[tuple[Comment, Thread]] = []
    if thread is not None:
        rows = db.session.execute(
            select(Comment).where(Comment.thread_id == thread.id,
                                  Comment.status == CommentStatus.APPROVED)
            .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(FEED_SIZE)
        ).scalars()
        entries = [(comment, thread) for comment in rows]
    return Feed(site, thread, entries)


def site_feed(site_key: str) -> Feed:
    """The newest visible comments across the site."""
    site = get_site(site_key)
    rows = db.session.execute(
        select(Comment, Thread).join(Thread, Thread.id == Comment.thread_id)
        .where(Thread.site_id == site.id, Comment.status == CommentStatus.APPROVED)
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(FEED_SIZE)
    ).all()
    return Feed(site, None, [(comment, thread) for comment, thread in rows])
