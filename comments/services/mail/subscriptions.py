"""Reply notifications: double opt-in subscriptions, mails on approved replies, unsubscribing."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from comments.database.engine import write_transaction
from comments.errors import NotFound
from comments.extensions import db
from comments.models import Comment, CommentStatus, Site, Subscription, Suppression, Thread
from comments.models.types import utcnow
from comments.services import quotas, tokens
from comments.services.discussion.new_comment import NewComment
from comments.services.email_address import mailbox_key
from comments.services.hashing import email_hash
from comments.services.mail import comment_text, outbox, subscription_links, suppression
from comments.services.public_links import NO_PUBLIC_URL, configured_base

log = logging.getLogger(__name__)

MODES = ("instant", "digest")
#: Confirmation mails one address may receive a day: typing someone's address into the form
#: must not turn us into a way to flood them.
CONFIRMATIONS_PER_DAY = 3


def on_comment_posted(comment: Comment, *, thread: Thread, site: Site,
                      new: NewComment | None = None, **_: Any) -> None:
    """A new comment: record its author's wish to hear of replies; act if it is approved."""
    if comment.notify_replies and comment.email:
        mode = new.notify_mode if new is not None and new.notify_mode in MODES else "instant"
        language = str((new.language if new is not None else "") or "en")[:10]
        _subscribe(comment, thread, site, mode, language)
    if comment.status == CommentStatus.APPROVED:
        on_approved(comment, thread, site)


def on_status_changed(comment: Comment, *, thread: Thread, site: Site, before: str,
                      after: str, **_: Any) -> None:
    """A held comment approved later gets the same mail as one approved at once."""
    if after == CommentStatus.APPROVED and before != CommentStatus.APPROVED:
        on_approved(comment, thread, site)


def on_approved(comment: Comment, thread: Thread, site: Site) -> None:
    """Ask the author to confirm their subscription, and tell the parent's subscribers."""
    marks = dict((comment.extra or {}).get("mail") or {})
    changed = False
    if comment.notify_replies and not marks.get("confirm"):
        marks["confirm"] = changed = True
        _ask_confirmation(comment, thread, site)
    if comment.parent_id is not None and not marks.get("notified"):
        marks["notified"] = changed = True
        _notify_parent_subscribers(comment, thread, site)
    if changed:  # remembered so that approving again never mails twice
        comment.extra = {**(comment.extra or {}), "mail": marks}


def _subscribe(comment: Comment, thread: Thread, site: Site, mode: str, language: str) -> None:
    assert comment.email
    now = utcnow()
    db.session.add(Subscription(
        site_id=site.id, thread_id=thread.id, comment_id=comment.id, email=comment.email,
        email_hash=email_hash(comment.email), mode=mode, language=language, created_at=now,
        # A signed-in reader's address is verified (services/identity/): no double opt-in.
        confirmed_at=now if comment.verified and comment.reader_id else None,
    ))
    db.session.flush()


def _ask_confirmation(comment: Comment, thread: Thread, site: Site) -> None:
    subscription = db.session.execute(
        select(Subscription).where(Subscription.comment_id == comment.id,
                                   Subscription.confirmed_at.is_(None),
                                   Subscription.unsubscribed_at.is_(None))
    ).scalar_one_or_none()
    if subscription is None or suppression.hash_is_suppressed(subscription.email_hash):
        return
    if configured_base() is None:
        log.warning("subscription %s is not confirmed by mail: %s", subscription.id, NO_PUBLIC_URL)
        return
    start, _end = quotas.day_window()
    # Counted per mailbox, so `+tag` variants of one address cannot multiply the mails.
    mailbox = email_hash(mailbox_key(subscription.email))
    if not quotas.claim(f"confirm:{mailbox}", CONFIRMATIONS_PER_DAY, start):
        return
    outbox.queue_mail(
        site=site, recipient=subscription.email, template="confirm_subscription",
        kind="confirm", language=subscription.language,
        context={**_article(site, thread), "confirm_url": subscription_links.confirm_url(subscription.id),
                 "mode": subscription.mode},
    )


# Built once, bound per reply (composing it cost a reply more than running it).
_INSTANT_SUBSCRIBERS = select(Subscription).where(
    Subscription.comment_id == bindparam("parent_id"), Subscription.mode == "instant",
    Subscription.confirmed_at.is_not(None), Subscription.unsubscribed_at.is_(None))


def _notify_parent_subscribers(reply: Comment, thread: Thread, site: Site) -> None:
    subscribers = db.session.execute(
        _INSTANT_SUBSCRIBERS, {"parent_id": reply.parent_id}).scalars().all()
    for subscription in subscribers:
        if subscription.email_hash == reply.email_hash:
            continue  # answering yourself is not news
        if suppression.hash_is_suppressed(subscription.email_hash):
            continue
        outbox.queue_mail(
            site=site, recipient=subscription.email, template="reply", kind="reply",
            language=subscription.language,
            context={**_article(site, thread), **reply_summary(reply),
                     "comment_url": comment_url(site, thread, reply)},
        )


def _article(site: Site, thread: Thread) -> dict[str, Any]:
    return {"thread_id": thread.id, "uri": thread.uri, "title": thread.title,
            "article_url": site.article_url(thread.uri)}


def comment_url(site: Site, thread: Thread, comment: Comment) -> str:
    """The article's address with the anchor the embed scrolls to for `comment`."""
    return f"{site.article_url(thread.uri)}#comment-{comment.id}"


def reply_summary(reply: Comment) -> dict[str, Any]:
    """What a mail says about a reply: its author, its rendered HTML and the same as plain text.

    `reply_excerpt` (the start of the typed text) stays for templates and rows that predate
    the rendered parts, and stands in for a comment too long to mail whole.
    """
    text = " ".join(reply.text.split())
    excerpt = text if len(text) <= 600 else text[:597].rsplit(" ", 1)[0] + "…"
    summary: dict[str, Any] = {"reply_author": reply.author or "", "reply_excerpt": excerpt,
                               "reply_id": reply.id}
    if reply.html and len(reply.html) <= comment_text.MAX_HTML:
        summary.update(reply_html=reply.html, reply_text=comment_text.plain_text(reply.html))
    return summary


def confirm(token: str) -> dict[str, Any]:
    """Confirm the subscription a token names; what it was about (for the page)."""
    try:
        subscription_id = subscription_links.read_confirm_token(token)
    except tokens.InvalidToken as error:
        raise NotFound("This confirmation link is not valid or has expired.") from error
    with write_transaction() as session:
        row = session.execute(
            select(Subscription, Thread, Site).join(Thread, Thread.id == Subscription.thread_id)
            .join(Site, Site.id == Subscription.site_id).where(Subscription.id == subscription_id)
        ).first()
        if row is None:
            raise NotFound("This confirmation link is not valid or has expired.")
        subscription, thread, site = row
        if subscription.confirmed_at is None:
            subscription.confirmed_at = utcnow()
            subscription.unsubscribed_at = None
        # An explicit opt-in outweighs an earlier "unsubscribe from everything", not a bounce.
        session.execute(delete(Suppression).where(
            Suppression.email_hash == subscription.email_hash,
            Suppression.reason == "unsubscribed"))
        return {**_article(site, thread), "site_name": site.name, "mode": subscription.mode}


def describe_unsubscribe(token: str) -> dict[str, Any]:
    """What an unsubscribe token would stop, for the confirmation page."""
    payload = _unsubscribe_payload(token)
    title = ""
    if payload["scope"] == "thread":
        thread = db.session.get(Thread, payload["t"])
        title = thread.title if thread is not None else ""
    return {"scope": payload["scope"], "title": title}


def unsubscribe(token: str, scope: str | None = None) -> str:
    """Stop mail as the token allows: one thread, or everything (the suppression list)."""
    payload = _unsubscribe_payload(token)
    scope = scope if scope in subscription_links.SCOPES else payload["scope"]
    if scope == "thread" and payload["scope"] != "thread":
        scope = "all"  # a token for everything names no thread
    hashed = payload["e"]
    with write_transaction() as session:
        stop = update(Subscription).where(Subscription.email_hash == hashed,
                                          Subscription.unsubscribed_at.is_(None))
        if scope == "thread":
            stop = stop.where(Subscription.thread_id == payload["t"])
        else:
            suppression.suppress_hash(hashed, "unsubscribed")
        session.execute(stop.values(unsubscribed_at=utcnow())
                        .execution_options(synchronize_session=False))
    return scope


def _unsubscribe_payload(token: str) -> dict[str, Any]:
    try:
        return subscription_links.read_unsubscribe_token(token)
    except tokens.InvalidToken as error:
        raise NotFound("This unsubscribe link is not valid.") from error
