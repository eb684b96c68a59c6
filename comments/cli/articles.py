"""`comments articles add|set-title|confirm|refresh|list`: the publisher's word on articles."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from comments.errors import DomainError
from comments.models import Site, Thread

ACTOR = "cli"


def _show(site: Site, thread: Thread) -> None:
    source = thread.title_source or "none"
    click.echo(f"{site.key} {thread.uri} title={thread.title!r} ({source})"
               + (f" waiting={thread.title_hint!r}" if thread.title_hint else ""))


def _fail(error: DomainError) -> None:
    raise click.ClickException(error.message)


@click.group()
def articles() -> None:
    """Name articles and their titles for sites that cannot be read (`publisher`), confirm readers' titles."""


@articles.command("add")
@click.argument("site")
@click.argument("uri")
@click.option("--title", required=True, help="The article's title (plain text).")
@with_appcontext
def add(site: str, uri: str, title: str) -> None:
    """Announce the article at URI with its title (or retitle it)."""
    from comments.services.articles import publishing

    try:
        _show(*publishing.announce(site, uri, title, actor=ACTOR))
    except DomainError as error:
        _fail(error)


@articles.command("set-title")
@click.argument("site")
@click.argument("uri")
@click.argument("title")
@with_appcontext
def set_title(site: str, uri: str, title: str) -> None:
    """Change the title of an article that exists already."""
    from comments.services.articles import publishing

    try:
        _show(*publishing.announce(site, uri, title, actor=ACTOR, create=False))
    except DomainError as error:
        _fail(error)


@articles.command("confirm")
@click.argument("site")
@click.argument("uri", required=False)
@click.option("--all", "everything", is_flag=True, help="Confirm every reader's title waiting on SITE.")
@with_appcontext
def confirm(site: str, uri: str | None, everything: bool) -> None:
    """Vouch for the title a reader sent for URI (or for all of them): it is then shown and mailed."""
    from comments.services.articles import publishing

    try:
        if everything:
            click.echo(f"Confirmed {publishing.confirm_all(site, actor=ACTOR)} titles.")
        elif uri:
            _show(*publishing.confirm_hint(site, uri, actor=ACTOR))
        else:
            raise click.UsageError("Name a URI, or pass --all.")
    except DomainError as error:
        _fail(error)


@articles.command("refresh")
@click.argument("site")
@click.argument("uri")
@with_appcontext
def refresh(site: str, uri: str) -> None:
    """Read the article's page on the site now and keep its title."""
    from comments.services.articles import publishing

    try:
        _show(*publishing.refresh(site, uri))
    except DomainError as error:
        _fail(error)


@articles.command("list")
@click.argument("site")
@click.option("--waiting", is_flag=True, help="Only titles that await confirmation.")
@with_appcontext
def list_command(site: str, waiting: bool) -> None:
    """A site's articles and where their titles come from."""
    from comments.services.articles import publishing

    after: int | None = None
    try:
        while True:
            page = publishing.list_articles(site, waiting=waiting, after=after, limit=100)
            for thread in page.threads:
                _show(page.site, thread)
            if page.next_cursor is None:
                return
            after = int(page.next_cursor)
    except DomainError as error:
        _fail(error)
