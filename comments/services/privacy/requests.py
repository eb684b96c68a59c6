"""Readers' data rights: asking for a copy or an erasure, confirming by mail, and doing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from comments.database.engine import write_transaction
from comments.errors import Conflict, Forbidden, Invalid
from comments.extensions import db
from comments.models import (
    Comment,
    CommentStatus,
    OutboxMessage,
    PrivacyRequest,
    Share,
    Site,
    Subscription,
    Thread,
)
from comments.models.types import isoformat, utcnow
from comments.services import tokens
from comments.services.discussion.status import change_status
from comments.services.discussion.threads import bump
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.hashing import email_hash
from comments.services.mail import outbox
from comments.services.notices import records as notice_records
from comments.services.public_links import public_url
from comments.services.sites import get_site

KINDS = ("export", "erase")
REQUESTS_PER_ADDRESS_PER_DAY = 3


def _reader_address(value: str) -> str:
    """The address as typed, normalized; Invalid (in this form's words) when it is not one."""
    try:
        return normalized_email(value)
    except NotAnEmailAddress as error:
        raise Invalid(errors={"email": ["Not a valid email address."]}) from error


def request_by_reader(site_key: str, address: str, kind: str) -> None:
    """Record a reader's request and mail them a link to confirm it.

    The answer is the same whether or not we hold anything for the address, so the form tells
    nobody who has commented; the mail goes out only where there is data to act on, which keeps
    the form from being a way to send mail to strangers.
    """
    if kind not in KINDS:
        raise Invalid(errors={"kind": [f"Must be one of {', '.join(KINDS)}."]})
    address = _reader_address(address)
    hashed = email_hash(address)
    with write_transaction() as session:
        site = get_site(site_key)
        since = utcnow() - timedelta(days=1)
        recent = session.execute(
            select(func.count()).select_from(PrivacyRequest)
            .where(PrivacyRequest.email_hash == hashed, PrivacyRequest.created_at > since)
        ).scalar_one()
        if recent >= REQUESTS_PER_ADDRESS_PER_DAY:
            return
        holds = _holds_data(site.id, hashed)
        request = PrivacyRequest(site_id=site.id, email_hash=hashed, kind=kind,
                                 status="requested" if holds else "nothing_held",
                                 requested_by="reader", created_at=utcnow())
        session.add(request)
        session.flush()
        if holds:
            token = tokens.sign("privacy", {"r": request.id})
            outbox.queue_mail(site=site, recipient=address, template="privacy_confirm",
                              kind="privacy", context={
                                  "kind": kind, "site_name": site.name or site.key,
                                  "confirm_url": public_url(f"/privacy/confirm/{token}"),
                                  "valid_hours": tokens.PURPOSES["privacy"] // 3600,
                              })


def _holds_data(site_id: int | None, hashed: str) -> bool:
    comments = select(Comment.id).join(Thread, Thread.id == Comment.thread_id).where(
        Comment.email_hash == hashed)
    subscriptions = select(Subscription.id).where(Subscription.email_hash == hashed)
    if site_id is not None:
        comments = comments.where(Thread.site_id == site_id)
        subscriptions = subscriptions.where(Subscription.site_id == site_id)
    return bool(db.session.execute(comments.limit(1)).first()
                or db.session.execute(subscriptions.limit(1)).first())


@dataclass
class Confirmed:
    """A request whose emailed link was followed: what it asks, for which site."""

    request: PrivacyRequest
    site: Site | None


def check_token(token: str) -> Confirmed:
    """The request a confirmation link stands for, or Forbidden / Conflict."""
    try:
        payload = tokens.unsign("privacy", token)
        request_id = int(payload["r"])
    except (tokens.InvalidToken, KeyError, TypeError, ValueError) as error:
        raise Forbidden("This link is not valid or has expired; ask again.") from error
    request = db.session.get(PrivacyRequest, request_id)
    if request is not None and request.kind == "erase" and request.status == "completed":
        raise Conflict("Your data was already erased.")
    if request is None or not request.email_hash:
        raise Forbidden("This link is not valid or has expired; ask again.")
    site = db.session.get(Site, request.site_id) if request.site_id else None
    return Confirmed(request, site)


def carry_out(token: str) -> tuple[str, dict[str, Any]]:
    """Do what a confirmed request asks: (`export`, the data) or (`erase`, what was erased)."""
    with write_transaction():
        confirmed = check_token(token)
        request = confirmed.request
        now = utcnow()
        request.confirmed_at = request.confirmed_at or now
        if request.kind == "export":
            data = export_data(request.email_hash, confirmed.site)
            request.status, request.completed_at = "completed", now
            return "export", data
        site = confirmed.site
        erase_text = site.settings.erase_text if site else False
        done = erase_data(request.email_hash, site, erase_text=erase_text, actor="reader")
        request.status, request.completed_at, request.email_hash = "completed", now, ""
        return "erase", done


def record(site: Site | None, address: str, kind: str, actor: str) -> PrivacyRequest:
    """A request made by a moderator or on the command line, already confirmed."""
    now = utcnow()
    request = PrivacyRequest(site_id=site.id if site else None, email_hash=email_hash(address),
                             kind=kind, status="completed", requested_by=actor[:200],
                             created_at=now, confirmed_at=now, completed_at=now)
    db.session.add(request)
    return request


def export_for(address: str, site_key: str | None, actor: str) -> dict[str, Any]:
    """A copy of everything held about `address` (on one site or all), recorded as a request."""
    address = _reader_address(address)
    with write_transaction():
        site = get_site(site_key) if site_key else None
        record(site, address, "export", actor)
        return export_data(email_hash(address), site)


def erase_for(address: str, site_key: str | None, actor: str,
              erase_text: bool | None = None) -> dict[str, int]:
    """Erase `address` (on one site or all); text too if asked or the site's policy says so."""
    address = _reader_address(address)
    with write_transaction():
        site = get_site(site_key) if site_key else None
        if erase_text is None:
            erase_text = site.settings.erase_text if site else False
        hashed = email_hash(address)
        done = erase_data(hashed, site, erase_text=erase_text, actor=actor, address=address)
        record(site, address, "erase", actor).email_hash = ""
        return done


def _comments_of(hashed: str, site: Site | None, address: str | None = None) -> Any:
    query = (select(Comment, Thread, Site).join(Thread, Thread.id == Comment.thread_id)
             .join(Site, Site.id == Thread.site_id))
    match = Comment.email_hash == hashed
    if address:
        match = or_(match, func.lower(Comment.email) == address.lower())
    query = query.where(match)
    if site is not None:
        query = query.where(Thread.site_id == site.id)
    return query.order_by(Comment.created_at, Comment.id)


def export_data(hashed: str, site: Site | None) -> dict[str, Any]:
    """The reader's comments and subscriptions, as a JSON-ready document."""

    comments = []
    for comment, thread, owner in db.session.execute(_comments_of(hashed, site)):
        comments.append({
            "id": comment.id, "site": owner.key, "article": owner.article_url(thread.uri),
            "uri": thread.uri, "parent_id": comment.parent_id, "author": comment.author,
            "email": comment.email, "website": comment.website, "text": comment.text,
            "html": comment.html, "status": comment.status,
            "created_at": isoformat(comment.created_at), "edited_at": isoformat(comment.edited_at),
            "likes": comment.likes, "dislikes": comment.dislikes,
            "notify_replies": comment.notify_replies,
        })
    subscriptions = select(Subscription, Thread).join(Thread, Thread.id == Subscription.thread_id)
    subscriptions = subscriptions.where(Subscription.email_hash == hashed)
    if site is not None:
        subscriptions = subscriptions.where(Subscription.site_id == site.id)
    return {
        "format": "comments-personal-data", "exported_at": isoformat(utcnow()),
        "site": site.key if site else None,
        "comments": comments,
        "subscriptions": [{
            "uri": thread.uri, "comment_id": sub.comment_id, "email": sub.email,
            "mode": sub.mode, "language": sub.language, "created_at": isoformat(sub.created_at),
            "confirmed_at": isoformat(sub.confirmed_at),
            "unsubscribed_at": isoformat(sub.unsubscribed_at),
        } for sub, thread in db.session.execute(subscriptions.order_by(Subscription.id))],
        # Notices they filed, statements of reasons about their comments, their appeals.
        **notice_records.export_records(hashed, site),
    }


def erase_data(hashed: str, site: Site | None, *, erase_text: bool, actor: str,
               address: str | None = None) -> dict[str, int]:
    """Remove the reader's identity (and text, if asked) in the current transaction.

    Comments stay where they are so threads keep their shape: with the text erased they become
    placeholders (status deleted), otherwise they stay up without a name.
    """
    addresses = {address.lower()} if address else set()
    erased = 0
    for comment, thread, owner in db.session.execute(_comments_of(hashed, site, address)).all():
        if comment.email:
            addresses.add(comment.email.lower())
        comment.author, comment.email, comment.website = "", None, None
        comment.email_hash = comment.ip_hash = comment.author_key = None
        comment.avatar_seed, comment.notify_replies = "", False
        # The import fingerprint covers the address too, so it goes; "erased" keeps a later
        # re-import of the old export from bringing the details back.
        kept = {k: v for k, v in (comment.extra or {}).items() if k != "import_digest"}
        comment.extra = {**kept, "erased": True}
        comment.version = comment.version + 1
        if erase_text:
            comment.text, comment.html = "", ""
            if comment.status != CommentStatus.DELETED:
                change_status(comment, thread, owner, CommentStatus.DELETED, actor=actor,
                              note="erased at the reader's request")
        bump(thread)
        erased += 1
    subscriptions = select(Subscription).where(Subscription.email_hash == hashed)
    if site is not None:
        subscriptions = subscriptions.where(Subscription.site_id == site.id)
    removed = 0
    for sub in db.session.execute(subscriptions).scalars().all():
        addresses.add(sub.email.lower())
        db.session.delete(sub)
        removed += 1
    # The suppression list stays: an address that bounced or asked never to be mailed again
    # must not become mailable by being erased (it holds only a keyed hash, no address).
    # Everything below is scoped like the comments above: an erasure on one site (by that
    # site's moderator, or a reader asking that site) leaves other sites' rows alone (rows of
    # no site, the install's own, go with it).
    for column in (Share.sender_hash, Share.recipient_hash):
        shares = update(Share).where(column == hashed)
        if site is not None:
            shares = shares.where(Share.site_id == site.id)
        db.session.execute(shares.values({column.key: None}))
    if addresses:
        # Mail to the address, sent or waiting: keep the row for the log, not the address.
        to_reader: ColumnElement[bool] = func.lower(OutboxMessage.recipient).in_(addresses)
        if site is not None:
            to_reader = and_(to_reader, or_(OutboxMessage.site_id == site.id,
                                            OutboxMessage.site_id.is_(None)))
        db.session.execute(
            update(OutboxMessage).where(to_reader, OutboxMessage.status == "pending")
            .values(status="failed", last_error="erased at the reader's request")
            .execution_options(synchronize_session=False))
        db.session.execute(
            update(OutboxMessage).where(to_reader).values(recipient="", context={})
            .execution_options(synchronize_session=False))
    notice_records.erase_records(hashed, site, address)
    # Earlier requests by the same reader stay as a record, without the address's hash.
    requests = update(PrivacyRequest).where(PrivacyRequest.email_hash == hashed)
    if site is not None:
        requests = requests.where(or_(PrivacyRequest.site_id == site.id,
                                      PrivacyRequest.site_id.is_(None)))
    db.session.execute(requests.values(email_hash="").execution_options(synchronize_session=False))
    db.session.flush()
    return {"comments": erased, "subscriptions": removed}
