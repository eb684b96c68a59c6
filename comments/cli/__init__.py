"""The `comments` command: serve, migrate, manage sites and everything else an operator runs."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app() -> Flask:
    from comments import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """Reader comments and article sharing for news sites."""


def _register() -> None:
    from comments.cli import demo, mail, porting, privacy, serve, sites

    main.add_command(serve.serve)
    main.add_command(sites.sites)
    main.add_command(demo.demo)
    main.add_command(porting.import_group)
    main.add_command(porting.export_group)
    main.add_command(privacy.privacy)
    main.add_command(privacy.prune)
    main.add_command(mail.worker)
    main.add_command(mail.digest)
    main.add_command(mail.mail)
    from comments.cli import moderators

    main.add_command(moderators.create_moderator)
    main.add_command(moderators.tokens)
    from comments.cli import articles

    main.add_command(articles.articles)
    from comments.cli import notices

    main.add_command(notices.trusted_flaggers)
    from comments.cli import webhooks

    main.add_command(webhooks.webhooks)


_register()
