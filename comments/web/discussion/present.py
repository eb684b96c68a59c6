"""Public JSON for threads and comments: nothing about an author beyond name and website."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from comments.models import CommentStatus, Site, Thread
from comments.services.discussion.posting import Written, edit_deadline
from comments.services.discussion.reading import Node
from comments.services.web_address import served_web_address


def iso(moment: datetime | None) -> str | None:
    """An ISO 8601 UTC time with a Z, to the second."""
    if moment is None:
        return None
    # isoformat is several times faster than strftime, and a read formats two per comment;
    # its first 19 characters are the wall time to the second (the year always has four
    # digits), whatever the offset or microseconds after them: no copy of the datetime needed.
    return moment.isoformat(timespec="seconds")[:19] + "Z"


def thread_json(site: Site, uri: str, thread: Thread | None) -> dict[str, Any]:
    """The contract's Thread, also for articles nobody has commented on yet."""
    settings = site.settings
    return {
        "uri": uri,
        "title": thread.title if thread else "",
        "url": site.article_url(uri),
        "count": thread.count if thread else 0,
        "closed": _closed(site, thread),
        "featured_count": thread.featured_count if thread else 0,
        "max_depth": settings.max_depth,
        "edit_window": settings.edit_window,
        "require_author": settings.require_author,
        "require_email": settings.require_email,
    }


def _closed(site: Site, thread: Thread | None) -> bool:
    from comments.services.discussion.threads import is_closed

    return bool(thread and is_closed(site, thread))


def comment_json(comment: Any, replies: list[dict[str, Any]], reply_count: int,
                 own: bool = False) -> dict[str, Any]:
    """The contract's Comment; a hidden comment shows as an empty placeholder.

    `comment` is a Comment or anything with its attributes.
    """
    approved = comment.status == "approved"
    shown = approved or own
    if approved:
        status = "approved"
    elif own and comment.status != CommentStatus.DELETED:
        status = "pending"  # its author learns it is held, never that it was judged spam
    else:
        status = "deleted"
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "author": comment.author if shown else "",
        "website": served_web_address(comment.website) if shown else None,
        "avatar": comment.avatar_seed if shown else "",
        "html": comment.html if shown else "",
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "status": status,
        "replies": replies,
        "reply_count": reply_count,
        "pinned": comment.pinned,
        "depth": comment.depth,
        "verified": bool(comment.verified) if shown else False,
        "badges": comment.badges.split(",") if shown and comment.badges else [],
        "featured": bool(comment.featured) if shown else False,
    }


def node_json(root: Node) -> dict[str, Any]:
    """A comment and its replies, built without recursion (threads can nest deeply)."""
    if not root.replies:  # most comments: nothing below to order
        return _row_json(root.comment, [], root.reply_count)
    built: dict[int, dict[str, Any]] = {}
    order: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.replies)
    for node in reversed(order):
        built[id(node)] = _row_json(
            node.comment, [built[id(reply)] for reply in node.replies], node.reply_count
        )
    return built[id(root)]


def _row_json(row: Any, replies: list[dict[str, Any]], reply_count: int) -> dict[str, Any]:
    """comment_json for a public read of a row of reading.PAGE_COLUMNS.

    The same answer as comment_json(own=False), from one tuple unpacking instead of fifteen
    attribute look-ups: this runs for every comment of every read.
    """
    (comment_id, parent_id, depth, author, website, avatar, html, status, pinned, likes,
     dislikes, _score, created_at, edited_at, verified, badges, featured) = row
    if status != "approved":
        author, website, avatar, html, status = "", None, "", "", "deleted"
        verified, badges, featured = False, "", False
    else:
        website = served_web_address(website)
    return {
        "id": comment_id, "parent_id": parent_id, "author": author, "website": website,
        "avatar": avatar, "html": html, "created_at": iso(created_at),
        "edited_at": iso(edited_at) if edited_at else None, "likes": likes,
        "dislikes": dislikes, "status": status, "replies": replies, "reply_count": reply_count,
        "pinned": pinned, "depth": depth, "verified": verified,
        "badges": badges.split(",") if badges else [], "featured": featured,
    }


def mark_removal_grounds(comments: list[dict[str, Any]], engine: Engine | None = None) -> None:
    """Add `removal_ground` ("illegal" or "terms") to placeholders a decision removed (DSA Art. 17).

    On the app's engine unless given one."""
    from comments.services.notices.placeholders import removal_grounds

    placeholders: list[dict[str, Any]] = []
    stack = list(comments)
    while stack:
        body = stack.pop()
        if body["status"] == "deleted":
            placeholders.append(body)
        stack.extend(body["replies"])
    if not placeholders:
        return
    grounds = removal_grounds([body["id"] for body in placeholders], engine)
    for body in placeholders:
        if body["id"] in grounds:
            body["removal_ground"] = grounds[body["id"]]


def written_json(written: Written) -> dict[str, Any]:
    """The answer to a post or an edit: the Comment, its edit token and its deadline."""
    body = comment_json(written.comment, [], 0, own=True)
    body["edit_token"] = written.edit_token
    body["edit_until"] = iso(edit_deadline(written.comment, written.site))
    return body
