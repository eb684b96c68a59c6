"""Signed-in readers: found or made from an SSO user or a verified address, shown, revoked, erased."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from comments.database.engine import write_transaction
from comments.extensions import db
from comments.models import Comment, Reader, Site, Subscription, Thread
from comments.models.types import isoformat, utcnow
from comments.services.hashing import email_hash
from comments.services.identity import sessions
from comments.services.identity.sessions import staff_of_reader
from comments.services.identity.sso import SsoUser, read_sso_token
from comments.services.sites import get_site

STAFF = "staff"


@dataclass
class SignedIn:
    """A reader who just signed in, and their fresh token."""

    reader: Reader
    token: str
    site: Site


def sign_in_with_sso(site_key: str, token: str) -> SignedIn:
    """Exchange a publisher's SSO token for a reader token (the reader is made on first use)."""
    with write_transaction() as session:
        site = get_site(site_key)
        user = read_sso_token(site, token)
        subject = f"sso:{user.id}"
        reader = session.execute(
            select(Reader).where(Reader.site_id == site.id, Reader.subject == subject)
        ).scalar_one_or_none()
        if reader is None:
            reader = Reader(site_id=site.id, subject=subject, generation=1, verified=True,
                            profile_issued_at=0, badges=[])
            session.add(reader)
        if user.issued_at >= reader.profile_issued_at:
            _take_profile(reader, user)
        reader.last_seen_at = utcnow()
        session.flush()
        _refresh_comments(reader)
        return SignedIn(reader, sessions.reader_token(reader), site)


def _take_profile(reader: Reader, user: SsoUser) -> None:
    """A token at least as new as the last one seen carries the publisher's current profile."""
    reader.name, reader.email, reader.url = user.name, user.email, user.url
    reader.email_hash = email_hash(user.email)
    reader.badges = list(user.badges)
    reader.profile_issued_at = user.issued_at


def _refresh_comments(reader: Reader) -> None:
    """The reader's comments show their current name and badges."""
    db.session.execute(
        update(Comment).where(Comment.reader_id == reader.id)
        .values(author=reader.name, badges=",".join(badges_of(reader, None)))
        .execution_options(synchronize_session=False)
    )


def reader_by_email(site: Site, address: str) -> Reader:
    """The reader who proved they read mail at `address` (made on first sign-in)."""
    subject = f"email:{address}"
    reader = db.session.execute(
        select(Reader).where(Reader.site_id == site.id, Reader.subject == subject)
    ).scalar_one_or_none()
    if reader is None:
        reader = Reader(site_id=site.id, subject=subject, email=address,
                        email_hash=email_hash(address), name=address.split("@", 1)[0][:100],
                        generation=1, verified=True, profile_issued_at=0, badges=[])
        db.session.add(reader)
    reader.last_seen_at = utcnow()
    db.session.flush()
    return reader


def badges_of(reader: Reader, site: Site | None) -> list[str]:
    """The badges a reader's comments show: the publisher's, and `staff` for the site's moderators."""
    badges = list(reader.badges or [])
    if STAFF not in badges and reader.email and _is_moderator(reader):
        badges.append(STAFF)
    return badges


def _is_moderator(reader: Reader) -> bool:
    """Whether an active moderator of the reader's site has the reader's (verified) address."""
    if reader.is_staff is not None:  # loaded with the reader for this write
        return bool(reader.is_staff)
    return bool(db.session.execute(
        select(staff_of_reader()).where(Reader.id == reader.id)).scalar())


def reader_json(reader: Reader) -> dict[str, Any]:
    """The contract's reader: what the embed shows of the signed-in reader."""
    return {"id": reader.id, "name": reader.name, "badges": badges_of(reader, None),
            "verified": bool(reader.verified)}


def sign_out(token: str) -> None:
    """Revoke every token of the reader this token names."""
    with write_transaction():
        sessions.sign_out_everywhere(sessions.reader_of_token(token))


def my_data(token: str) -> dict[str, Any]:
    """The reader, their comments on the site, their subscriptions and their data requests."""
    from comments.models import PrivacyRequest

    reader = sessions.reader_of_token(token)
    site = db.session.get(Site, reader.site_id)
    assert site is not None
    rows = db.session.execute(
        select(Comment, Thread).join(Thread, Thread.id == Comment.thread_id)
        .where(Comment.reader_id == reader.id).order_by(Comment.created_at, Comment.id)
    ).all()
    comments = [{"id": c.id, "uri": t.uri, "url": site.article_url(t.uri), "parent_id": c.parent_id,
                 "text": c.text, "status": c.status, "created_at": isoformat(c.created_at),
                 "edited_at": isoformat(c.edited_at), "featured": c.featured} for c, t in rows]
    subscriptions: list[dict[str, Any]] = []
    requests: list[dict[str, Any]] = []
    if reader.email_hash:
        for sub, thread in db.session.execute(
            select(Subscription, Thread).join(Thread, Thread.id == Subscription.thread_id)
            .where(Subscription.site_id == site.id, Subscription.email_hash == reader.email_hash)
            .order_by(Subscription.id)
        ).all():
            subscriptions.append({"uri": thread.uri, "comment_id": sub.comment_id,
                                  "mode": sub.mode, "confirmed": sub.confirmed_at is not None,
                                  "active": sub.unsubscribed_at is None})
        for request in db.session.execute(
            select(PrivacyRequest).where(PrivacyRequest.email_hash == reader.email_hash)
            .order_by(PrivacyRequest.id)
        ).scalars():
            requests.append({"kind": request.kind, "created_at": isoformat(request.created_at),
                             "completed_at": isoformat(request.completed_at)})
    return {"reader": reader_json(reader), "comments": comments,
            "subscriptions": subscriptions, "data_requests": requests}


def erase_me(token: str) -> dict[str, int]:
    """Erase the reader through the privacy service, then forget the reader itself."""
    from comments.services.privacy.requests import erase_data, record

    with write_transaction() as session:
        reader = sessions.reader_of_token(token)
        site = db.session.get(Site, reader.site_id)
        assert site is not None
        done: dict[str, int] = {}
        if reader.email:
            done = erase_data(email_hash(reader.email), site,
                              erase_text=site.settings.erase_text, actor="reader",
                              address=reader.email)
            record(site, reader.email, "erase", "reader").email_hash = ""
        session.execute(
            update(Comment).where(Comment.reader_id == reader.id)
            .values(reader_id=None, author="", verified=False, badges="", author_key=None)
            .execution_options(synchronize_session=False)
        )
        session.delete(reader)
        return done
