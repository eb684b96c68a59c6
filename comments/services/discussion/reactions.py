"""Readers' reactions to comments: votes (one per reader) and flags."""

from __future__ import annotations

from sqlalchemy import func, select, update

from comments.database.engine import write_transaction
from comments.database.sql import insert_ignoring_conflicts
from comments.errors import OwnComment
from comments.extensions import db
from comments.models import Comment, CommentStatus, Flag, Site, Thread, Vote
from comments.services.client import Client, operator_network
from comments.services.discussion.status import change_status
from comments.services.discussion.threads import bump, comment_in_context
from comments.services.hashing import keyed_hash
from comments.services.identity.callers import Caller, who_is
from comments.signals import comment_flagged


def _visible(comment_id: int) -> tuple[Comment, Thread, Site]:
    return comment_in_context(comment_id, CommentStatus.APPROVED)


def vote(comment_id: int, value: int, client: Client,
         caller: Caller | None = None) -> tuple[int, int]:
    """Record the reader's vote (a second vote replaces the first); returns (likes, dislikes).

    A reader is the signed-in reader, else the browser key, else the address (callers.py).
    """
    with write_transaction():
        comment, thread, site = _visible(comment_id)
        voter = who_is(site, caller, client, acting="vote").vote_key
        author = comment.author_key or comment.ip_hash
        if author and author == voter:
            raise OwnComment()
        inserted = insert_ignoring_conflicts(
            Vote, {"comment_id": comment.id, "voter_hash": voter, "value": value},
            ["comment_id", "voter_hash"],
        )
        if inserted:
            _add(comment.id, value, +1)
        else:
            existing = db.session.execute(
                select(Vote).where(Vote.comment_id == comment.id, Vote.voter_hash == voter)
                .with_for_update()
            ).scalar_one()
            if existing.value != value:
                _add(comment.id, existing.value, -1)
                _add(comment.id, value, +1)
                existing.value = value
        bump(thread)
        db.session.flush()
        db.session.refresh(comment)
        return comment.likes, comment.dislikes


def _flagging_networks(comment_id: int) -> int:
    """How many distinct networks flagged the comment (flags from before networks were kept
    count one each)."""
    networks = db.session.execute(
        select(func.count(func.distinct(Flag.network_hash)))
        .where(Flag.comment_id == comment_id, Flag.network_hash.is_not(None))
    ).scalar_one()
    unknown = db.session.execute(
        select(func.count()).select_from(Flag)
        .where(Flag.comment_id == comment_id, Flag.network_hash.is_(None))
    ).scalar_one()
    return int(networks) + int(unknown)


def _add(comment_id: int, value: int, delta: int) -> None:
    column = "likes" if value > 0 else "dislikes"
    db.session.execute(
        update(Comment).where(Comment.id == comment_id)
        .values({column: getattr(Comment, column) + delta})
    )


def flag(comment_id: int, reason: str, client: Client, caller: Caller | None = None) -> None:
    """Record a reader's flag (once per reader, callers.py); flags from enough distinct readers
    on enough distinct networks send the comment back to the queue (the site's flag_threshold
    counts both, so neither one network nor one reader can hide it alone; each signed-in reader
    counts as a network of their own)."""
    with write_transaction():
        comment, thread, site = _visible(comment_id)
        who = who_is(site, caller, client, acting="flag")
        reporter = who.flag_key
        # What one flag weighs towards hiding: an anonymous reader's operator network (browser
        # keys cost nothing to make), a signed-in reader alone (one account, one weight).
        network = keyed_hash("flag-network", f"reader:{who.reader.id}" if who.reader is not None
                             else operator_network(client.address))
        inserted = insert_ignoring_conflicts(
            Flag, {"comment_id": comment.id, "reporter_hash": reporter, "network_hash": network,
                   "reason": reason},
            ["comment_id", "reporter_hash"],
        )
        if not inserted:
            return
        db.session.execute(
            update(Comment).where(Comment.id == comment.id)
            .values(flag_count=Comment.flag_count + 1)
        )
        db.session.refresh(comment)
        comment_flagged.send(comment, thread=thread, site=site, reason=reason,
                             flag_count=comment.flag_count)
        threshold = site.settings.flag_threshold
        if (threshold and comment.flag_count >= threshold
                and _flagging_networks(comment.id) >= threshold):
            change_status(
                comment, thread, site, CommentStatus.PENDING, actor="readers",
                note=f"flagged by {comment.flag_count} readers",
                reasons=[*comment.reasons, f"flags: {comment.flag_count} readers flagged it"],
            )
