"""Isso's SQLite database: `threads` and `comments` tables, text in Markdown."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from comments.models import CommentStatus
from comments.porting.records import SourceComment, SourceThread, UriMap, clean_email, clean_website
from comments.porting.xmlstream import UnreadableExport
from comments.services.discussion.rendering import render

# Isso's comment modes: 1 accepted, 2 waiting for moderation, 4 deleted (kept for its replies).
MODES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.DELETED}


def connect(path: Path) -> sqlite3.Connection:
    """Open the Isso database read-only, or UnreadableExport."""
    if not path.is_file():
        raise UnreadableExport(f"{path} is not a file")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise UnreadableExport(f"not an SQLite database: {error}") from error
    if not {"threads", "comments"} <= tables:
        connection.close()
        raise UnreadableExport("not an Isso database: no `threads` and `comments` tables")
    return connection


def count(connection: sqlite3.Connection) -> int:
    """How many comments the database holds (for the progress bar)."""
    return int(connection.execute("SELECT count(*) FROM comments").fetchone()[0])


def read(connection: sqlite3.Connection, uris: UriMap) -> Iterator[SourceThread | SourceComment]:
    """Every thread, then every comment in id order."""
    try:
        for thread_id, uri, title in connection.execute("SELECT id, uri, title FROM threads"):
            yield SourceThread(key=f"isso:{thread_id}", uri=uris.path_of(uri or ""),
                               title=(title or "")[:500], link=uri or "")
        rows = connection.execute(
            "SELECT tid, id, parent, created, modified, mode, remote_addr, text, author, email,"
            " website, likes, dislikes FROM comments ORDER BY id")
        for (tid, cid, parent, created, modified, mode, address, text, author, email, website,
             likes, dislikes) in rows:
            text = text or ""
            record = SourceComment(
                key=f"isso:{cid}",
                thread_key=f"isso:{tid}",
                parent_key=f"isso:{parent}" if parent else None,
                text=text,
                html=render(text),
                status=MODES.get(mode, CommentStatus.PENDING),
                created_at=_time(created),  # type: ignore[arg-type]
                edited_at=_time(modified),
                author=" ".join((author or "").split())[:100],
                email=clean_email(email),
                website=clean_website(website),
                ip=address or None,
                likes=max(int(likes or 0), 0),
                dislikes=max(int(dislikes or 0), 0),
            )
            if record.created_at is None:
                record.problem = "no valid date"
            yield record
    except sqlite3.DatabaseError as error:
        raise UnreadableExport(f"cannot read the Isso database: {error}") from error


def _time(value: float | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None
