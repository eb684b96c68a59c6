"""Reading threads: a page of top-level comments with all their replies in three queries.

The read path is the hot path of the whole service, so it runs Core statements built once per
shape (not ORM entities) and works on plain rows: loading a hundred ORM objects cost more than
everything else a read does together.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, cast, exists, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import aliased

from comments.errors import BadParameters, SiteNotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Thread
from comments.services.sql import keyset_after

HIDDEN_UNLESS_REPLIED = (
    CommentStatus.DELETED, CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM,
)


@dataclass(slots=True)
class Node:
    """A comment in a thread page with its visible replies."""

    comment: Row[Any]  # the columns of PAGE_COLUMNS, read like a Comment
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


@cache
def _head_statement() -> Any:
    # One query whether or not the thread exists yet (an outer join). A select, not text():
    # its result metadata is compiled once and reused, which text() would rebuild every call.
    return (
        select(Site.id.label("site_id"), Site.key, Site.name, Site.base_url,
               Site.allowed_origins, Site.settings_data.label("settings"), Site.mail_from,
               Site.created_at.label("site_created_at"), Thread.id.label("thread_id"),
               Thread.title, Thread.closed, Thread.count, Thread.pending_count, Thread.version,
               Thread.created_at, Thread.last_comment_at)
        .select_from(Site)
        .outerjoin(Thread, and_(Thread.site_id == Site.id, Thread.uri == bindparam("uri")))
        .where(Site.key == bindparam("site"))
    )


def load_thread(site_key: str, uri: str) -> tuple[Site, Thread | None]:
    """The site and, if it exists, the thread at `uri`, in one query.

    Both come back detached and read-only (built from the row, not tracked by the session):
    callers read them, they never change them.
    """
    row = db.session.connection().execute(_head_statement(), {"site": site_key, "uri": uri}).first()
    if row is None:
        raise SiteNotFound()
    site = Site(id=row.site_id, key=row.key, name=row.name, base_url=row.base_url,
                allowed_origins=row.allowed_origins, settings_data=row.settings,
                mail_from=row.mail_from, created_at=row.site_created_at)
    if row.thread_id is None:
        return site, None
    thread = Thread(id=row.thread_id, site_id=row.site_id, uri=uri, title=row.title,
                    closed=row.closed, count=row.count, pending_count=row.pending_count,
                    version=row.version, created_at=row.created_at,
                    last_comment_at=row.last_comment_at)
    return site, thread


def _order(sort: str) -> list[tuple[Any, bool]]:
    pinned = cast(Comment.pinned, Integer)  # pinned comments first, on every sort
    if sort == "newest":
        return [(pinned, True), (Comment.created_at, True), (Comment.id, True)]
    if sort == "top":
        return [(pinned, True), (Comment.likes - Comment.dislikes, True),
                (Comment.created_at, False), (Comment.id, False)]
    return [(pinned, True), (Comment.created_at, False), (Comment.id, False)]


def _cursor_values(comment: Any, sort: str) -> list[Any]:
    created = comment.created_at.isoformat()
    if sort == "top":
        return [int(comment.pinned), comment.score, created, comment.id]
    return [int(comment.pinned), created, comment.id]


def encode_cursor(comment: Any, sort: str) -> str:
    """An opaque cursor that resumes the listing right after `comment`."""
    raw = json.dumps([sort, *_cursor_values(comment, sort)], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


CURSOR_INT_MAX = 2**31 - 1


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
        if values[-2].tzinfo is not None:
            values[-2] = values[-2].astimezone(UTC)  # OverflowError near the ends of time
        if not isinstance(values[-1], int) or (sort == "top" and not isinstance(values[1], int)):
            raise ValueError("wrong types")
        # Beyond the integer columns' range a database raises instead of comparing.
        if not all(-CURSOR_INT_MAX <= value <= CURSOR_INT_MAX
                   for value in values if isinstance(value, int)):
            raise ValueError("out of range")
    except (ValueError, TypeError, IndexError, OverflowError, binascii.Error,
            UnicodeDecodeError) as error:
        raise BadParameters(errors={"after": ["Not a valid cursor."]}) from error
    return values


Reply = aliased(Comment, name="reply")

# What a public read shows of a comment, and what sorting and pruning need
# (web/present.py unpacks rows in exactly this order).
PAGE_COLUMNS = (
    Comment.id, Comment.parent_id, Comment.depth, Comment.author, Comment.website,
    Comment.avatar_seed, Comment.html, Comment.status, Comment.pinned, Comment.likes,
    Comment.dislikes, (Comment.likes - Comment.dislikes).label("score"), Comment.created_at,
    Comment.edited_at,
)


@cache
def _page_statement(sort: str, resuming: bool) -> Any:
    """The top-level comments of one page; built once per shape, values bound per call."""
    order = _order(sort)
    has_visible_reply = exists().where(
        and_(Reply.root_id == Comment.id, Reply.status == CommentStatus.APPROVED)
    )
    statement = select(*PAGE_COLUMNS).where(
        Comment.thread_id == bindparam("thread_id"),
        Comment.parent_id.is_(None),
        or_(Comment.status == CommentStatus.APPROVED,
            and_(Comment.status.in_(HIDDEN_UNLESS_REPLIED), has_visible_reply)),
    )
    if resuming:
        bound = [bindparam(f"after_{index}", type_=column.type)
                 for index, (column, _) in enumerate(order)]
        statement = statement.where(keyset_after(order, bound))
    return statement.order_by(
        *[column.desc() if descending else column.asc() for column, descending in order]
    ).limit(bindparam("limit"))


@cache
def _descendants_statement() -> Any:
    return (select(*PAGE_COLUMNS)
            .where(Comment.root_id.in_(bindparam("roots", expanding=True)))
            .order_by(Comment.created_at, Comment.id))


def thread_page(thread: Thread, sort: str, limit: int, after: str | None) -> ThreadPage:
    """Top-level comments of one page and every reply below them (two queries)."""
    params: dict[str, Any] = {"thread_id": thread.id, "limit": limit + 1}
    if after:
        for index, value in enumerate(decode_cursor(after, sort)):
            params[f"after_{index}"] = value
    connection = db.session.connection()
    tops = list(connection.execute(_page_statement(sort, bool(after)), params))
    more = len(tops) > limit
    tops = tops[:limit]
    nodes = _with_replies(tops)
    next_cursor = encode_cursor(tops[-1], sort) if more and tops else None
    return ThreadPage(nodes, next_cursor)


def _with_replies(tops: list[Row[Any]]) -> list[Node]:
    if not tops:
        return []
    descendants = db.session.connection().execute(
        _descendants_statement(), {"roots": [c.id for c in tops]}
    )
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


@cache
def _site_statement() -> Any:
    return select(Site.id, Site.key, Site.name, Site.base_url, Site.allowed_origins,
                  Site.settings_data.label("settings"), Site.mail_from, Site.created_at).where(
        Site.key == bindparam("site"))


def load_site(site_key: str) -> Site:
    """The site with this key, detached and read-only, or SiteNotFound (one Core query)."""
    row = db.session.connection().execute(_site_statement(), {"site": site_key}).first()
    if row is None:
        raise SiteNotFound()
    return Site(id=row.id, key=row.key, name=row.name, base_url=row.base_url,
                allowed_origins=row.allowed_origins, settings_data=row.settings,
                mail_from=row.mail_from, created_at=row.created_at)


@cache
def _counts_statement() -> Any:
    return select(Thread.uri, Thread.count).where(
        Thread.site_id == bindparam("site_id"), Thread.uri.in_(bindparam("uris", expanding=True))
    )


def counts(site: Site, uris: list[str]) -> dict[str, int]:
    """Visible comment counts for up to 100 article paths of a site, 0 where none."""
    rows = db.session.connection().execute(
        _counts_statement(), {"site_id": site.id, "uris": uris}
    ).all()
    found = {uri: count for uri, count in rows}
    return {uri: int(found.get(uri, 0)) for uri in uris}
