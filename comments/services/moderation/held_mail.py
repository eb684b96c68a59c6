"""Mail to moderators about held comments, with signed, single-purpose, single-use action links."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from comments.database.engine import write_transaction
from comments.database.sql import insert_ignoring_conflicts
from comments.errors import BadLink, CommentNotFound, Conflict, Forbidden
from comments.extensions import db
from comments.models import Comment, CommentStatus, Moderator, Site, Thread, UsedToken
from comments.models.moderator import moderator_sites
from comments.services import tokens
from comments.services.mail import outbox
from comments.services.moderation import actions
from comments.services.public_links import NO_PUBLIC_URL, configured_base, public_url

log = logging.getLogger(__name__)
PURPOSE = "moderation-link"
LINK_ACTIONS = ("approve", "reject", "spam")
TEXT_EXCERPT = 2000


def on_comment_posted(comment: Comment, *, thread: Thread, site: Site, **_: Any) -> None:
    """A comment held as it is posted: tell the site's moderators."""
    if comment.status == CommentStatus.PENDING:
        queue_held_mail(comment, thread, site)


def on_status_changed(comment: Comment, *, thread: Thread, site: Site, before: str,
                      after: str, **_: Any) -> None:
    """A comment that enters the queue later (flagged, held after an edit): tell them too."""
    if after == CommentStatus.PENDING and before != CommentStatus.PENDING:
        queue_held_mail(comment, thread, site)


def site_moderators(site: Site) -> list[Moderator]:
    """The active moderators of a site: those of every site and those linked to it."""
    linked = select(moderator_sites.c.moderator_id).where(moderator_sites.c.site_id == site.id)
    return list(db.session.execute(
        select(Moderator).where(Moderator.disabled.is_(False),
                                or_(Moderator.all_sites.is_(True), Moderator.id.in_(linked)))
        .order_by(Moderator.id)
    ).scalars())


def link_token(comment: Comment, moderator: Moderator, action: str) -> str:
    """A token allowing `moderator` to do `action` to `comment`, once."""
    return tokens.sign(PURPOSE, {"c": comment.id, "a": action, "m": moderator.id,
                                 "j": secrets.token_hex(16)})


def queue_held_mail(comment: Comment, thread: Thread, site: Site) -> int:
    """Queue one mail per moderator of the site who wants each one, in the current
    transaction; returns how many (digests are `held_digest`'s)."""
    if configured_base() is None:
        log.warning("comment %s held; its moderators are not mailed: %s", comment.id, NO_PUBLIC_URL)
        return 0
    recipients = [moderator for moderator in site_moderators(site)
                  if moderator.held_mail == "each"]
    for moderator in recipients:
        links = {action: public_url(f"/moderate/mail/{link_token(comment, moderator, action)}")
                 for action in LINK_ACTIONS}
        links["queue"] = public_url(f"/moderate/?site={site.key}")
        context = {
            "moderator_name": moderator.name or moderator.email,
            "comment": {"id": comment.id, "author": comment.author or "",
                        "email": comment.email or "", "text": comment.text[:TEXT_EXCERPT],
                        "truncated": len(comment.text) > TEXT_EXCERPT,
                        "reasons": list(comment.reasons or [])},
            "article": {"uri": thread.uri, "title": thread.title or thread.uri,
                        "url": site.article_url(thread.uri)},
            "links": links,
            "expires_hours": tokens.PURPOSES[PURPOSE] // 3600,
        }
        outbox.queue_mail(site=site, recipient=moderator.email, template="moderation_held",
                          context=context, kind="moderation")
    return len(recipients)


@dataclass
class LinkRequest:
    """What a link asks for, checked: who, which action, on which comment."""

    moderator: Moderator
    action: str
    comment: Comment
    thread: Thread
    site: Site
    token_id: str
    used: bool


def read_link(token: str) -> LinkRequest:
    """The checked request behind a link, or BadLink; nothing changes (safe for GET)."""
    try:
        payload = tokens.unsign(PURPOSE, token[:1000])
        comment_id, action = int(payload["c"]), str(payload["a"])
        moderator_id, token_id = int(payload["m"]), str(payload["j"])[:64]
    except (tokens.InvalidToken, KeyError, TypeError, ValueError) as error:
        raise BadLink() from error
    if action not in LINK_ACTIONS:
        raise BadLink()
    moderator = db.session.get(Moderator, moderator_id)
    if moderator is None or moderator.disabled:
        raise BadLink()
    try:
        comment, thread, site = actions.load_comment(comment_id, moderator)
    except (Forbidden, CommentNotFound) as error:
        raise BadLink() from error
    used = db.session.execute(
        select(UsedToken.id).where(UsedToken.token_id == token_id)
    ).first() is not None
    return LinkRequest(moderator, action, comment, thread, site, token_id, used)


def use_link(token: str) -> LinkRequest:
    """Do what the link says, once; a second use, or a comment already decided, is refused."""
    with write_transaction():
        link = read_link(token)
        if link.used:
            raise BadLink("This link was used already.")
        if link.comment.status != CommentStatus.PENDING:
            raise Conflict("This comment was already dealt with.")
        if not insert_ignoring_conflicts(UsedToken, {"token_id": link.token_id,
                                                     "purpose": PURPOSE}, ["token_id"]):
            raise BadLink("This link was used already.")
        actions.act(link.comment.id, link.action, link.moderator, note="from a mail link")
        link.used = True
        return link
