"""Threads: find one, create it on the first comment, close and reopen it."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select

from comments.database.sql import insert_ignoring_conflicts
from comments.errors import CommentNotFound, NotFound
from comments.extensions import db
from comments.models import Comment, Site, Thread
from comments.models.types import utcnow


def find_thread(site: Site, uri: str) -> Thread | None:
    """The thread of the article at `uri`, if anyone has commented there."""
    return db.session.execute(
        select(Thread).where(Thread.site_id == site.id, Thread.uri == uri)
    ).scalar_one_or_none()


def get_thread(site: Site, uri: str) -> Thread:
    """The thread at `uri`, or NotFound."""
    thread = find_thread(site, uri)
    if thread is None:
        raise NotFound("No comments thread at this path.")
    return thread


def ensure_thread(site: Site, uri: str, title: str = "", *, source: str = "import",
                  **facts: Any) -> Thread:
    """The thread at `uri`, created now (safely under concurrency) if it is new.

    `title` is publisher-known text (an import, the site's page, the publisher's API), kept
    with its `source`; a reader's title is never passed here (see services/articles/).
    `facts` are further columns for a new row (title_hint, facts_checked_at, facts_status).
    """
    title = " ".join(title.split())[:500]
    thread = find_thread(site, uri)
    if thread is None:
        insert_ignoring_conflicts(
            Thread,
            {"site_id": site.id, "uri": uri, "title": title, "created_at": utcnow(),
             "count": 0, "pending_count": 0, "version": 1, "closed": False,
             "title_source": source if title else "", "title_hint": "", **facts},
            ["site_id", "uri"],
        )
        thread = find_thread(site, uri)
        assert thread is not None
    elif title and not thread.title:
        thread.title = title
        thread.title_source = source
    return thread


def comment_in_context(comment_id: int, status: str | None = None) -> tuple[Comment, Thread, Site]:
    """A comment (optionally only in `status`) with its thread and site, or CommentNotFound."""
    statement = (
        select(Comment, Thread, Site)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Site, Site.id == Thread.site_id)
        .where(Comment.id == comment_id)
    )
    if status is not None:
        statement = statement.where(Comment.status == status)
    row = db.session.execute(statement).first()
    if row is None:
        raise CommentNotFound()
    return row[0], row[1], row[2]


def site_of_comment(comment_id: int) -> Site | None:
    """The site a comment belongs to, if the comment exists."""
    return db.session.execute(
        select(Site).join(Thread, Thread.site_id == Site.id)
        .join(Comment, Comment.thread_id == Thread.id).where(Comment.id == comment_id)
    ).scalar_one_or_none()


def is_closed(site: Site, thread: Thread) -> bool:
    """Whether new comments are refused: closed by a moderator, or older than the site allows."""
    return closed_now(thread.closed, thread.created_at, site.settings.close_after_days)


def closed_now(closed: bool, created_at: datetime, close_after_days: int | None) -> bool:
    """Closed by a moderator, or created more than `close_after_days` ago (None or 0: never)."""
    if closed:
        return True
    if close_after_days is None or close_after_days <= 0:
        return False
    return created_at < utcnow() - timedelta(days=close_after_days)


def bump(thread: Thread) -> None:
    """Mark a visible change so that ETags and caches see a new version."""
    thread.version = plus("version", 1)


@cache
def plus(column: str, delta: int) -> Any:
    """`threads.<column> + delta`, for an UPDATE that adds in the database; built once per
    column and delta (an expression is immutable; composing it cost a post more than its use)."""
    return getattr(Thread, column) + delta
