"""Admins' webhook pages under /moderate/webhooks: endpoints, their secret once, deliveries, resend."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from comments.errors import WebhookNotFound
from comments.services.sites import list_sites
from comments.services.webhooks import endpoints
from comments.services.webhooks.events import EVENTS
from comments.web.moderate import bp
from comments.web.moderate.session import admin_only, me


@bp.route("/webhooks")
@admin_only
def webhooks() -> Any:
    """The endpoints of the admin's sites, and a form to add one."""
    sites = [site for site in list_sites() if me().may_moderate(site.id)]
    return render_template("moderate/webhooks.html", rows=endpoints.list_endpoints(by=me()),
                           sites=sites, events=EVENTS)


@bp.route("/webhooks", methods=["POST"])
@admin_only
def add_webhook() -> Any:
    """Add an endpoint; the page that answers shows its secret, this once."""
    form = request.form
    made = endpoints.add_endpoint(form.get("site", "")[:64], form.get("url", ""),
                                  form.getlist("events"), description=form.get("description", ""),
                                  by=me())
    return render_template("moderate/webhook_secret.html", endpoint=made.endpoint,
                           site=made.site, secret=made.secret, rotated=False)


@bp.route("/webhooks/<int(max=2147483647):endpoint_id>")
@admin_only
def webhook(endpoint_id: int) -> Any:
    """One endpoint and its newest deliveries: status, answer, latency and attempts."""
    endpoint, site = endpoints.load_endpoint(endpoint_id, me())
    deliveries = endpoints.recent_deliveries(endpoint_id, limit=100, by=me())
    return render_template("moderate/webhook.html", endpoint=endpoint, site=site,
                           deliveries=deliveries, keys=len(endpoints.signing_keys(endpoint)))


@bp.route("/webhooks/<int(max=2147483647):endpoint_id>/rotate-secret", methods=["POST"])
@admin_only
def rotate_webhook_secret(endpoint_id: int) -> Any:
    """A new secret, shown once; the old one keeps signing for the grace period."""
    made = endpoints.rotate_secret(endpoint_id, by=me())
    return render_template("moderate/webhook_secret.html", endpoint=made.endpoint,
                           site=made.site, secret=made.secret, rotated=True)


@bp.route("/webhooks/<int(max=2147483647):endpoint_id>/<any(enable, disable):state>",
          methods=["POST"])
@admin_only
def switch_webhook(endpoint_id: int, state: str) -> Any:
    """Switch an endpoint on or off."""
    endpoints.set_enabled(endpoint_id, state == "enable", by=me())
    flash("Endpoint switched on." if state == "enable" else "Endpoint switched off.")
    return redirect(url_for("moderate.webhook", endpoint_id=endpoint_id), 303)


@bp.route("/webhooks/<int(max=2147483647):endpoint_id>/remove", methods=["POST"])
@admin_only
def remove_webhook(endpoint_id: int) -> Any:
    """Delete an endpoint and its deliveries."""
    endpoints.remove_endpoint(endpoint_id, by=me())
    flash("Endpoint removed.")
    return redirect(url_for("moderate.webhooks"), 303)


@bp.route("/webhooks/<int(max=2147483647):endpoint_id>/deliveries/"
          "<int(max=2147483647):delivery_id>/resend", methods=["POST"])
@admin_only
def resend_delivery(endpoint_id: int, delivery_id: int) -> Any:
    """Queue one delivery again, with its webhook-id."""
    if endpoints.delivery_endpoint(delivery_id) != endpoint_id:
        raise WebhookNotFound("No such delivery.")
    item = endpoints.resend(delivery_id, by=me())
    flash(f"Delivery {item.message_id} queued again.")
    return redirect(url_for("moderate.webhook", endpoint_id=endpoint_id), 303)
