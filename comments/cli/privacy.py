"""`comments privacy export|erase EMAIL` and `comments prune`: data rights and retention."""

from __future__ import annotations

import json
from typing import TextIO

import click
from flask.cli import with_appcontext

from comments.errors import DomainError


def _fail(error: DomainError) -> click.ClickException:
    details = "".join(f" {'; '.join(why)}" for why in (error.errors or {}).values())
    return click.ClickException(error.message + details)


@click.group()
def privacy() -> None:
    """Answer a reader's request for a copy of their data or its erasure."""


@privacy.command("export")
@click.argument("email")
@click.option("--site", "site_key", default=None, help="Only this site (default: every site).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the JSON (default: standard output).")
@with_appcontext
def export_command(email: str, site_key: str | None, output: TextIO) -> None:
    """Write everything kept about EMAIL as JSON; the request is recorded."""
    from comments.services.privacy.requests import export_for

    try:
        data = export_for(email, site_key, actor="cli")
    except DomainError as error:
        raise _fail(error) from error
    output.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@privacy.command("erase")
@click.argument("email")
@click.option("--site", "site_key", default=None, help="Only this site (default: every site).")
@click.option("--erase-text/--keep-text", default=None,
              help="Remove the comments' text too (default: the site's erase_text setting).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(email: str, site_key: str | None, erase_text: bool | None, yes: bool) -> None:
    """Erase EMAIL's name, address, website, hashes and subscriptions; the request is recorded."""
    from comments.services.privacy.requests import erase_for

    if not yes:
        click.confirm(f"Erase the data of {email}{' on ' + site_key if site_key else ''}?",
                      abort=True)
    try:
        done = erase_for(email, site_key, actor="cli", erase_text=erase_text)
    except DomainError as error:
        raise _fail(error) from error
    click.echo(f"Erased {done['comments']} comments and {done['subscriptions']} subscriptions.")


@click.command()
@click.option("--site", "site_key", default=None, help="Only this site (default: every site).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--dry-run", is_flag=True, help="Count what would go, change nothing.")
@with_appcontext
def prune(site_key: str | None, batch_size: int, dry_run: bool) -> None:
    """Forget old address hashes and remove old spam and rejected comments (per-site settings:
    retention_ip_days, retention_spam_days; 0 keeps forever)."""
    from comments.services.privacy.retention import prune as run

    try:
        report = run(site_key, batch_size=batch_size, dry_run=dry_run)
    except DomainError as error:
        raise _fail(error) from error
    verb = "Would forget" if dry_run else "Forgot"
    click.echo(f"{verb} {report.address_hashes} address hashes; "
               f"{'would remove' if dry_run else 'removed'} {report.comments_removed} spam or "
               f"rejected comments and emptied {report.placeholders} that have replies.")
    from comments.services.identity.upkeep import prune_spent

    spent = prune_spent(dry_run=dry_run)
    click.echo(f"{'Would remove' if dry_run else 'Removed'} {spent} expired sign-in codes and "
               "single sign-on token ids.")
