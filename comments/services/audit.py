"""Writing the audit log: one event for each decision, inside the decision's transaction."""

from __future__ import annotations

from typing import Any

from comments.extensions import db
from comments.models import Comment, ModerationEvent


def record(action: str, *, actor: str, site_id: int | None, comment: Comment | None = None,
           thread_id: int | None = None, moderator_id: int | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
           note: str = "") -> ModerationEvent:
    """Add an audit event to the current transaction."""
    event = ModerationEvent(
        action=action,
        actor=actor[:200],
        site_id=site_id,
        comment_id=comment.id if comment is not None else None,
        thread_id=thread_id if thread_id is not None else (comment.thread_id if comment else None),
        moderator_id=moderator_id,
        before=before,
        after=after,
        note=note[:500],
    )
    db.session.add(event)
    return event
