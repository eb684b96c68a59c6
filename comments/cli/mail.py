"""`comments worker`, `comments digest`, `comments mail list|show`: delivering and showing mail."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext


@click.command()
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
@with_appcontext
def worker(once: bool) -> None:
    """Deliver queued mail (any number of workers, on any machine); stops cleanly on SIGTERM."""
    from comments.errors import NoPublicUrl
    from comments.services.mail.digests import send_due_digests
    from comments.services.mail.outbox import prune_finished_mail
    from comments.services.mail.worker import run_worker
    from comments.services.moderation.held_digest import send_held_digests

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        # Finish the message in hand, give back the rest of the batch, exit 0.
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    def periodic() -> int:
        prune_finished_mail()
        return send_due_digests() + send_held_digests()

    try:
        tally = run_worker(stop, once=once, digests=periodic)
    except NoPublicUrl as error:
        raise click.ClickException(error.message) from error
    click.echo(f"worker stopped: {tally.sent} sent, {tally.retried} to retry, "
               f"{tally.failed} failed, {tally.skipped} suppressed")


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
