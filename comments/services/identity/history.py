"""What moderators see of a signed-in reader: who they are and every comment they wrote."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from comments.errors import Forbidden, NotFound
from comments.extensions import db
from comments.models import Comment, Moderator, Reader, Site, Thread


@dataclass
class ReaderHistory:
    """A reader and their comments across the site's threads, newest first."""

    reader: Reader
    site: Site
    comments: list[tuple[Comment, Thread, Site]]


def reader_history(reader_id: int, moderator: Moderator, limit: int = 200) -> ReaderHistory:
    """The reader's comments on every thread, for a moderator of the reader's site."""
    reader = db.session.get(Reader, reader_id)
    if reader is None:
        raise NotFound("No such reader.")
    if not moderator.may_moderate(reader.site_id):
        raise Forbidden("You do not moderate this site.")
    site = db.session.get(Site, reader.site_id)
    assert site is not None
    rows = db.session.execute(
        select(Comment, Thread).join(Thread, Thread.id == Comment.thread_id)
        .where(Comment.reader_id == reader.id)
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    ).all()
    return ReaderHistory(reader, site, [(comment, thread, site) for comment, thread in rows])
