"""Status changes of a comment, keeping the thread's counts and version exact."""

from __future__ import annotations

from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.models.types import utcnow
from comments.services import audit
from comments.services.discussion.threads import bump, plus
from comments.signals import comment_status_changed

#: Statuses no reader ever sees a trace of (a deleted comment may stay as a placeholder).
UNSEEN = (CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM)


def change_status(comment: Comment, thread: Thread, site: Site, new_status: str, *,
                  actor: str, moderator_id: int | None = None, note: str = "",
                  reasons: list[str] | None = None) -> bool:
    """Move `comment` to `new_status` in the current transaction; False when nothing changed."""
    old_status = comment.status
    if old_status == new_status:
        return False
    shift_counts(thread, old_status, -1)
    shift_counts(thread, new_status, +1)
    comment.status = new_status
    comment.status_changed_at = utcnow()
    if reasons is not None:
        comment.reasons = reasons
    if not (old_status in UNSEEN and new_status in UNSEEN):
        bump(thread)  # a change between two unseen states changes nothing a reader sees
    audit.record(
        new_status if new_status != CommentStatus.APPROVED else "approved",
        actor=actor,
        site_id=site.id,
        comment=comment,
        moderator_id=moderator_id,
        before={"status": old_status},
        after={"status": new_status},
        note=note,
    )
    db.session.flush()
    comment_status_changed.send(
        comment, thread=thread, site=site, before=old_status, after=new_status, actor=actor
    )
    return True


def shift_counts(thread: Thread, status: str, delta: int) -> None:
    """Add `delta` to the counter that tracks comments in `status`, if there is one."""
    if status == CommentStatus.APPROVED:
        thread.count = plus("count", delta)
    elif status == CommentStatus.PENDING:
        thread.pending_count = plus("pending_count", delta)
