"""`comments worker`, `comments digest`, `comments mail list|show`: delivering and showing mail."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import with_appcontext


@click.command()
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
@with_appcontext
def worker(once: bool) -> None:
    """Deliver queued mail and webhooks (any number of workers, anywhere); stops on SIGTERM."""
    from comments.errors import NoPublicUrl
    from comments.services.mail.digests import send_due_digests
    from comments.services.mail.outbox import prune_finished_mail
    from comments.services.mail.worker import run_worker
    from comments.services.moderation.held_digest import send_held_digests
    from comments.services.webhooks.delivery import prune_finished_deliveries

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the message in hand, give back the rest of the batch, exit 0.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    def periodic() -> int:
        prune_finished_mail()
        prune_finished_deliveries()
        return send_due_digests() + send_held_digests()

    # Webhooks go out from the same process, in a thread of their own, so a slow receiver
    # never holds up mail (and the other way round).
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    hooks = threading.Thread(target=_deliver_webhooks, args=(app, stop, once), daemon=True)
    hooks.start()
    try:
        tally = run_worker(stop, once=once, digests=periodic)
    except NoPublicUrl as error:
        stop.set()
        hooks.join()
        raise click.ClickException(error.message) from error
    if not once:
        stop.set()
    hooks.join()
    click.echo(f"worker stopped: {tally.sent} sent, {tally.retried} to retry, "
               f"{tally.failed} failed, {tally.skipped} suppressed")


def _deliver_webhooks(app: Flask, stop: threading.Event, once: bool) -> None:
    from comments.services.webhooks.delivery import run_webhook_worker

    with app.app_context():
        run_webhook_worker(stop, once=once)


@click.command()
@with_appcontext
def digest() -> None:
    """Queue the reply digests and moderators' held-comment digests that are due."""
    from comments.services.mail.digests import send_due_digests
    from comments.services.moderation.held_digest import send_held_digests

    click.echo(f"{send_due_digests()} digests queued")
    click.echo(f"{send_held_digests()} moderator digests queued")


@click.group()
def mail() -> None:
    """Mail written as .eml files when no SMTP server is configured."""


@mail.command("list")
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def list_mail(limit: int) -> None:
    """List the newest mail files."""
    from comments.services.mail.eml_files import list_files
    from comments.services.mail.transport import mail_folder

    files = list_files(limit)
    if not files:
        click.echo(f"No mail files in {mail_folder()}")
    for item in files:
        click.echo(f"{item.written_at:%Y-%m-%d %H:%M:%S}  {item.name}  {item.to}  {item.subject}")


@mail.command("show")
@click.argument("name")
@with_appcontext
def show_mail(name: str) -> None:
    """Print one mail file's headers and plain text."""
    from comments.errors import NotFound
    from comments.services.mail.eml_files import body_text, read_file

    try:
        message = read_file(name)
    except NotFound as error:
        raise click.ClickException(str(error)) from error
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        click.echo(f"{header}: {message.get(header, '')}")
    click.echo("")
    click.echo(body_text(message))
