"""How the iframe page shows a thread: nesting up to the site's depth, flat below, avatars."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from comments.models import CommentStatus
from comments.services.discussion.reading import Node
from comments.services.web_address import served_web_address
from comments.web.discussion.present import iso

# Beyond this many levels nothing is indented any more, whatever a site sets: the page must
# stay readable at 320 px, and the walk below stays shallow.
INDENT_CAP = 12
HEX_SEED = re.compile(r"^[0-9a-f]{11,}$")


@dataclass
class Shown:
    """A comment as the page shows it: its level, its replies, and whom it answers if flat."""

    comment: Any  # a Comment, or a row of reading.PAGE_COLUMNS read like one
    level: int
    reply_to: str | None = None
    replies: list[Shown] = field(default_factory=list)


def indent_levels(max_depth: int) -> int:
    """The deepest level that is still indented (top-level comments are level 0)."""
    return max(1, min(max_depth, INDENT_CAP))


def arrange(nodes: list[Node], max_depth: int) -> list[Shown]:
    """Nest replies up to `max_depth`; deeper ones sit flat, in time order, under the last indented one."""
    deepest = indent_levels(max_depth)
    shown: list[Shown] = []
    stack: list[tuple[Node, int, list[Shown]]] = [(node, 0, shown) for node in reversed(nodes)]
    while stack:
        node, level, siblings = stack.pop()
        item = Shown(node.comment, level)
        siblings.append(item)
        if level + 1 < deepest:
            stack.extend((reply, level + 1, item.replies) for reply in reversed(node.replies))
        else:
            item.replies = _flattened(node, deepest)
    return shown


def _flattened(container: Node, level: int) -> list[Shown]:
    """Every descendant of `container`, oldest first, each naming the comment it answers."""
    found: list[tuple[Node, Node]] = []
    stack = [(reply, container) for reply in container.replies]
    while stack:
        node, parent = stack.pop()
        found.append((node, parent))
        stack.extend((reply, node) for reply in node.replies)
    found.sort(key=lambda pair: (pair[0].comment.created_at, pair[0].comment.id))
    return [
        Shown(node.comment, level,
              reply_to=None if parent is container else (display_name(parent.comment) or "?"))
        for node, parent in found
    ]


def display_name(comment: Any) -> str:
    """The author's name as shown (empty for anonymous or hidden comments)."""
    return comment.author if comment.status == CommentStatus.APPROVED else ""


def comment_view(item: Shown, article_url: str,
                 grounds: Mapping[int, str] | None = None) -> dict[str, Any]:
    """What the comment template needs to draw one comment (`grounds`: why hidden ones went)."""
    comment = item.comment
    visible = comment.status == CommentStatus.APPROVED
    return {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "level": item.level,
        "author": comment.author if visible else "",
        # Only web links: an imported or old row must not become a javascript: link.
        "website": served_web_address(comment.website) if visible else None,
        "avatar": avatar_classes(comment.avatar_seed if visible else ""),
        "html": comment.html if visible else "",
        "created_at": iso(comment.created_at),
        "exact": comment.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "edited": comment.edited_at is not None,
        "likes": comment.likes,
        "dislikes": comment.dislikes,
        "deleted": not visible,
        "removed_ground": None if visible or not grounds else grounds.get(comment.id),
        "reply_to": item.reply_to,
        "url": f"{article_url}#comment-{comment.id}",
        "replies": item.replies,
        "verified": bool(comment.verified) and visible,
        "badges": comment.badges.split(",") if visible and comment.badges else [],
        "featured": bool(comment.featured) and visible,
    }


def avatar(seed: str) -> dict[str, Any]:
    """A 5x5 mirrored pattern and a hue from the opaque seed; thread.js draws the same one."""
    if not HEX_SEED.match(seed or ""):
        return {"hue": 0, "cells": [], "blank": True}
    bits = int(seed[:4], 16)
    hue = int(seed[8:11], 16) % 360
    cells: list[tuple[int, int]] = []
    for i in range(15):
        if bits >> i & 1:
            col, row = i % 3, i // 3
            cells.append((col, row))
            if col < 2:
                cells.append((4 - col, row))
    return {"hue": hue, "cells": cells, "blank": False}


@lru_cache(maxsize=4096)
def avatar_classes(seed: str) -> str:
    """The avatar as CSS classes (thread.css draws them, thread.js writes the same ones): a hue
    in steps of 10 degrees, h0-h35, and each row's three left cells as a number, a1-e7 (rows a
    to e, none for an empty row; the other two cells mirror them). A few bytes where inline SVG
    took 330 a comment, and nothing of the seed beyond what the drawing shows."""
    drawn = avatar(seed)
    if drawn["blank"]:
        return "c-avatar c-avatar-blank"
    rows = [0] * 5
    for col, row in drawn["cells"]:
        if col < 3:
            rows[row] |= 1 << col
    return " ".join([f"c-avatar h{drawn['hue'] // 10}",
                     *(f"{'abcde'[row]}{value}" for row, value in enumerate(rows) if value)])
