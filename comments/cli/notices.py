"""`comments trusted-flaggers add|list|remove`: the addresses and domains whose notices go first."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from comments.errors import DomainError
from comments.services.notices import trusted


def _fail(error: DomainError) -> None:
    errors = (error.errors or {}).items()
    details = "".join(f"\n  {field}: {'; '.join(why)}" for field, why in errors)
    raise click.ClickException(error.message + details)


@click.group("trusted-flaggers")
def trusted_flaggers() -> None:
    """Trusted flaggers per site (DSA Art. 22): their notices are marked and decided first."""


@trusted_flaggers.command("add")
@click.argument("site")
@click.argument("pattern")
@click.option("--note", default="", help="Who they are, for the other moderators.")
@with_appcontext
def add(site: str, pattern: str, note: str) -> None:
    """Trust an address (desk@hotline.example) or a whole domain (hotline.example)."""
    try:
        flagger = trusted.add_flagger(site, pattern, "cli", note)
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"{flagger.pattern} is a trusted flagger of {site}.")


@trusted_flaggers.command("list")
@click.argument("site")
@with_appcontext
def list_(site: str) -> None:
    """The site's trusted flaggers, one a line: pattern, who added it, note."""
    try:
        flaggers = trusted.list_flaggers(site)
    except DomainError as error:
        _fail(error)
        return
    for flagger in flaggers:
        click.echo(f"{flagger.pattern}\t{flagger.created_by}\t{flagger.note}")


@trusted_flaggers.command("remove")
@click.argument("site")
@click.argument("pattern")
@with_appcontext
def remove(site: str, pattern: str) -> None:
    """Stop trusting an address or a domain."""
    try:
        trusted.remove_flagger(site, pattern, "cli")
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"{pattern} is no longer a trusted flagger of {site}.")
