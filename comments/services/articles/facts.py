"""Which article a write may name: facts from the site's page, the publisher, or confirmed readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from comments.errors import ArticleNotFound, ArticleUnreachable, TooManyNewThreads
from comments.extensions import db
from comments.models import Site, Thread
from comments.models.types import utcnow
from comments.services import quotas
from comments.services.articles.page import PageFacts, fetch_page, plain_text
from comments.services.client import Client
from comments.services.discussion.threads import bump, ensure_thread, find_thread
from comments.services.hashing import address_range, keyed_hash
from comments.services.sites import find_site

#: Titles a moderator or the publisher stands behind; the page's own reading does not replace them.
VOUCHED = ("publisher", "moderator")


@dataclass(frozen=True)
class Prepared:
    """What a write learnt about its article before its transaction: a fresh page reading, if any."""

    page: PageFacts | None = None
    #: False when nothing was looked at: the write itself judges whether a reading is due.
    looked: bool = True


#: A write that reads nothing before its transaction (raises PageReadingDue when one is due).
UNLOOKED = Prepared(looked=False)


class PageReadingDue(Exception):  # noqa: N818 (a signal to the caller, not an error)
    """An UNLOOKED write found its article's page due for a reading: `prepare`, then write again."""


def read_page(site: Site, uri: str) -> PageFacts:
    """Read the article's page at the site's base URL + `uri`, within the configured limits."""
    config = current_app.config
    return fetch_page(site.base_url, uri, timeout=float(config["ARTICLE_FETCH_TIMEOUT"]),
                      max_bytes=int(config["ARTICLE_FETCH_MAX_BYTES"]),
                      max_redirects=int(config["ARTICLE_FETCH_MAX_REDIRECTS"]))


def prepare(site_key: str, uri: str) -> Prepared:
    """Read the site's page now if the site takes facts from it and the thread has none fresh.

    Runs before the write transaction: waiting on the network must never hold the database's
    write lock. Unknown sites are left for the write to refuse.
    """
    site = find_site(site_key)
    if site is None or site.settings.article_facts != "fetch":
        return Prepared()
    row = db.session.execute(
        select(Thread.facts_checked_at, Thread.facts_status)
        .where(Thread.site_id == site.id, Thread.uri == uri)
    ).first()
    if row is not None and _fresh(row[0], row[1]):
        return Prepared()
    db.session.commit()  # end the read before the network wait
    return Prepared(read_page(site, uri))


def _fresh(checked_at: datetime | None, status: int | None) -> bool:
    if checked_at is None:
        return False
    config = current_app.config
    seconds = config["ARTICLE_FACTS_MAX_AGE"] if status == 200 else config["ARTICLE_FACTS_RETRY_SECONDS"]
    return checked_at > utcnow() - timedelta(seconds=float(seconds))


def thread_for_writing(site: Site, uri: str, prepared: Prepared, client: Client,
                       hint: str = "", known: Thread | None = None) -> Thread:
    """The thread a post or a share writes to, in the caller's write transaction.

    ArticleNotFound when the path is no article of the site; a reader's `hint` is kept only on
    an `open` site, and only as a hint for a moderator to confirm. `known` is the thread when
    the caller has read it already in this transaction (None: look).
    """
    mode = site.settings.article_facts
    thread = known if known is not None else find_thread(site, uri)
    if mode == "fetch":
        if not prepared.looked and (thread is None
                                    or not _fresh(thread.facts_checked_at, thread.facts_status)):
            raise PageReadingDue()
        return _fetched_thread(site, uri, prepared.page, thread)
    if mode == "publisher":
        if thread is None:
            raise ArticleNotFound("The publisher has not announced an article at this path.")
        return thread
    if thread is None:
        _claim_new_thread(site, client)
        return ensure_thread(site, uri, title_hint=plain_text(hint))
    if hint and not thread.title and not thread.title_hint:
        thread.title_hint = plain_text(hint)
    return thread


def _fetched_thread(site: Site, uri: str, page: PageFacts | None, thread: Thread | None) -> Thread:
    if page is None:
        if thread is None:  # read as fresh a moment ago, and gone since
            raise ArticleNotFound()
    elif thread is None:
        if page.status == 0:
            raise ArticleUnreachable()
        if not page.exists:
            raise ArticleNotFound()
        return ensure_thread(site, uri, page.title, source="page",
                             facts_checked_at=utcnow(), facts_status=200)
    else:
        record_reading(thread, page)
    if thread.facts_status not in (None, 200) and thread.title_source != "publisher":
        # (An article the publisher announced exists on their word, whatever its page says.)
        raise ArticleNotFound("The site no longer serves an article at this path.")
    return thread


def record_reading(thread: Thread, page: PageFacts) -> None:
    """Keep a fresh reading of the page on its thread (no answer at all keeps the last facts)."""
    thread.facts_checked_at = utcnow()
    if page.status == 0:
        return  # the site was down or slow: what we knew still holds until the next reading
    thread.facts_status = page.status
    if page.exists and page.title and thread.title_source not in VOUCHED:
        if thread.title != page.title:
            bump(thread)  # the thread's answers (and their ETags) show the title
        thread.title = page.title
        thread.title_source = "page"


def _claim_new_thread(site: Site, client: Client) -> None:
    """On an `open` site, one network starts at most `new_threads_per_network` threads a day."""
    start, end = quotas.day_window()
    bucket = f"threads:{site.id}:{keyed_hash('quota', address_range(client.address))}"
    if not quotas.claim(bucket, site.settings.new_threads_per_network, start):
        raise TooManyNewThreads(retry_after=max(1, int((end - utcnow()).total_seconds())))
