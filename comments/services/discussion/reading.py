"""Reading threads: a page of top-level comments with all their replies in one statement.

The read path is the hot path of the whole service, so it runs Core statements built once per
shape (not ORM entities) and works on plain rows: loading a hundred ORM objects cost more than
everything else a read does together.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

import orjson
from sqlalchemy import (
    Integer,
    String,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased

from comments.database.sql import keyset_after
from comments.errors import BadParameters, SiteNotFound
from comments.extensions import db
from comments.fast_lane import driver_reads
from comments.models import Comment, CommentStatus, Site, Thread
from comments.models.site import SiteSettings
from comments.services.discussion.threads import closed_now

HIDDEN_UNLESS_REPLIED = (
    CommentStatus.DELETED, CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.SPAM,
)


@dataclass(slots=True)
class Node:
    """A comment in a thread page with its visible replies."""

    comment: Any  # a PageRow: the columns of PAGE_COLUMNS, read like a Comment
    replies: list[Node] = field(default_factory=list)
    reply_count: int = 0  # visible comments anywhere below this one

    @property
    def visible(self) -> bool:
        """Whether the comment's own content is public."""
        return bool(self.comment.status == CommentStatus.APPROVED)


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
               Thread.created_at, Thread.last_comment_at, Thread.featured_count)
        .select_from(Site)
        .outerjoin(Thread, and_(Thread.site_id == Site.id, Thread.uri == bindparam("uri")))
        .where(Site.key == bindparam("site"))
    )


@dataclass(frozen=True, slots=True)
class ThreadHead:
    """A site and its thread at one path, as read in one row: all an ETag check needs.

    Building the ORM objects costs more than the query itself, so they are made only when a
    read goes on past the ETag (`site()`, `thread()`).
    """

    uri: str
    site_id: int
    site_key: str
    site_name: str
    base_url: str
    allowed_origins: list[str]
    settings: dict[str, Any]
    mail_from: str | None
    site_created_at: datetime
    thread_id: int | None
    title: str | None
    closed: bool | None
    count: int | None
    pending_count: int | None
    version: int | None
    created_at: datetime | None
    last_comment_at: datetime | None
    featured_count: int | None = None

    def site(self) -> Site:
        """The site, detached and read-only."""
        return Site(id=self.site_id, key=self.site_key, name=self.site_name,
                    base_url=self.base_url, allowed_origins=self.allowed_origins,
                    settings_data=self.settings, mail_from=self.mail_from,
                    created_at=self.site_created_at)

    def thread(self) -> Thread | None:
        """The thread, detached and read-only, or None when nobody has commented yet."""
        if self.thread_id is None:
            return None
        return Thread(id=self.thread_id, site_id=self.site_id, uri=self.uri, title=self.title,
                      closed=self.closed, count=self.count, pending_count=self.pending_count,
                      version=self.version, created_at=self.created_at,
                      last_comment_at=self.last_comment_at,
                      featured_count=self.featured_count or 0)

    def is_closed(self) -> bool:
        """threads.is_closed, from the row."""
        if self.thread_id is None or self.created_at is None:
            return False
        days = self.settings.get("close_after_days", SiteSettings.close_after_days)
        return closed_now(bool(self.closed), self.created_at, days)


def thread_head(site_key: str, uri: str, engine: Engine | None = None) -> ThreadHead:
    """The site and the thread at `uri` (if any) in one query on the driver's cursor."""
    row = driver_reads.fetch_one(_head_statement(), {"site": site_key, "uri": uri}, engine)
    if row is None:
        raise SiteNotFound()
    head = ThreadHead(uri, *row)
    if head.thread_id is not None and head.version == 1 and not head.count and not head.closed:
        # Nothing visible ever happened here: the row exists only because a held comment
        # arrived. It reads as no thread at all (body and ETag), or readers could tell.
        head = replace(head, thread_id=None, title=None, closed=None, count=None,
                       pending_count=None, version=None, created_at=None, last_comment_at=None)
    return head


def load_thread(site_key: str, uri: str) -> tuple[Site, Thread | None]:
    """The site and, if it exists, the thread at `uri`, in one query.

    Both come back detached and read-only (built from the row, not tracked by the session):
    callers read them, they never change them.
    """
    head = thread_head(site_key, uri)
    return head.site(), head.thread()


def _order(sort: str) -> list[tuple[Any, bool]]:
    pinned = cast(Comment.pinned, Integer)  # pinned comments first, on every sort
    if sort in ("newest", "featured"):
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
# (web/discussion/present.py unpacks rows in exactly this order).
PAGE_COLUMNS = (
    Comment.id, Comment.parent_id, Comment.depth, Comment.author, Comment.website,
    Comment.avatar_seed, Comment.html, Comment.status, Comment.pinned, Comment.likes,
    Comment.dislikes, (Comment.likes - Comment.dislikes).label("score"), Comment.created_at,
    Comment.edited_at, Comment.verified, Comment.badges, Comment.featured,
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
            # A bound value each, not one expanding list: it runs on the driver's cursor.
            and_(Comment.status.in_([literal(str(s)) for s in HIDDEN_UNLESS_REPLIED]),
                 has_visible_reply)),
    )
    if sort == "featured":
        # Editors' picks: approved comments of any depth, each shown alone (replies not loaded).
        statement = select(*PAGE_COLUMNS).where(
            Comment.thread_id == bindparam("thread_id"), Comment.featured.is_(True),
            Comment.status == CommentStatus.APPROVED)
    if resuming:
        bound = [bindparam(f"after_{index}", type_=column.type)
                 for index, (column, _) in enumerate(order)]
        statement = statement.where(keyset_after(order, bound))
    return statement.order_by(
        *[column.desc() if descending else column.asc() for column, descending in order]
    ).limit(bindparam("limit"))


@cache
def _whole_page_statement(sort: str, resuming: bool) -> Any:
    """A page in one statement: its top-level comments in order (up to `limit`, one more than
    shown), then every reply below the first `shown` of them, oldest first.

    Replies are found by root_id; one whose parent is gone (parent_id NULL) is left out, as no
    page could place it. Rows come in PAGE_COLUMNS order, so the top-level ones are the
    leading rows with no parent.
    """
    if sort == "featured":
        return _page_statement(sort, resuming)  # editors' picks are shown without replies
    ordering = [column.desc() if descending else column.asc()
                for column, descending in _order(sort)]
    page = _page_statement(sort, resuming).add_columns(
        func.row_number().over(order_by=ordering).label("position")).cte("page")
    keys = [column.key for column in _page_statement(sort, resuming).selected_columns]
    shown = select(page.c.id).where(page.c.position <= bindparam("shown"))
    rows = union_all(
        select(*[page.c[key] for key in keys], literal(0).label("part"), page.c.position),
        select(*PAGE_COLUMNS, literal(1), literal(0))
        .where(Comment.root_id.in_(shown), Comment.parent_id.is_not(None)),
    ).subquery("rows")
    return (select(*[rows.c[key] for key in keys])
            .order_by(rows.c.part, rows.c.position, rows.c.created_at, rows.c.id))


class PageRow(NamedTuple):
    """A comment of a page as read (PAGE_COLUMNS, in order), read like a Comment."""

    id: int
    parent_id: int | None
    depth: int
    author: str
    website: str | None
    avatar_seed: str
    html: str
    status: str
    pinned: bool
    likes: int
    dislikes: int
    score: int
    created_at: datetime
    edited_at: datetime | None
    verified: bool
    badges: str
    featured: bool


if PageRow._fields != tuple(str(column.key) for column in PAGE_COLUMNS):
    raise TypeError("reading.PageRow must name the columns of PAGE_COLUMNS, in their order")


def thread_page(thread_id: int, sort: str, limit: int, after: str | None,
                engine: Engine | None = None) -> ThreadPage:
    """Top-level comments of one page and every reply below them, in one statement on the
    driver's cursor (one snapshot, no transaction round trips); BadParameters for a bad cursor.
    """
    params: dict[str, Any] = {"thread_id": thread_id, "limit": limit + 1, "shown": limit}
    if after:
        for index, value in enumerate(decode_cursor(after, sort)):
            params[f"after_{index}"] = value
    rows = [PageRow._make(row) for row in driver_reads.fetch_all(
        _whole_page_statement(sort, bool(after)), params, engine)]
    if sort == "featured":
        tops, replies = rows, []
    else:
        count = next((n for n, row in enumerate(rows) if row.parent_id is not None), len(rows))
        tops, replies = rows[:count], rows[count:]
    more = len(tops) > limit
    tops = tops[:limit]
    nodes = [Node(c) for c in tops] if sort == "featured" else _with_replies(tops, replies)
    next_cursor = encode_cursor(tops[-1], sort) if more and tops else None
    return ThreadPage(nodes, next_cursor)


def _with_replies(tops: list[Any], replies: list[Any]) -> list[Node]:
    nodes = {c.id: Node(c) for c in tops}
    ordered: list[Node] = []
    for comment in replies:
        node = Node(comment)
        nodes[comment.id] = node
        ordered.append(node)
    for node in ordered:
        parent = nodes.get(node.comment.parent_id)
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
        if not node.replies:
            continue  # a leaf: nothing to drop, nothing visible below (reply_count stays 0)
        kept = [reply for reply in node.replies if reply.visible or reply.reply_count]
        node.replies = kept
        node.reply_count = sum(reply.reply_count + (1 if reply.visible else 0) for reply in kept)


@cache
def _counts_statement(dialect: str) -> Any:
    """The site's CORS origins (a row with no uri) and the counts of the `uris` that have a
    thread (a row each, with no origins; on SQLite a row with no count for the others too).

    The origins come as their JSON text, parsed once by `counts`: typed as JSON, the column's
    result processor would run on every row (most of the read's Python time for 50 paths).
    The paths are bound as one array (PostgreSQL) or one JSON list (SQLite), so a single
    statement serves any number of them.
    """
    site = bindparam("site", type_=String)
    origins = (select(cast(Site.allowed_origins, Text), null().label("uri"), null().label("count"))
               .where(Site.key == site))
    if dialect == "postgresql":
        wanted = Thread.uri == any_(bindparam("uris", type_=ARRAY(String)))
        return union_all(origins, select(null(), Thread.uri, Thread.count)
                         .join(Site, Site.id == Thread.site_id).where(Site.key == site, wanted))
    # SQLite walks the paths and looks each one up in the (site_id, uri) index: a LEFT JOIN
    # fixes that order (joined plainly, the planner may scan the site's threads for each
    # path instead), and no temporary index of the paths is built as for IN (a fifth faster).
    paths = func.json_each(bindparam("uris", type_=String)).table_valued("value")
    site_id = select(Site.id).where(Site.key == site).scalar_subquery()
    found = and_(Thread.site_id == site_id, Thread.uri == paths.c.value)
    return union_all(origins, select(null(), paths.c.value, Thread.count)
                     .select_from(paths.outerjoin(Thread, found)))


def counts(site_key: str, uris: list[str],
           engine: Engine | None = None) -> tuple[list[str], dict[str, int]]:
    """The site's allowed origins and the visible comment counts of up to 100 article paths
    (0 where none), in one query; SiteNotFound for an unknown site."""
    engine = engine if engine is not None else db.engine
    dialect = engine.dialect.name
    rows = driver_reads.fetch_all(_counts_statement(dialect), {
        "site": site_key, "uris": driver_reads.bound_list(uris, dialect)}, engine)
    origins = [row[0] for row in rows if row[1] is None]
    if not origins:
        raise SiteNotFound()
    found = {row[1]: row[2] for row in rows}  # the site's row adds None: None, never asked for
    return orjson.loads(origins[0]), {uri: found.get(uri) or 0 for uri in uris}
