"""Moderators' decisions on comments and threads, one transaction each, every one on record."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from comments.database.engine import write_transaction
from comments.errors import Conflict, DomainError, Forbidden, Invalid
from comments.extensions import db
from comments.models import Comment, CommentStatus, Flag, ModerationEvent, Moderator, Site, Thread
from comments.models.types import utcnow
from comments.services import audit
from comments.services.discussion.rendering import render
from comments.services.discussion.status import change_status
from comments.services.discussion.threads import bump, comment_in_context, get_thread
from comments.services.sites import get_site

ACTIONS = ("approve", "reject", "spam", "delete", "restore", "pin", "unpin", "keep", "feature",
           "unfeature")
#: Statuses "keep" leaves a comment in, or brings it to: published.
KEEPABLE = (CommentStatus.APPROVED, CommentStatus.PENDING)
TARGETS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "spam": CommentStatus.SPAM,
    "delete": CommentStatus.DELETED,
}
MAX_BULK = 500


def actor_of(moderator: Moderator) -> str:
    """How a moderator appears in the audit log."""
    return f"moderator:{moderator.email}"


def load_comment(comment_id: int, moderator: Moderator) -> tuple[Comment, Thread, Site]:
    """A comment this moderator may act on, with its thread and site."""
    comment, thread, site = comment_in_context(comment_id)
    if not moderator.may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    return comment, thread, site


def act(comment_id: int, action: str, moderator: Moderator, note: str = "") -> Comment:
    """Apply one action to one comment, in its own transaction."""
    with write_transaction():
        return _act(comment_id, action, moderator, note)


def _act(comment_id: int, action: str, moderator: Moderator, note: str) -> Comment:
    if action not in ACTIONS:
        raise Invalid(errors={"action": [f"Must be one of {', '.join(ACTIONS)}."]})
    comment, thread, site = load_comment(comment_id, moderator)
    actor = actor_of(moderator)
    if action == "keep":
        if not comment.flag_count or comment.status not in KEEPABLE:
            raise Conflict("Only a flagged comment that is published or waiting can be kept.")
        change_status(comment, thread, site, CommentStatus.APPROVED, actor=actor,
                      moderator_id=moderator.id, note=note)
        _resolve_flags(comment, site, actor, moderator.id, note)
    elif action in TARGETS:
        target = TARGETS[action]
        change_status(comment, thread, site, target, actor=actor, moderator_id=moderator.id,
                      note=note)
        if action == "approve":
            _resolve_flags(comment, site, actor, moderator.id, note)
    elif action == "restore":
        if comment.status != CommentStatus.DELETED:
            raise Conflict("Only a deleted comment can be restored.")
        change_status(comment, thread, site, _status_before_deletion(comment), actor=actor,
                      moderator_id=moderator.id, note=note or "restored")
    elif action in ("feature", "unfeature"):
        from comments.services.identity import picks

        picks.set_featured(comment, thread, site, action == "feature", actor=actor,
                           moderator_id=moderator.id, note=note)
    else:
        pinned = action == "pin"
        if pinned and comment.status != CommentStatus.APPROVED:
            raise Conflict("Only a published comment can be pinned.")
        if comment.pinned != pinned:
            comment.pinned = pinned
            bump(thread)
            audit.record(action + "ned", actor=actor, site_id=site.id, comment=comment,
                         moderator_id=moderator.id, before={"pinned": not pinned},
                         after={"pinned": pinned}, note=note)
    db.session.flush()
    return comment


def _resolve_flags(comment: Comment, site: Site, actor: str, moderator_id: int,
                   note: str) -> None:
    """A moderator looked and kept the comment: open flags are settled, and that is recorded."""
    if comment.flag_count:
        flags = comment.flag_count
        db.session.execute(
            update(Flag).where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
            .values(resolved_at=utcnow())
        )
        comment.flag_count = 0
        audit.record("kept", actor=actor, site_id=site.id, comment=comment,
                     moderator_id=moderator_id, before={"flags": flags}, after={"flags": 0},
                     note=note or "flags dismissed")


def _status_before_deletion(comment: Comment) -> str:
    events = db.session.execute(
        select(ModerationEvent.before, ModerationEvent.after)
        .where(ModerationEvent.comment_id == comment.id)
        .order_by(ModerationEvent.id.desc()).limit(20)
    ).all()
    for before, after in events:
        if (after or {}).get("status") == CommentStatus.DELETED:
            previous = (before or {}).get("status")
            if previous in (CommentStatus.APPROVED, CommentStatus.PENDING,
                            CommentStatus.REJECTED, CommentStatus.SPAM):
                return str(previous)
    return CommentStatus.PENDING


@dataclass
class BulkResult:
    """Which ids were done and why the others failed."""

    done: list[int] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def bulk(ids: list[int], action: str, moderator: Moderator, note: str = "") -> BulkResult:
    """Apply one action to many comments in one transaction; each id succeeds or fails alone."""
    if action not in ACTIONS:
        raise Invalid(errors={"action": [f"Must be one of {', '.join(ACTIONS)}."]})
    if len(ids) > MAX_BULK:
        raise Invalid(errors={"ids": [f"At most {MAX_BULK} at once."]})
    result = BulkResult()
    with write_transaction():
        for comment_id in dict.fromkeys(ids):
            try:
                # Every check in _act comes before its first change, so a refusal leaves
                # nothing half done inside the shared transaction.
                _act(comment_id, action, moderator, note)
            except DomainError as error:
                result.failed[str(comment_id)] = error.code
            else:
                result.done.append(comment_id)
    return result


def set_closed(site_key: str, uri: str, closed: bool, moderator: Moderator) -> tuple[Site, Thread]:
    """Close a thread to new comments, or open it again."""
    with write_transaction():
        site = get_site(site_key)
        if not moderator.may_moderate(site.id):
            raise Forbidden("You do not moderate this site.")
        thread = get_thread(site, uri)
        if thread.closed != closed:
            thread.closed = closed
            bump(thread)
            audit.record("thread_closed" if closed else "thread_opened",
                         actor=actor_of(moderator), site_id=site.id, thread_id=thread.id,
                         moderator_id=moderator.id, before={"closed": not closed},
                         after={"closed": closed})
        db.session.flush()
        db.session.refresh(thread)
        return site, thread


def edit_text(comment_id: int, text: str, moderator: Moderator, note: str = "") -> Comment:
    """Change a comment's text (for example to remove an address); the old text is recorded."""
    if not text.strip():
        raise Invalid(errors={"text": ["Must not be blank."]})
    with write_transaction():
        comment, thread, site = load_comment(comment_id, moderator)
        if len(text) > site.settings.text_max_length:
            raise Invalid(errors={"text": [
                f"Longer than {site.settings.text_max_length} characters."]})
        if text == comment.text:
            return comment
        before = comment.text
        comment.text = text
        comment.html = render(text)
        comment.edited_at = utcnow()
        comment.version = comment.version + 1
        bump(thread)
        audit.record("edited", actor=actor_of(moderator), site_id=site.id, comment=comment,
                     moderator_id=moderator.id, before={"text": before[:4000]},
                     after={"text": text[:4000]}, note=note)
        db.session.flush()
        return comment
