"""Writing comments: post, edit and delete, each one transaction with its checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from comments.database.engine import write_transaction
from comments.errors import (
    BadEditToken,
    EditWindowOver,
    SiteNotFound,
)
from comments.extensions import db
from comments.models import Comment, CommentStatus, Reader, Site, Thread
from comments.models.types import utcnow
from comments.services import tokens
from comments.services.articles import facts
from comments.services.client import Client
from comments.services.discussion import idempotency
from comments.services.discussion.new_comment import NewComment
from comments.services.discussion.status import change_status, shift_counts
from comments.services.discussion.threads import bump, comment_in_context
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.hashing import address_hash, avatar_seed, email_hash
from comments.services.identity import authors
from comments.services.moderation import pipeline
from comments.signals import comment_edited, comment_posted


@dataclass
class Written:
    """A comment just written, with what its author needs: a fresh edit token."""

    comment: Comment
    thread: Thread
    site: Site
    edit_token: str


def post_comment(new: NewComment, client: Client,
                 idem: idempotency.IdempotentRequest | None = None,
                 present: Any = None) -> tuple[int, dict[str, Any]]:
    """Post a comment; returns the HTTP status (201 published, 202 held) and the answer body.

    `present(written)` builds the answer body; with an Idempotency-Key it is stored in the
    same transaction so that a retry replays it exactly.
    """
    external = pipeline.run_prechecks(new, client)
    try:
        try:
            # Most writes need no page reading: find out inside the one transaction.
            return _post(new, client, idem, present, external, facts.UNLOOKED)
        except facts.PageReadingDue:
            prepared = facts.prepare(new.site, new.uri)  # the reading, before the write lock
            return _post(new, client, idem, present, external, prepared)
    except IntegrityError:
        if idem is None:
            raise
        # A parallel request with the same key won the race: answer as it did.
        db.session.rollback()
        with write_transaction():
            stored = idempotency.replay(idem)
        if stored is None:
            raise
        return stored


def _post(new: NewComment, client: Client, idem: idempotency.IdempotentRequest | None,
          present: Any, external: dict[str, Any],
          prepared: facts.Prepared) -> tuple[int, dict[str, Any]]:
    with write_transaction() as session:
        if idem is not None and (stored := idempotency.replay(idem)) is not None:
            return stored
        site, reader, known, parent = _places_of_post(new)
        thread = facts.thread_for_writing(site, new.uri, prepared, client, hint=new.title or "",
                                          known=known)
        # Facts only: the pipeline's first checks judge the address, the size and the parent.
        author = " ".join((new.author or "").split())
        email, email_problem = _read_email(new.email)
        now = utcnow()
        comment = Comment(
            thread_id=thread.id,
            parent_id=parent.id if parent else None,
            root_id=(parent.root_id or parent.id) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author=author,
            email=email,
            website=new.website,
            text=new.text,
            html="",
            ip_hash=address_hash(client.address),
            email_hash=email_hash(email) if email else None,
            avatar_seed=avatar_seed(thread.id, author, client.address),
            notify_replies=bool(new.notify_replies and email),
            created_at=now,
            status=CommentStatus.PENDING,
            reasons=[],
            likes=0, dislikes=0, flag_count=0, version=1, pinned=False, extra={},
            verified=False, badges="", featured=False,
        )
        if authors.take_author(comment, site, new, client, reader).reader is not None:
            email_problem = None  # the address is the signed-in reader's, not a typed one
        submission = pipeline.Submission(site, thread, comment, client, new,
                                         email_problem=email_problem, parent=parent,
                                         external=external)
        verdict = pipeline.run(submission)
        comment.html = submission.html
        comment.status = verdict.status
        comment.reasons = verdict.reasons
        comment.status_changed_at = now
        session.add(comment)
        shift_counts(thread, comment.status, +1)
        thread.last_comment_at = now
        if comment.status == CommentStatus.APPROVED:
            bump(thread)
        session.flush()
        if comment.status != CommentStatus.APPROVED:
            from comments.services import audit

            audit.record("held" if comment.status == CommentStatus.PENDING else comment.status,
                         actor="system", site_id=site.id, comment=comment,
                         after={"status": comment.status}, note="; ".join(verdict.reasons))
        comment_posted.send(comment, thread=thread, site=site, new=new, client=client)
        written = Written(comment, thread, site, edit_token(comment))
        status = 201 if comment.status == CommentStatus.APPROVED else 202
        body = present(written) if present else {"id": comment.id}
        if idem is not None:
            idempotency.remember(idem, status, body)
        return status, body


def _places(*more: Any) -> Any:
    return (select(Site, Thread, *more)
            .outerjoin(Thread, (Thread.site_id == Site.id) & (Thread.uri == bindparam("uri")))
            .where(Site.key == bindparam("site")))


# Built once, bound per post: composing these costs a post more than running them.
_PLACES = _places()
_PLACES_AND_PARENT = _places(Comment).outerjoin(Comment, Comment.id == bindparam("parent"))


def _places_of_post(
    new: NewComment,
) -> tuple[Site, Reader | None, Thread | None, Comment | None]:
    """The site (and a signed-in author), the thread if it exists, and the comment replied to.

    Anonymous posts, nearly all of them, learn all three in one query.
    """
    if new.reader_token:
        site, reader = authors.site_of_post(new)
        parent = db.session.get(Comment, new.parent_id) if new.parent_id is not None else None
        return site, reader, None, parent
    if new.parent_id is None:
        row = db.session.execute(_PLACES, {"site": new.site, "uri": new.uri}).first()
    else:
        row = db.session.execute(_PLACES_AND_PARENT, {"site": new.site, "uri": new.uri,
                                                      "parent": new.parent_id}).first()
    if row is None:
        raise SiteNotFound()
    return row[0], None, row[1], row[2] if new.parent_id is not None else None


def edit_comment(comment_id: int, token: str | None, text: str, client: Client,
                 reader_token: str | None = None) -> Written:
    """Replace a comment's text within the edit window; the old token stops working.

    A signed-in author may instead show their reader token (services/identity/authors.py).
    """
    with write_transaction():
        comment, thread, site = _authorised(comment_id, token, reader_token, deleting=False)
        before_text = comment.text
        was_public = comment.status == CommentStatus.APPROVED
        comment.text = text
        comment.edited_at = utcnow()
        comment.version = comment.version + 1
        submission = pipeline.Submission(site, thread, comment, client, editing=True)
        verdict = pipeline.run(submission)
        comment.html = submission.html
        if verdict.status != CommentStatus.APPROVED and comment.status == CommentStatus.APPROVED:
            change_status(comment, thread, site, verdict.status, actor="system",
                          note="held after edit: " + "; ".join(verdict.reasons),
                          reasons=verdict.reasons)
        if was_public or comment.status == CommentStatus.APPROVED:
            bump(thread)  # editing a held comment changes nothing readers see
        db.session.flush()
        comment_edited.send(comment, thread=thread, site=site, before_text=before_text)
        return Written(comment, thread, site, edit_token(comment))


def delete_comment(comment_id: int, token: str | None, reader_token: str | None = None) -> None:
    """Delete a comment within the edit window; it stays as a placeholder if it has replies."""
    with write_transaction():
        comment, thread, site = _authorised(comment_id, token, reader_token, deleting=True)
        comment.version = comment.version + 1
        change_status(comment, thread, site, CommentStatus.DELETED, actor="reader",
                      note="deleted by its author")


def edit_token(comment: Comment) -> str:
    """A token for editing this version of the comment."""
    return tokens.sign("edit", {"c": comment.id, "v": comment.version})


def edit_deadline(comment: Comment, site: Site) -> Any:
    """Until when the author may edit or delete the comment (a signed-in author: edit)."""
    if comment.reader_id is not None:
        return comment.created_at + timedelta(seconds=site.settings.reader_edit_window)
    return comment.created_at + timedelta(seconds=site.settings.edit_window)


def _authorised(comment_id: int, token: str | None, reader_token: str | None = None,
                deleting: bool = False) -> tuple[Comment, Thread, Site]:
    if token:
        try:
            return _by_edit_token(comment_id, token)
        except (BadEditToken, EditWindowOver):
            if not reader_token:
                raise
    if not reader_token:
        raise BadEditToken()
    return authors.own_comment(comment_id, reader_token, deleting=deleting)


def _by_edit_token(comment_id: int, token: str) -> tuple[Comment, Thread, Site]:
    comment, thread, site = comment_in_context(comment_id)
    window = site.settings.edit_window
    try:
        payload = tokens.unsign("edit", token, max_age=max(window, 1))
    except tokens.ExpiredToken as error:
        raise EditWindowOver() from error
    except tokens.InvalidToken as error:
        raise BadEditToken() from error
    if not isinstance(payload, dict) or payload.get("c") != comment.id:
        raise BadEditToken()
    if payload.get("v") != comment.version or comment.status not in (
        CommentStatus.APPROVED, CommentStatus.PENDING
    ):
        raise BadEditToken("This token is for an earlier version of the comment.")
    if utcnow() > edit_deadline(comment, site):
        raise EditWindowOver()
    return comment, thread, site


def _read_email(typed: str | None) -> tuple[str | None, str | None]:
    """The address as typed, normalized, or (None, why it is not one); (None, None) if blank."""
    typed = (typed or "").strip()
    if not typed:
        return None, None
    try:
        return normalized_email(typed), None
    except NotAnEmailAddress as error:
        return None, str(error)
