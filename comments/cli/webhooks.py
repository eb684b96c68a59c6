"""`comments webhooks add|list|remove|rotate-secret|enable|disable|deliveries|resend|deliver`."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

import click
from flask.cli import with_appcontext

from comments.errors import DomainError


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{key}: {', '.join(map(str, why))}"
                        for key, why in (error.errors or {}).items())
    raise click.ClickException(f"{error.message}{' (' + details + ')' if details else ''}")


@click.group()
def webhooks() -> None:
    """A site's webhook endpoints: signed deliveries of its events (Standard Webhooks)."""


@webhooks.command("add")
@click.argument("site_key")
@click.argument("url")
@click.option("--events", "events", multiple=True, required=True,
              help="Events to receive: comment.created, comment.approved, ... (comma-separated "
                   "or repeated).")
@click.option("--description", default="", help="What this endpoint is for.")
@with_appcontext
def add(site_key: str, url: str, events: tuple[str, ...], description: str) -> None:
    """Register URL for some of SITE_KEY's events; prints the secret once."""
    from comments.services.webhooks.endpoints import add_endpoint

    chosen = [name for value in events for name in value.split(",")]
    try:
        made = add_endpoint(site_key, url, chosen, description=description)
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"Added webhook {made.endpoint.id} for {made.site.key}: {made.endpoint.url}")
    click.echo(f"Events: {', '.join(made.endpoint.events)}")
    click.echo(f"Secret (shown once, keep it with the receiver): {made.secret}")


@webhooks.command("list")
@click.option("--site", "site_key", default=None, help="Only this site's endpoints.")
@with_appcontext
def list_command(site_key: str | None) -> None:
    """List the endpoints (secrets are never shown again)."""
    from comments.services.webhooks.endpoints import list_endpoints

    rows = list_endpoints(site_key=site_key)
    if not rows:
        click.echo("No webhook endpoints.")
    for endpoint, site in rows:
        state = f"disabled: {endpoint.disabled_reason}" if endpoint.disabled_at else "enabled"
        click.echo(f"{endpoint.id}\t{site.key}\t{endpoint.url}\t{','.join(endpoint.events)}\t{state}")


@webhooks.command("remove")
@click.argument("endpoint_id", type=int)
@with_appcontext
def remove(endpoint_id: int) -> None:
    """Delete an endpoint and its deliveries."""
    from comments.services.webhooks.endpoints import remove_endpoint

    try:
        remove_endpoint(endpoint_id)
    except DomainError as error:
        _fail(error)
    click.echo(f"Removed webhook {endpoint_id}")


@webhooks.command("rotate-secret")
@click.argument("endpoint_id", type=int)
@with_appcontext
def rotate(endpoint_id: int) -> None:
    """A new secret, printed once; the old one also signs during the grace period."""
    from flask import current_app

    from comments.services.webhooks.endpoints import rotate_secret

    try:
        made = rotate_secret(endpoint_id)
    except DomainError as error:
        _fail(error)
        return
    hours = float(current_app.config["WEBHOOKS_SECRET_GRACE_SECONDS"]) / 3600
    click.echo(f"New secret for webhook {endpoint_id} (shown once): {made.secret}")
    click.echo(f"The old secret keeps signing too for {hours:g} hours.")


@webhooks.command("enable")
@click.argument("endpoint_id", type=int)
@with_appcontext
def enable(endpoint_id: int) -> None:
    """Switch an endpoint on again (after it was disabled for failing)."""
    from comments.services.webhooks.endpoints import set_enabled

    try:
        set_enabled(endpoint_id, True)
    except DomainError as error:
        _fail(error)
    click.echo(f"Webhook {endpoint_id} enabled")


@webhooks.command("disable")
@click.argument("endpoint_id", type=int)
@with_appcontext
def disable(endpoint_id: int) -> None:
    """Stop delivering to an endpoint; its deliveries wait until it is enabled again."""
    from comments.services.webhooks.endpoints import set_enabled

    try:
        set_enabled(endpoint_id, False)
    except DomainError as error:
        _fail(error)
    click.echo(f"Webhook {endpoint_id} disabled")


@webhooks.command("deliveries")
@click.argument("endpoint_id", type=int)
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def deliveries(endpoint_id: int, limit: int) -> None:
    """An endpoint's newest deliveries: webhook-id, event, status, attempts, answer, latency."""
    from comments.services.webhooks.endpoints import recent_deliveries

    try:
        rows = recent_deliveries(endpoint_id, limit=limit)
    except DomainError as error:
        _fail(error)
        return
    for item in rows:
        click.echo(f"{item.id}\t{item.message_id}\t{item.event}\t{item.status}\t"
                   f"{item.attempts}\t{item.response_status or '-'}\t"
                   f"{item.latency_ms if item.latency_ms is not None else '-'} ms\t"
                   f"{item.last_error or ''}")


@webhooks.command("resend")
@click.argument("delivery_id", type=int)
@with_appcontext
def resend(delivery_id: int) -> None:
    """Queue a delivery again now, with the same webhook-id."""
    from comments.services.webhooks.endpoints import resend as resend_delivery

    try:
        item = resend_delivery(delivery_id)
    except DomainError as error:
        _fail(error)
        return
    click.echo(f"Delivery {item.id} ({item.message_id}) queued again")


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def deliver(once: bool) -> None:
    """Deliver queued webhooks only (`comments worker` delivers them alongside mail)."""
    from comments.services.webhooks.delivery import run_webhook_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    tally = run_webhook_worker(stop, once=once)
    click.echo(f"webhook worker stopped: {tally.delivered} delivered, {tally.retried} to retry, "
               f"{tally.failed} failed")
