"""`comments sites add|list|update|show`: publishers' sites and their policies."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import with_appcontext

from comments.errors import DomainError
from comments.models.site import SiteSettings

SETTING_OPTIONS = [
    ("require_author", "--require-name/--no-require-name", bool),
    ("require_email", "--require-email/--no-require-email", bool),
    ("edit_window", "--edit-window", int),
    ("max_depth", "--max-depth", int),
    ("close_after_days", "--close-after-days", int),
    ("text_max_length", "--max-length", int),
    ("moderation", "--moderation", str),
    ("hold_until_approved", "--hold-until-approved", int),
    ("hold_links", "--hold-links", int),
    ("flag_threshold", "--flag-threshold", int),
    ("share_by_email", "--share-by-email/--no-share-by-email", bool),
    ("article_facts", "--article-facts", str),  # fetch | publisher | open (docs/api.md, "Articles")
    ("identity", "--identity", str),
    ("trust_verified_after", "--trust-verified-after", int),
]


def _setting_options(command: Any) -> Any:
    for name, flag, kind in reversed(SETTING_OPTIONS):
        if kind is bool:
            command = click.option(flag, name, default=None)(command)
        else:
            command = click.option(flag, name, type=kind, default=None)(command)
    command = click.option("--set", "raw_settings", multiple=True, metavar="NAME=JSON",
                           help="Any other setting, e.g. --set post_limit='\"3 per minute\"'.")(command)
    return command


def _collect(options: dict[str, Any], raw: tuple[str, ...]) -> dict[str, Any]:
    changes = {name: options[name] for name, _flag, _kind in SETTING_OPTIONS
               if options.get(name) is not None}
    for item in raw:
        name, _, value = item.partition("=")
        try:
            changes[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            changes[name.strip()] = value
    return changes


def _fail(error: DomainError) -> None:
    details = "".join(f"\n  {field}: {'; '.join(why)}" for field, why in (error.errors or {}).items())
    raise click.ClickException(error.message + details)


@click.group()
def sites() -> None:
    """Manage the sites that embed comments."""


@sites.command("add")
@click.argument("key")
@click.option("--base-url", required=True, help="Where the site's articles live, e.g. https://news.example")
@click.option("--name", default="", help="The site's name, shown in mail.")
@click.option("--origin", "origins", multiple=True, help="Another origin allowed to embed (repeatable).")
@click.option("--mail-from", default=None, help="The site's sender address for mail.")
@_setting_options
@with_appcontext
def add(key: str, base_url: str, name: str, origins: tuple[str, ...], mail_from: str | None,
        raw_settings: tuple[str, ...], **options: Any) -> None:
    """Add a site."""
    from comments.services.sites import create_site

    try:
        site = create_site(key, base_url, name=name, origins=list(origins), mail_from=mail_from,
                           settings=_collect(options, raw_settings))
    except DomainError as error:
        _fail(error)
        return
    allowed = ", ".join(site.allowed_origins)
    click.echo(f"Added site {site.key} ({site.base_url}); embeds allowed on {allowed}")


@sites.command("update")
@click.argument("key")
@click.option("--base-url", default=None)
@click.option("--name", default=None)
@click.option("--origin", "origins", multiple=True,
              help="Replace the whole list of allowed origins with these (repeatable); the "
                   "base URL's origin always stays. To change one, use --add-origin or "
                   "--remove-origin.")
@click.option("--add-origin", "add_origins", multiple=True,
              help="Allow one more origin to embed, keeping the others (repeatable).")
@click.option("--remove-origin", "remove_origins", multiple=True,
              help="Stop one origin from embedding, keeping the others (repeatable).")
@click.option("--mail-from", default=None)
@click.option("--sso-secret", is_flag=True,
              help="Make a new HS256 single sign-on secret and print it, this once.")
@click.option("--sso-public-key", type=click.File("r"), default=None,
              help="A PEM file: the publisher's RS256 or EdDSA public key for single sign-on.")
@click.option("--no-sso", is_flag=True, help="Turn single sign-on off.")
@_setting_options
@with_appcontext
def update(key: str, base_url: str | None, name: str | None, origins: tuple[str, ...],
           add_origins: tuple[str, ...], remove_origins: tuple[str, ...],
           mail_from: str | None, raw_settings: tuple[str, ...], sso_secret: bool,
           sso_public_key: Any, no_sso: bool, **options: Any) -> None:
    """Change a site's URL, origins, settings or single sign-on key."""
    from comments.services.identity import sso_keys
    from comments.services.sites import get_site, origin_of, update_site

    if sum((sso_secret, sso_public_key is not None, no_sso)) > 1:
        raise click.UsageError("Give one of --sso-secret, --sso-public-key and --no-sso.")
    try:
        before = list(get_site(key).allowed_origins)
        site = update_site(key, base_url=base_url, name=name, origins=list(origins) or None,
                           mail_from=mail_from, settings=_collect(options, raw_settings),
                           add_origins=list(add_origins), remove_origins=list(remove_origins))
        added = [origin_of(value) for value in add_origins]
        removed = [origin_of(value) for value in remove_origins]
        if sso_secret:
            secret = sso_keys.new_sso_secret(key)
            click.echo("SSO secret (HS256), shown only this once; sign readers' tokens with it:")
            click.echo(secret)
        elif sso_public_key is not None:
            algorithm = sso_keys.set_sso_public_key(key, sso_public_key.read(20_000))
            click.echo(f"SSO public key set: tokens must be signed with {algorithm}.")
        elif no_sso:
            sso_keys.remove_sso_key(key)
            click.echo("Single sign-on is off.")
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"Updated site {site.key}")
    if origins:
        dropped = [origin for origin in before if origin not in site.allowed_origins]
        click.echo("Replaced the allowed origins (--origin replaces the whole list)"
                   + (f"; no longer allowed: {', '.join(dropped)}" if dropped else ""))
    if added:
        click.echo(f"Added {', '.join(dict.fromkeys(added))}")
    if removed:
        click.echo(f"Removed {', '.join(dict.fromkeys(removed))}")
    if origins or added or removed or base_url:
        click.echo(f"Embeds allowed on: {', '.join(site.allowed_origins)}")


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with every setting.")
@with_appcontext
def list_command(as_json: bool) -> None:
    """List the sites."""
    from comments.services.sites import list_sites

    rows = list_sites()
    if as_json:
        click.echo(json.dumps([
            {"key": s.key, "name": s.name, "base_url": s.base_url, "allowed_origins": s.allowed_origins,
             "mail_from": s.mail_from, "settings": s.settings.to_dict()} for s in rows
        ], indent=2))
        return
    for site in rows:
        settings = site.settings
        click.echo(f"{site.key}\t{site.base_url}\t{' '.join(site.allowed_origins)}\t"
                   f"moderation={settings.moderation} edit_window={settings.edit_window}s "
                   f"max_depth={settings.max_depth}")


@sites.command("settings")
def settings_help() -> None:
    """Show every per-site setting and its default."""
    for name, value in SiteSettings().to_dict().items():
        click.echo(f"{name} = {json.dumps(value)}")
