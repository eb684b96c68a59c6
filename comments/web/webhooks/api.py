"""`/api/v1/moderation/webhooks`: a site's endpoints and deliveries for integrations (admins' tokens)."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from flask_smorest import Blueprint

from comments.errors import WebhookNotFound
from comments.schemas.webhooks import (
    DeliveryList,
    DeliveryOut,
    WebhookIn,
    WebhookList,
    WebhookOut,
    WebhookQuery,
    WebhookWithSecret,
)
from comments.services.webhooks import endpoints
from comments.web.errors import accepts_empty_body
from comments.web.moderate.api import _authenticate, _guarded
from comments.web.webhooks.present import delivery_json, endpoint_json

bp = Blueprint("webhooks_api", __name__, url_prefix="/api/v1/moderation/webhooks",
               description="Webhook endpoints of a site (an admin's API token)")
bp.before_request(_authenticate)

ID = "<int(max=2147483647):endpoint_id>"


@bp.route("", methods=["GET"])
@_guarded
@bp.arguments(WebhookQuery, location="query")
@bp.response(200, WebhookList)
def list_webhooks(args: dict[str, Any]) -> Response:
    """The endpoints of the sites this admin manages (never their secrets)."""
    rows = endpoints.list_endpoints(site_key=args["site"], by=g.api_moderator)
    return jsonify({"webhooks": [endpoint_json(endpoint, site) for endpoint, site in rows]})


@bp.route("", methods=["POST"])
@_guarded
@bp.arguments(WebhookIn)
@bp.response(201, WebhookWithSecret)
def add_webhook(data: dict[str, Any]) -> tuple[Response, int]:
    """Register an endpoint; the answer holds its `whsec_` secret, shown this once."""
    made = endpoints.add_endpoint(data["site"], data["url"], data["events"],
                                  description=data["description"], by=g.api_moderator)
    return jsonify(endpoint_json(made.endpoint, made.site, made.secret)), 201


@bp.route(f"/{ID}", methods=["GET"])
@_guarded
@bp.response(200, WebhookOut)
def get_webhook(endpoint_id: int) -> Response:
    """One endpoint."""
    endpoint, site = endpoints.load_endpoint(endpoint_id, g.api_moderator)
    return jsonify(endpoint_json(endpoint, site))


@bp.route(f"/{ID}", methods=["DELETE"])
@_guarded
@bp.response(204)
def remove_webhook(endpoint_id: int) -> Response:
    """Delete an endpoint and its deliveries."""
    endpoints.remove_endpoint(endpoint_id, by=g.api_moderator)
    return Response(status=204)


@bp.route(f"/{ID}/rotate-secret", methods=["POST"])
@_guarded
@accepts_empty_body
@bp.response(200, WebhookWithSecret)
def rotate_secret(endpoint_id: int) -> Response:
    """A new secret, shown once; the previous one also signs for the grace period."""
    made = endpoints.rotate_secret(endpoint_id, by=g.api_moderator)
    return jsonify(endpoint_json(made.endpoint, made.site, made.secret))


@bp.route(f"/{ID}/<any(enable, disable):state>", methods=["POST"])
@_guarded
@accepts_empty_body
@bp.response(200, WebhookOut)
def switch(endpoint_id: int, state: str) -> Response:
    """Switch an endpoint on again (after it was disabled for failing) or off."""
    endpoints.set_enabled(endpoint_id, state == "enable", by=g.api_moderator)
    endpoint, site = endpoints.load_endpoint(endpoint_id, g.api_moderator)
    return jsonify(endpoint_json(endpoint, site))


@bp.route(f"/{ID}/deliveries", methods=["GET"])
@_guarded
@bp.response(200, DeliveryList)
def deliveries(endpoint_id: int) -> Response:
    """The endpoint's newest deliveries: status, attempts, the receiver's answer and latency."""
    rows = endpoints.recent_deliveries(endpoint_id, limit=100, by=g.api_moderator)
    return jsonify({"deliveries": [delivery_json(item) for item in rows]})


@bp.route(f"/{ID}/deliveries/<int(max=2147483647):delivery_id>/resend", methods=["POST"])
@_guarded
@accepts_empty_body
@bp.response(200, DeliveryOut)
def resend(endpoint_id: int, delivery_id: int) -> Response:
    """Queue a delivery again now, with the same `webhook-id`."""
    if endpoints.delivery_endpoint(delivery_id) != endpoint_id:
        raise WebhookNotFound("No such delivery.")
    return jsonify(delivery_json(endpoints.resend(delivery_id, by=g.api_moderator)))
