"""Reading threads: a page of top-level comments with all their replies in three queries."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, cast, exists, or_, select
from sqlalchemy.orm import aliased

from comments.errors import BadParameters, SiteNotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.services.sql import keyset_after

HIDDEN_UNLESS_REPLIED = (
    CommentStatus.DELETED, CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM,
)


@dataclass
class Node:
    """A comment in a thread page with its visible replies."""

    comment: Comment
    replies: list[Node] = field(default_factory=list)
    reply_count: int = 0  # visible comments anywhere below this one

    @property
    def visible(self) -> bool:
        """Whether the comment's own content is public."""
        return self.comment.status == CommentStatus.APPROVED


@dataclass
class ThreadPage:
    """One page of a thread: its top-level comments (with replies) and the next cursor."""

    nodes: list[Node]
    next_cursor: str | None


def load_thread(site_key: str, uri: str) -> tuple[Site, Thread | None]:
    """The site and, if it exists, the thread at `uri`, in one query when it does."""
    row = db.session.execute(
        select(Thread, Site)
        .join(Site, Site.id == Thread.site_id)
        .where(Site.key == site_key, Thread.uri == uri)
    ).first()
    if row is not None:
        return row[1], row[0]
    site = db.session.execute(select(Site).where(Site.key == site_key)).scalar_one_or_none()
    if site is None:
        raise SiteNotFound()
    return site, None


def _order(sort: str) -> list[tuple[Any, bool]]:
    pinned = cast(Comment.pinned, Integer)  # pinned comments first, on every sort
    if sort == "newest":
        return [(pinned, True), (Comment.created_at, True), (Comment.id, True)]
    if sort == "top":
        return [(pinned, True), (Comment.likes - Comment.dislikes, True),
                (Comment.created_at, False), (Comment.id, False)]
    return [(pinned, True), (Comment.created_at, False), (Comment.id, False)]


def _cursor_values(comment: Comment, sort: str) -> list[Any]:
    created = comment.created_at.isoformat()
    if sort == "top":
        return [int(comment.pinned), comment.score, created, comment.id]
    return [int(comment.pinned), created, comment.id]


def encode_cursor(comment: Comment, sort: str) -> str:
    """An opaque cursor that resumes the listing right after `comment`."""
    raw = json.dumps([sort, *_cursor_values(comment, sort)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """The sort values inside a cursor, or BadParameters when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or values[0] != sort:
            raise ValueError("cursor for another sort")
        values = values[1:]
        expected = 4 if sort == "top" else 3
        if len(values) != expected or values[0] not in (0, 1) or isinstance(values[0], bool):
            raise ValueError("wrong shape")
        values[-2] = datetime.fromisoformat(values[-2])
        if not isinstance(values[-1], int) or (sort == "top" and not isinstance(values[1], int)):
            raise ValueError("wrong types")
    except (ValueError, TypeError, IndexError, binascii.Error, UnicodeDecodeError) as error:
        raise BadParameters(errors={"after": ["Not a valid cursor."]}) from error
    return values


def thread_page(thread: Thread, sort: str, limit: int, after: str | None) -> ThreadPage:
    """Top-level comments of one page and every reply below them (two queries)."""
    order = _order(sort)
    has_visible_reply = exists().where(
        and_(Reply.root_id == Comment.id, Reply.status == CommentStatus.APPROVED)
    )
    statement = select(Comment).where(
        Comment.thread_id == thread.id,
        Comment.parent_id.is_(None),
        or_(Comment.status == CommentStatus.APPROVED,
            and_(Comment.status.in_(HIDDEN_UNLESS_REPLIED), has_visible_reply)),
    )
    if after:
        statement = statement.where(keyset_after(order, decode_cursor(after, sort)))
    statement = statement.order_by(
        *[column.desc() if descending else column.asc() for column, descending in order]
    ).limit(limit + 1)
    tops = list(db.session.execute(statement).scalars())
    more = len(tops) > limit
    tops = tops[:limit]
    nodes = _with_replies(tops)
    next_cursor = encode_cursor(tops[-1], sort) if more and tops else None
    return ThreadPage(nodes, next_cursor)


Reply = aliased(Comment, name="reply")


def _with_replies(tops: list[Comment]) -> list[Node]:
    if not tops:
        return []
    descendants = db.session.execute(
        select(Comment)
        .where(Comment.root_id.in_([c.id for c in tops]))
        .order_by(Comment.created_at, Comment.id)
    ).scalars()
    nodes = {c.id: Node(c) for c in tops}
    ordered: list[Node] = []
    for comment in descendants:
        node = Node(comment)
        nodes[comment.id] = node
        ordered.append(node)
    for node in ordered:
        parent = nodes.get(node.comment.parent_id or 0)
        if parent is not None:
            parent.replies.append(node)
    roots = [nodes[c.id] for c in tops]
    for root in roots:
        _prune(root)
    return roots


def _prune(root: Node) -> None:
    """Drop replies that are neither visible nor above a visible one; count visible below.

    Iterative, because replies may nest to any depth in imported or old data.
    """
    order: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.replies)
    for node in reversed(order):  # children before their parents
        kept = [reply for reply in node.replies if reply.visible or reply.reply_count]
        node.replies = kept
        node.reply_count = sum(reply.reply_count + (1 if reply.visible else 0) for reply in kept)


def counts(site: Site, uris: list[str]) -> dict[str, int]:
    """Visible comment counts for up to 100 article paths of a site, 0 where none."""
    rows = db.session.execute(
        select(Thread.uri, Thread.count).where(Thread.site_id == site.id, Thread.uri.in_(uris))
    ).all()
    found = {uri: count for uri, count in rows}
    return {uri: int(found.get(uri, 0)) for uri in uris}
