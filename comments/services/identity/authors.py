"""What identity changes about writing: the author of a signed-in reader, and their own edits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from comments.errors import BadReaderToken, EditWindowOver
from comments.extensions import db
from comments.models import Comment, CommentStatus, Reader, Site, Thread
from comments.models.types import utcnow
from comments.services.client import Client
from comments.services.discussion.new_comment import NewComment
from comments.services.discussion.threads import comment_in_context
from comments.services.hashing import avatar_seed, email_hash
from comments.services.identity.callers import Caller, Who, who_is
from comments.services.identity.readers import badges_of
from comments.services.identity.sessions import reader_of_token, site_and_reader
from comments.services.sites import get_site


def site_of_post(new: NewComment) -> tuple[Site, Reader | None]:
    """The site a comment is posted to and, when signed in, its author, in one query."""
    if not new.reader_token:
        return get_site(new.site), None
    return site_and_reader(new.site, new.reader_token)


def take_author(comment: Comment, site: Site, new: NewComment, client: Client,
                reader: Reader | None = None) -> Who:
    """Set who wrote a new comment: a signed-in reader's identity replaces what was typed."""
    who = who_is(site, Caller(new.reader_token, new.browser_key), client, acting="comment",
                 reader=reader)
    # An address hash is not kept here: it would outlive the ip_hash that retention clears.
    comment.author_key = who.vote_key if who.keyed_by != "address" else None
    reader = who.reader
    if reader is None:
        return who
    comment.reader_id = reader.id
    comment.author = reader.name
    comment.email = reader.email
    comment.email_hash = email_hash(reader.email) if reader.email else None
    comment.website = reader.url
    # One avatar for a signed-in reader on every thread (thread 0): their name is theirs and
    # shown anyway; only anonymous authors get one avatar per thread (hashing.avatar_seed).
    comment.avatar_seed = avatar_seed(0, f"reader:{reader.id}", None)
    comment.verified = bool(reader.verified)
    comment.badges = ",".join(badges_of(reader, site))
    comment.notify_replies = bool(new.notify_replies and reader.email)
    return who


def own_comment(comment_id: int, reader_token: str, *, deleting: bool) -> tuple[Comment, Thread, Site]:
    """A signed-in reader's own comment, if they may still change it.

    The rule (docs/api.md): its author may delete it at any time, and edit it for the site's
    `reader_edit_window` (7 days by default) after posting; rejected, spam and deleted
    comments are out of reach. Edits run through the moderation pipeline again.
    """
    comment, thread, site = comment_in_context(comment_id)
    reader = reader_of_token(reader_token, site)
    if comment.reader_id != reader.id:
        raise BadReaderToken("This comment is not yours.")
    if comment.status not in (CommentStatus.APPROVED, CommentStatus.PENDING):
        raise BadReaderToken("This comment can no longer be changed.")
    window = timedelta(seconds=site.settings.reader_edit_window)
    if not deleting and utcnow() > comment.created_at + window:
        raise EditWindowOver()
    return comment, thread, site


def trusted_reader(site: Site, comment: Comment) -> bool:
    """Whether the site trusts this verified reader enough to skip a first-time hold."""
    needed = site.settings.trust_verified_after
    if needed is None or comment.reader_id is None or not comment.verified:
        return False
    approved = db.session.execute(
        select(func.count(Comment.id)).where(Comment.reader_id == comment.reader_id,
                                             Comment.status == CommentStatus.APPROVED)
    ).scalar_one()
    return int(approved) >= needed
