""""Send this to a friend" by email: a mail relay to any address, guarded as one."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from flask import current_app
from linkify_it import LinkifyIt

from comments.config import flag
from comments.database.engine import write_transaction
from comments.errors import BadFormToken, Invalid, QuotaExceeded, SharingByEmailOff
from comments.models import Site
from comments.models.types import utcnow
from comments.services import quotas
from comments.services.articles import facts
from comments.services.client import Client
from comments.services.email_address import NotAnEmailAddress, mailbox_key, normalized_email
from comments.services.form_signs import Stamp, read_signs, spend
from comments.services.hashing import address_range, email_hash, keyed_hash
from comments.services.mail import outbox, suppression
from comments.services.sharing import links as shares
from comments.services.sites import get_site

EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
NOTE_MAX = 200
NAME_MAX = 80
_links = LinkifyIt(options={"fuzzy_link": True, "fuzzy_email": True, "fuzzy_ip": True})


@dataclass(frozen=True)
class ShareRequest:
    """A reader's request, already shaped by the schema."""

    site: str
    uri: str
    to: str
    from_name: str
    from_email: str
    note: str
    form_token: str
    hp: str
    language: str = ""
    title: str = ""  # fills an article that has no stored title yet, as a link request does


def share_by_email(request: ShareRequest, client: Client) -> str:
    """Queue the article's mail to one friend; an opaque id (the same shape in every case)."""
    if not flag(current_app.config["SHARES_BY_EMAIL_ENABLED"]):
        raise SharingByEmailOff("Sending articles by email is switched off on this server.")
    prepared = facts.prepare(request.site, request.uri)  # any page reading, before the write lock
    with write_transaction():
        site = get_site(request.site)
        if not site.settings.share_by_email:
            raise SharingByEmailOff()
        signs = read_signs(request.form_token, request.hp)
        if signs.stamp is not Stamp.GOOD or signs.elapsed is None or not spend(signs):
            raise BadFormToken()
        recipient, sender_email, name, note = _checked_fields(request)
        if signs.honeypot_filled:
            return _decoy()  # a bot filled the honeypot: it learns nothing, nobody gets mail
        if signs.elapsed < site.settings.min_submit_seconds:
            raise Invalid("Sent too quickly; wait a moment and send again.",
                          {"form_token": ["Sent too quickly."]})
        recipient_hash = email_hash(recipient)
        sender_hash = email_hash(sender_email) if sender_email else None
        # Quotas count mailboxes: every `+tag` of one address spends the same budget.
        _claim_quotas(site, client,
                      email_hash(mailbox_key(sender_email)) if sender_email else None,
                      email_hash(mailbox_key(recipient)))
        share, site, thread, url = shares.create_link(
            site.key, request.uri, client, kind="email", prepared=prepared, sender_hash=sender_hash,
            recipient_hash=recipient_hash)
        # Suppressed recipients get exactly the same answer and quota use: the response
        # must not tell anyone whether an address opted out.
        if not (suppression.hash_is_suppressed(recipient_hash)
                or suppression.hash_is_suppressed(email_hash(mailbox_key(recipient)))):
            outbox.queue_mail(
                site=site, recipient=recipient, template="share", kind="share",
                language=request.language or client.language or "en",
                context={"thread_id": thread.id, "title": thread.title,
                         "article_url": site.article_url(thread.uri), "link": url,
                         "from_name": name, "note": note},
            )
        return public_id(share.id)


def public_id(share_id: int) -> str:
    """The id a client sees for a share: opaque, so it reveals no volumes."""
    return keyed_hash("share-id", str(share_id))[:20]


def _decoy() -> str:
    return secrets.token_hex(10)


def has_link(text: str) -> bool:
    """Whether `text` holds anything a mail program would turn into a link."""
    lowered = text.lower()
    return (bool(_links.test(text)) or "://" in lowered or "www." in lowered
            or EMAIL_LIKE.search(text) is not None)


def _checked_fields(request: ShareRequest) -> tuple[str, str | None, str, str]:
    errors: dict[str, list[str]] = {}
    recipient = _address(request.to, "to", errors)
    sender = _address(request.from_email, "from_email", errors) if request.from_email else None
    name = " ".join(request.from_name.split())
    note = request.note.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not name:
        errors["from_name"] = ["Your name is required."]
    elif len(name) > NAME_MAX or has_link(name):
        errors["from_name"] = [f"A plain name of at most {NAME_MAX} characters, no links."]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"At most {NOTE_MAX} characters."]
    elif has_link(note):
        errors["note"] = ["The note cannot contain links or addresses."]
    if any(ord(ch) < 32 and ch not in "\n" for ch in note):
        errors["note"] = ["The note cannot contain control characters."]
    if errors:
        raise Invalid(errors=errors)
    return recipient or "", sender, name, note


def _address(value: str, field: str, errors: dict[str, list[str]]) -> str | None:
    try:
        return normalized_email(value)
    except NotAnEmailAddress:
        errors[field] = ["One valid email address."]
        return None


def _claim_quotas(site: Site, client: Client, sender_hash: str | None,
                  recipient_hash: str) -> None:
    settings = site.settings
    start, end = quotas.day_window()
    buckets: list[tuple[str, int]] = [
        (f"share:site:{site.id}", settings.share_limit_per_site),
        (f"share:client:{site.id}:{keyed_hash('quota', address_range(client.address))}",
         settings.share_limit_per_client),
        (f"share:to:{site.id}:{recipient_hash}", settings.share_limit_per_recipient),
    ]
    if sender_hash:
        buckets.append((f"share:from:{site.id}:{sender_hash}", settings.share_limit_per_sender))
    for bucket, limit in buckets:
        if not quotas.claim(bucket, limit, start):
            # Raising rolls back the whole transaction, so no unit of any quota is spent.
            raise QuotaExceeded(retry_after=max(1, int((end - utcnow()).total_seconds())))

