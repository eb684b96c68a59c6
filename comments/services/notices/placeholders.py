"""Why a placeholder is empty: the ground of the decision that removed the comment, if any."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from comments.extensions import db
from comments.models import CommentStatus, Decision

RESTORING = ("keep", "restore")


def hidden_ids(nodes: Iterable[Any]) -> list[int]:
    """The ids of the hidden comments (placeholders) in a page of reading.Node trees."""
    found: list[int] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.comment.status != CommentStatus.APPROVED:
            found.append(int(node.comment.id))
        stack.extend(node.replies)
    return found


def removal_grounds(comment_ids: list[int]) -> dict[int, str]:
    """comment id -> "illegal" or "terms", for comments whose last decision removed them.

    One query, and none at all for a page without placeholders (almost every page).
    """
    if not comment_ids:
        return {}
    grounds: dict[int, str] = {}
    rows = db.session.execute(
        select(Decision.comment_id, Decision.ground, Decision.outcome)
        .where(Decision.comment_id.in_(comment_ids)).order_by(Decision.id))
    for comment_id, ground, outcome in rows:
        if comment_id is None:
            continue
        if outcome in RESTORING or not ground:
            grounds.pop(int(comment_id), None)
        else:
            grounds[int(comment_id)] = str(ground)
    return grounds
