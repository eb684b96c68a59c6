""""Send this to a friend": tracked links to an article, and counting their clicks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select, update

from comments.database.engine import write_transaction
from comments.errors import NotFound
from comments.extensions import db
from comments.models import Share, Site, Thread
from comments.models.types import utcnow
from comments.services import tokens
from comments.services.articles import facts
from comments.services.client import Client
from comments.services.hashing import address_hash
from comments.services.public_links import public_url
from comments.services.sites import get_site
from comments.signals import article_shared


def create_link(site_key: str, uri: str, client: Client, title: str = "",
                kind: str = "link", prepared: facts.Prepared | None = None,
                **hashes: Any) -> tuple[Share, Site, Thread, str]:
    """Record a share of the article at `uri` and return it with its tracked URL.

    `title` is the reader's hint (kept for a moderator on an `open` site, never mailed);
    `prepared` is the article's page reading when the caller made it before its transaction.
    """
    if prepared is None:
        prepared = facts.prepare(site_key, uri)
    with write_transaction() as session:
        site = get_site(site_key)
        thread = facts.thread_for_writing(site, uri, prepared, client, hint=title)
        share = Share(site_id=site.id, thread_id=thread.id, kind=kind, clicks=0,
                      ip_hash=address_hash(client.address), created_at=utcnow(), **hashes)
        session.add(share)
        session.flush()
        url = tracked_url(share)
        article_shared.send(share, site=site, thread=thread)
    return share, site, thread, url


def tracked_url(share: Share) -> str:
    """The signed `/s/<token>` URL that leads to the article and counts the click."""
    return public_url("/s/" + tokens.sign("share-link", {"s": share.id}))


def mailto(title: str, article_url: str, link: str) -> str:
    """A `mailto:` for the reader's own mail program, with the subject and the tracked link."""
    subject = title or article_url
    body = f"{subject}\n\n{link}\n"
    return f"mailto:?subject={quote(subject)}&body={quote(body)}"


def follow(token: str) -> str:
    """Count a click on a tracked link; the stored article URL it leads to."""
    try:
        payload = tokens.unsign("share-link", token)
        share_id = int(payload["s"])
    except (tokens.InvalidToken, KeyError, TypeError, ValueError) as error:
        raise NotFound("This link is not valid.") from error
    with write_transaction():
        row = db.session.execute(
            select(Site, Thread).join(Thread, Thread.site_id == Site.id)
            .join(Share, Share.thread_id == Thread.id).where(Share.id == share_id)
        ).first()
        if row is None:
            raise NotFound("This link is not valid.")
        site, thread = row
        db.session.execute(
            update(Share).where(Share.id == share_id)
            .values(clicks=Share.clicks + 1, last_click_at=utcnow())
        )
        return site.article_url(thread.uri)
