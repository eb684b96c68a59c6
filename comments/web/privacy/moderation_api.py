"""Readers' data rights for moderators: a reader's data, or its erasure, through the bearer API."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from flask_smorest import Blueprint
from marshmallow import fields, validate

from comments.errors import Forbidden
from comments.schemas.common import SITE_KEY, BaseSchema
from comments.services.moderation.actions import actor_of
from comments.services.privacy import requests as privacy
from comments.services.sites import get_site
from comments.web.moderate import api as moderation_api

bp = Blueprint("moderation_privacy", __name__, url_prefix="/api/v1/moderation/privacy",
               description="A reader's data: a copy or its erasure, each recorded "
                           "(Authorization: Bearer <api token>)")
bp.before_request(moderation_api._authenticate)


class PrivacyIn(BaseSchema):
    """Whose data, on which site (omitted: every site, for moderators of all sites)."""

    email = fields.String(required=True, validate=validate.Length(min=3, max=320))
    site = fields.String(load_default=None,
                         validate=validate.Regexp(SITE_KEY, error="Not a site key."))


class EraseIn(PrivacyIn):
    """What to erase; `erase_text` defaults to the site's policy."""

    erase_text = fields.Boolean(load_default=None)


class ErasedOut(BaseSchema):
    """How much was erased."""

    comments = fields.Integer()
    subscriptions = fields.Integer()


def _allowed(site_key: str | None) -> None:
    moderator = g.api_moderator
    if site_key is None:
        if not moderator.all_sites:
            raise Forbidden("Only a moderator of every site may act on all sites; name a site.")
        return
    if not moderator.may_moderate(get_site(site_key).id):
        raise Forbidden("You do not moderate this site.")


@bp.route("/export", methods=["POST"])
@bp.arguments(PrivacyIn)
@bp.response(200)
def export(data: dict[str, Any]) -> Response:
    """Everything kept about the address: its comments and subscriptions (recorded)."""
    _allowed(data["site"])
    return jsonify(privacy.export_for(data["email"], data["site"], actor=actor_of(g.api_moderator)))


@bp.route("/erase", methods=["POST"])
@bp.arguments(EraseIn)
@bp.response(200, ErasedOut)
def erase(data: dict[str, Any]) -> Response:
    """Erase the address's name, email, website, hashes and subscriptions (recorded)."""
    _allowed(data["site"])
    done = privacy.erase_for(data["email"], data["site"], actor=actor_of(g.api_moderator),
                             erase_text=data["erase_text"])
    return jsonify(done)
