"""The publisher's word on articles: announcing them with titles, and confirming readers' titles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from comments.database.engine import write_transaction
from comments.errors import ArticleNotFound, Conflict, Forbidden, Invalid
from comments.extensions import db
from comments.models import Moderator, Site, Thread
from comments.services import audit
from comments.services.articles.facts import read_page, record_reading
from comments.services.articles.page import plain_text
from comments.services.discussion.threads import bump, ensure_thread, find_thread
from comments.services.sites import get_site

LIST_MAX = 100


@dataclass(frozen=True)
class ArticlePage:
    """A page of a site's articles, and the cursor of the next one."""

    site: Site
    threads: list[Thread]
    next_cursor: str | None


def announce(site_key: str, uri: str, title: str, *, actor: str,
             moderator: Moderator | None = None, create: bool = True) -> tuple[Site, Thread]:
    """The publisher names the article at `uri` and its title; with `create`, announces it."""
    clean = plain_text(title)
    if not clean:
        raise Invalid(errors={"title": ["A title with some text in it."]})
    with write_transaction():
        site = _site(site_key, moderator)
        thread = find_thread(site, uri)
        if thread is None and not create:
            raise ArticleNotFound("No article at this path yet; add it first.")
        before = thread.title if thread is not None else None
        thread = ensure_thread(site, uri, clean, source="publisher")
        thread.title, thread.title_source, thread.title_hint = clean, "publisher", ""
        _record("article_title", site, thread, actor, moderator, before)
        db.session.flush()
        return site, thread


def confirm_hint(site_key: str, uri: str, *, actor: str,
                 moderator: Moderator | None = None) -> tuple[Site, Thread]:
    """A moderator vouches for the title a reader sent: it becomes the article's title."""
    with write_transaction():
        site = _site(site_key, moderator)
        thread = find_thread(site, uri)
        if thread is None:
            raise ArticleNotFound()
        if not thread.title_hint:
            raise Conflict("No reader's title waits for confirmation on this article.")
        before = thread.title
        thread.title, thread.title_source, thread.title_hint = thread.title_hint, "moderator", ""
        _record("article_title_confirmed", site, thread, actor, moderator, before)
        db.session.flush()
        return site, thread


def confirm_all(site_key: str, *, actor: str) -> int:
    """Confirm every waiting reader's title of a site (an operator's decision); how many."""
    with write_transaction():
        site = get_site(site_key)
        waiting = db.session.execute(
            select(Thread).where(Thread.site_id == site.id, Thread.title_hint != "")
        ).scalars().all()
        for thread in waiting:
            before = thread.title
            thread.title, thread.title_source, thread.title_hint = thread.title_hint, "moderator", ""
            _record("article_title_confirmed", site, thread, actor, None, before)
        return len(waiting)


def refresh(site_key: str, uri: str) -> tuple[Site, Thread]:
    """Read the article's page now and keep what it says (an operator's command)."""
    site = get_site(site_key)
    page = read_page(site, uri)
    with write_transaction():
        site = get_site(site_key)
        thread = find_thread(site, uri)
        if thread is None:
            if not page.exists:
                raise ArticleNotFound(f"The site's page did not answer 200 ({page.problem}).")
            thread = ensure_thread(site, uri, page.title, source="page")
        record_reading(thread, page)
        db.session.flush()
        return site, thread


def list_articles(site_key: str, *, moderator: Moderator | None = None, waiting: bool = False,
                  after: int | None = None, limit: int = 50) -> ArticlePage:
    """A site's articles by id; with `waiting`, only those whose reader's title awaits a moderator."""
    site = _site(site_key, moderator)
    statement = select(Thread).where(Thread.site_id == site.id).order_by(Thread.id)
    if waiting:
        statement = statement.where(Thread.title_hint != "")
    if after is not None:
        statement = statement.where(Thread.id > after)
    rows = list(db.session.execute(statement.limit(min(limit, LIST_MAX) + 1)).scalars())
    more = len(rows) > min(limit, LIST_MAX)
    rows = rows[: min(limit, LIST_MAX)]
    return ArticlePage(site, rows, str(rows[-1].id) if more and rows else None)


def _site(site_key: str, moderator: Moderator | None) -> Site:
    site = get_site(site_key)
    if moderator is not None and not moderator.may_moderate(site.id):
        raise Forbidden("You do not moderate this site.")
    return site


def _record(action: str, site: Site, thread: Thread, actor: str, moderator: Moderator | None,
            before: str | None) -> None:
    if before != thread.title:
        bump(thread)  # the thread's answers (and their ETags) show the title
    db.session.flush()
    audit.record(action, actor=actor, site_id=site.id, thread_id=thread.id,
                 moderator_id=moderator.id if moderator is not None else None,
                 before={"title": before}, after={"title": thread.title})
