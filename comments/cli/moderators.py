"""`comments create-moderator` and `comments tokens ...`: moderators and their API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from comments.errors import DomainError
from comments.extensions import db
from comments.models import Moderator
from comments.services.moderation import moderators


def _fail(error: DomainError) -> None:
    errors = (error.errors or {}).items()
    details = "".join(f"\n  {field}: {'; '.join(why)}" for field, why in errors)
    raise click.ClickException(error.message + details)


@click.command("create-moderator")
@click.option("--email", required=True, help="Their address; also how they sign in.")
@click.option("--name", default="", help="Shown in the UI and in mail.")
@click.option("--role", type=click.Choice(moderators.ROLES), default="moderator", show_default=True)
@click.option("--site", "sites", multiple=True, help="A site key they moderate (repeatable).")
@click.option("--all-sites", is_flag=True, help="Moderate every site, present and future.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_moderator(email: str, name: str, role: str, sites: tuple[str, ...], all_sites: bool,
                     password_stdin: bool) -> None:
    """Add a moderator or admin (the password is prompted for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        created = moderators.create_moderator(email, name, password, role=role,
                                              site_keys=list(sites), all_sites=all_sites,
                                              actor="cli")
    except DomainError as error:
        _fail(error)
        return
    scope = "all sites" if created.all_sites else ", ".join(sorted(sites))
    click.echo(f"Created {created.role} {created.email} for {scope}.")


@click.group()
def tokens() -> None:
    """API tokens for integrations with the moderation API."""


def _moderator(email: str) -> Moderator:
    found = db.session.execute(
        select(Moderator).where(func.lower(Moderator.email) == email.strip().lower())
    ).scalar_one_or_none()
    if found is None:
        raise click.ClickException(f"No moderator {email}.")
    return found


@tokens.command("create")
@click.option("--email", required=True, help="The moderator the token acts for.")
@click.option("--name", required=True, help="What the token is for.")
@with_appcontext
def create_token(email: str, name: str) -> None:
    """Create a token and print it once; only its hash is stored."""
    try:
        created = moderators.create_token(_moderator(email).id, name, actor="cli")
    except DomainError as error:
        _fail(error)
        return
    click.echo(created.secret)


@tokens.command("list")
@click.option("--email", required=True)
@with_appcontext
def list_tokens(email: str) -> None:
    """A moderator's tokens (never the secrets)."""
    for token in moderators.list_tokens(_moderator(email)):
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{token.prefix}…\t{token.name}\t{token.moderator.email}\t{state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@click.option("--email", required=True, help="An admin, or the token's owner.")
@with_appcontext
def revoke_token(token_id: int, email: str) -> None:
    """Stop a token from working."""
    try:
        moderators.revoke_token(token_id, by=_moderator(email))
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"Token {token_id} revoked.")
