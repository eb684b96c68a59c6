"""Email sign-in: a 6-digit code by mail (hashed, short-lived, few tries), limited per address and network."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from comments.database.engine import write_transaction
from comments.errors import BadSignInCode
from comments.extensions import db
from comments.models import SignInCode, Site
from comments.models.types import utcnow
from comments.services import quotas
from comments.services.client import Client
from comments.services.email_address import NotAnEmailAddress, normalized_email
from comments.services.hashing import address_range, email_hash, keyed_hash
from comments.services.identity import sessions
from comments.services.identity.readers import SignedIn, reader_by_email
from comments.services.sites import get_site


def network_of(client: Client) -> str:
    """The network a code request is counted against (identity's own keying, see DESIGN.md)."""
    return address_range(client.address)


def request_code(site_key: str, typed: str, client: Client, language: str = "en") -> None:
    """Mail a fresh code to the address, if its quotas allow; silent either way.

    The caller answers the same whatever happens here: known or unknown address, over quota
    or not, so that the answer tells nobody whether an address reads this site.
    """
    try:
        address = normalized_email(typed)
    except NotAnEmailAddress:
        return
    config = current_app.config
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    with write_transaction():
        site = get_site(site_key)
        hashed = email_hash(address)
        if not quotas.claim(f"signin-net:{site.id}:{keyed_hash('network', network_of(client))}",
                            int(config["SIGN_IN_CODES_PER_NETWORK_HOUR"]), hour):
            return
        if not quotas.claim(f"signin-addr:{site.id}:{hashed}",
                            int(config["SIGN_IN_CODES_PER_ADDRESS_HOUR"]), hour):
            return
        code = f"{secrets.randbelow(1_000_000):06d}"
        minutes = int(config["SIGN_IN_CODE_MINUTES"])
        # A new code replaces any earlier one: only the newest works.
        db.session.execute(delete(SignInCode).where(SignInCode.site_id == site.id,
                                                    SignInCode.email_hash == hashed))
        db.session.add(SignInCode(site_id=site.id, email_hash=hashed,
                                  code_hash=_code_hash(site, hashed, code),
                                  tries_left=int(config["SIGN_IN_CODE_TRIES"]),
                                  expires_at=utcnow() + timedelta(minutes=minutes)))
        from comments.services.mail.outbox import queue_mail

        queue_mail(site=site, recipient=address, template="sign_in_code",
                   context={"code": code, "minutes": minutes}, kind="sign-in",
                   language=language[:10] or "en")


def sign_in_with_code(site_key: str, typed: str, code: str) -> SignedIn:
    """Exchange the newest code mailed to the address for a reader token; BadSignInCode if not.

    A wrong code spends a try even though the answer is an error, so it commits first.
    """
    try:
        address = normalized_email(typed)
    except NotAnEmailAddress as error:
        raise BadSignInCode() from error
    with write_transaction() as session:
        site = get_site(site_key)
        hashed = email_hash(address)
        stored = session.execute(
            select(SignInCode).where(SignInCode.site_id == site.id,
                                     SignInCode.email_hash == hashed)
            .order_by(SignInCode.id.desc()).limit(1).with_for_update()
        ).scalar_one_or_none()
        matched = False
        if stored is not None:
            if stored.expires_at < utcnow() or stored.tries_left <= 0:
                session.delete(stored)
            elif hmac.compare_digest(stored.code_hash, _code_hash(site, hashed, code.strip())):
                session.delete(stored)
                matched = True
            else:
                stored.tries_left = stored.tries_left - 1
                if stored.tries_left <= 0:
                    session.delete(stored)
        if matched:
            reader = reader_by_email(site, address)
            return SignedIn(reader, sessions.reader_token(reader), site)
    raise BadSignInCode()


def _code_hash(site: Site, hashed_email: str, code: str) -> str:
    return keyed_hash("sign-in-code", f"{site.id}:{hashed_email}:{code}")
