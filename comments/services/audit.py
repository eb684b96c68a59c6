"""The audit log: one event for each decision, written inside its transaction, and read back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

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


@dataclass(frozen=True)
class EventFilter:
    """What a reader of the record asks for; None or "" means any."""

    site_ids: list[int] | None = None  # the sites the reader may see (None: every site)
    site_id: int | None = None
    moderator_id: int | None = None
    comment_id: int | None = None
    action: str = ""
    actor: str = ""
    before_id: int | None = None  # events older than this one (the next page)


def search_events(wanted: EventFilter, page_size: int) -> tuple[list[ModerationEvent], bool]:
    """A page of events, newest first, and whether there are more."""
    statement = select(ModerationEvent).order_by(ModerationEvent.id.desc())
    if wanted.site_ids is not None:
        statement = statement.where(ModerationEvent.site_id.in_(wanted.site_ids))
    if wanted.site_id is not None:
        statement = statement.where(ModerationEvent.site_id == wanted.site_id)
    if wanted.moderator_id is not None:
        statement = statement.where(ModerationEvent.moderator_id == wanted.moderator_id)
    if wanted.comment_id is not None:
        statement = statement.where(ModerationEvent.comment_id == wanted.comment_id)
    if wanted.action:
        statement = statement.where(ModerationEvent.action == wanted.action)
    if wanted.actor:
        statement = statement.where(or_(ModerationEvent.actor == wanted.actor,
                                        ModerationEvent.actor == f"moderator:{wanted.actor}"))
    if wanted.before_id is not None:
        statement = statement.where(ModerationEvent.id < wanted.before_id)
    events = list(db.session.execute(statement.limit(page_size + 1)).scalars())
    return events[:page_size], len(events) > page_size


def events_of_comment(comment_id: int, limit: int = 200) -> list[ModerationEvent]:
    """A comment's record, newest first."""
    return list(db.session.execute(
        select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)
        .order_by(ModerationEvent.id.desc()).limit(limit)
    ).scalars())
