"""Why a placeholder is empty: the ground of the decision that removed the comment, if any."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Integer, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine

from comments.extensions import db
from comments.fast_lane import driver_reads
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


@cache
def _grounds_statement(dialect: str) -> Any:
    """The decisions on a list of comments, oldest first; the ids bound as one array
    (PostgreSQL) or one JSON list (SQLite), so that it runs on the driver's cursor."""
    if dialect == "postgresql":
        wanted = Decision.comment_id == any_(bindparam("ids", type_=ARRAY(Integer)))
    else:
        ids = func.json_each(bindparam("ids", type_=String)).table_valued("value")
        wanted = Decision.comment_id.in_(select(ids.c.value))
    return (select(Decision.comment_id, Decision.ground, Decision.outcome)
            .where(wanted).order_by(Decision.id))


def removal_grounds(comment_ids: list[int], engine: Engine | None = None) -> dict[int, str]:
    """comment id -> "illegal" or "terms", for comments whose last decision removed them.

    One query, and none at all for a page without placeholders (almost every page). On the
    app's engine unless given one (the fast lane passes its own).
    """
    if not comment_ids:
        return {}
    engine = engine if engine is not None else db.engine
    dialect = engine.dialect.name
    grounds: dict[int, str] = {}
    rows = driver_reads.fetch_all(_grounds_statement(dialect),
                                  {"ids": driver_reads.bound_list(comment_ids, dialect)}, engine)
    for comment_id, ground, outcome in rows:
        if comment_id is None:
            continue
        if outcome in RESTORING or not ground:
            grounds.pop(int(comment_id), None)
        else:
            grounds[int(comment_id)] = str(ground)
    return grounds
