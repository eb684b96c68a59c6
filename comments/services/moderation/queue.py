"""The moderation queue: comments by status and search, with flags and author histories.

A page is a constant number of queries: the page itself, its open flags, and the authors'
histories (by email hash, and by address hash for comments without an email).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select

from comments.errors import BadParameters, Forbidden
from comments.extensions import db
from comments.models import Comment, CommentStatus, Flag, Moderator, Site, Thread
from comments.services.sites import get_site

STATUSES = ("pending", "flagged", "approved", "spam", "rejected", "deleted")
OLDEST_FIRST = ("pending", "flagged")


@dataclass
class QueueItem:
    """One comment as a moderator sees it."""

    comment: Comment
    thread: Thread
    site: Site
    flags: dict[str, int] = field(default_factory=dict)
    history: dict[str, int] = field(default_factory=dict)
    parent: Comment | None = None  # the comment a reply answers, whatever its status


@dataclass
class QueuePage:
    """A page of the queue and the cursor of the next one."""

    items: list[QueueItem]
    next_cursor: str | None


def visible_site_ids(moderator: Moderator, site_key: str | None) -> list[int] | None:
    """The sites a listing may show (None: every site), or Forbidden for a foreign site."""
    if site_key:
        site = get_site(site_key)
        if not moderator.may_moderate(site.id):
            raise Forbidden("You do not moderate this site.")
        return [site.id]
    if moderator.all_sites:
        return None
    return [site.id for site in moderator.sites]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


MAX_ID = 2**31 - 1


def _statement(moderator: Moderator, status: str, site_key: str | None, uri: str | None,
               query: str | None) -> Any:
    if status not in STATUSES:
        raise BadParameters(errors={"status": [f"Must be one of {', '.join(STATUSES)}."]})
    statement: Any = (
        select(Comment, Thread, Site)
        .join(Thread, Thread.id == Comment.thread_id)
        .join(Site, Site.id == Thread.site_id)
    )
    site_ids = visible_site_ids(moderator, site_key)
    if site_ids is not None:
        statement = statement.where(Thread.site_id.in_(site_ids))
    if status == "flagged":
        statement = statement.where(
            Comment.flag_count > 0,
            Comment.status.in_((CommentStatus.APPROVED, CommentStatus.PENDING)),
        )
    else:
        statement = statement.where(Comment.status == status)
    if uri:
        statement = statement.where(Thread.uri == uri)
    if query and query.strip():
        pattern = like_pattern(query.strip()[:200].lower())
        statement = statement.where(or_(
            func.lower(Comment.text).like(pattern, escape="\\"),
            func.lower(Comment.author).like(pattern, escape="\\"),
            func.lower(Comment.email).like(pattern, escape="\\"),
            func.lower(Thread.uri).like(pattern, escape="\\"),
            func.lower(Thread.title).like(pattern, escape="\\"),
        ))
    return statement


def list_queue(moderator: Moderator, status: str = "pending", *, site_key: str | None = None,
               uri: str | None = None, query: str | None = None, after: str | None = None,
               limit: int = 50) -> QueuePage:
    """One page of comments in `status` that this moderator may see."""
    statement = _statement(moderator, status, site_key, uri, query)
    oldest_first = status in OLDEST_FIRST
    if after:
        try:
            last = int(after)
            if not 0 <= last <= MAX_ID:  # beyond the id column's range a database raises
                raise ValueError("out of range")
        except ValueError as error:
            raise BadParameters(errors={"after": ["Not a valid cursor."]}) from error
        statement = statement.where(Comment.id > last if oldest_first else Comment.id < last)
    statement = statement.order_by(Comment.id.asc() if oldest_first else Comment.id.desc())
    rows = db.session.execute(statement.limit(limit + 1)).all()
    more = len(rows) > limit
    items = [QueueItem(comment, thread, site) for comment, thread, site in rows[:limit]]
    _add_flags(items)
    _add_histories(items)
    _add_parents(items)
    next_cursor = str(items[-1].comment.id) if more and items else None
    return QueuePage(items, next_cursor)


def items_for(comments: list[tuple[Comment, Thread, Site]]) -> list[QueueItem]:
    """Queue items with flags and histories for comments loaded elsewhere."""
    items = [QueueItem(comment, thread, site) for comment, thread, site in comments]
    _add_flags(items)
    _add_histories(items)
    _add_parents(items)
    return items


def thread_items(site: Site, thread: Thread, limit: int) -> list[QueueItem]:
    """Every comment of one thread, whatever its status, as a tree: each reply under what it
    answers, siblings oldest first (at most `limit`, the oldest)."""
    comments = list(db.session.execute(
        select(Comment).where(Comment.thread_id == thread.id)
        .order_by(Comment.created_at, Comment.id).limit(limit)
    ).scalars())
    return items_for([(comment, thread, site) for comment in tree_order(comments)])


def tree_order(comments: list[Comment]) -> list[Comment]:
    """`comments` (oldest first) depth first: each one followed by its replies.

    A reply whose parent is not in the list (beyond the limit) starts a branch of its own.
    """
    present = {comment.id for comment in comments}
    children: dict[int | None, list[Comment]] = defaultdict(list)
    for comment in comments:
        parent = comment.parent_id if comment.parent_id in present else None
        children[parent].append(comment)
    ordered: list[Comment] = []
    stack = list(reversed(children[None]))
    while stack:
        comment = stack.pop()
        ordered.append(comment)
        stack.extend(reversed(children.get(comment.id, [])))
    return ordered


def _add_parents(items: list[QueueItem]) -> None:
    """The comments the replies answer, in one query."""
    ids = {item.comment.parent_id for item in items if item.comment.parent_id}
    if not ids:
        return
    parents = {comment.id: comment for comment in db.session.execute(
        select(Comment).where(Comment.id.in_(ids))).scalars()}
    for item in items:
        if item.comment.parent_id:
            item.parent = parents.get(item.comment.parent_id)


def _add_flags(items: list[QueueItem]) -> None:
    ids = [item.comment.id for item in items if item.comment.flag_count]
    if not ids:
        return
    rows = db.session.execute(
        select(Flag.comment_id, Flag.reason, func.count(Flag.id))
        .where(Flag.comment_id.in_(ids), Flag.resolved_at.is_(None))
        .group_by(Flag.comment_id, Flag.reason)
    ).all()
    by_comment: dict[int, dict[str, int]] = defaultdict(dict)
    for comment_id, reason, count in rows:
        by_comment[comment_id][reason] = int(count)
    for item in items:
        item.flags = by_comment.get(item.comment.id, {})


def _add_histories(items: list[QueueItem]) -> None:
    """Each author's comments by status on the same site, by email or else by address."""
    for column, key in ((Comment.email_hash, "email_hash"), (Comment.ip_hash, "ip_hash")):
        wanted = [item for item in items if getattr(item.comment, key)
                  and (key == "email_hash" or not item.comment.email_hash)]
        if not wanted:
            continue
        hashes = {getattr(item.comment, key) for item in wanted}
        site_ids = {item.site.id for item in wanted}
        rows = db.session.execute(
            select(Thread.site_id, column, Comment.status, func.count(Comment.id))
            .join(Thread, Thread.id == Comment.thread_id)
            .where(and_(column.in_(hashes), Thread.site_id.in_(site_ids)))
            .group_by(Thread.site_id, column, Comment.status)
        ).all()
        counts: dict[tuple[int, str | None], dict[str, int]] = defaultdict(dict)
        for site_id, value, status, count in rows:
            counts[(site_id, value)][status] = int(count)
        for item in wanted:
            item.history = counts.get((item.site.id, getattr(item.comment, key)), {})


def status_counts(moderator: Moderator, site_key: str | None = None) -> dict[str, int]:
    """How many comments wait in the queue and are flagged, for the navigation badges."""
    site_ids = visible_site_ids(moderator, site_key)
    base = select(func.count(Comment.id)).join(Thread, Thread.id == Comment.thread_id)
    if site_ids is not None:
        base = base.where(Thread.site_id.in_(site_ids))
    pending = db.session.execute(base.where(Comment.status == CommentStatus.PENDING)).scalar_one()
    flagged = db.session.execute(base.where(
        Comment.flag_count > 0,
        Comment.status.in_((CommentStatus.APPROVED, CommentStatus.PENDING)),
    )).scalar_one()
    return {"pending": int(pending), "flagged": int(flagged)}
