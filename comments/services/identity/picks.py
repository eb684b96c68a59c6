"""Editors' picks: moderators feature a published comment; the thread keeps their count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from comments.errors import Conflict
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.services import audit
from comments.services.discussion.threads import bump


def set_featured(comment: Comment, thread: Thread, site: Site, featured: bool, *, actor: str,
                 moderator_id: int | None, note: str = "") -> None:
    """Feature or unfeature a comment in the caller's transaction (only published ones)."""
    if featured and comment.status != CommentStatus.APPROVED:
        raise Conflict("Only a published comment can be an editors' pick.")
    if comment.featured == featured:
        return
    comment.featured = featured
    db.session.flush()
    recount(thread)
    audit.record("featured" if featured else "unfeatured", actor=actor, site_id=site.id,
                 comment=comment, moderator_id=moderator_id, before={"featured": not featured},
                 after={"featured": featured}, note=note)


def recount(thread: Thread) -> None:
    """The thread's count of published editors' picks, counted again."""
    thread.featured_count = int(db.session.execute(
        select(func.count(Comment.id)).where(Comment.thread_id == thread.id,
                                             Comment.featured.is_(True),
                                             Comment.status == CommentStatus.APPROVED)
    ).scalar_one())
    bump(thread)


def on_status_changed(comment: Comment, *, thread: Thread, **_: Any) -> None:
    """A pick that is hidden (or shown again) changes the thread's count of picks."""
    if comment.featured:
        db.session.flush()
        recount(thread)
