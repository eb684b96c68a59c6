"""Schemas of "Send this to a friend"."""

from __future__ import annotations

from marshmallow import fields

from comments.schemas.common import BaseSchema, SiteKey, Uri


class ShareLinkIn(BaseSchema):
    """The article to share."""

    site = SiteKey()
    uri = Uri(required=True)
    title = fields.String(load_default="", metadata={"description": "Used if the thread is new."})


class ShareLinkOut(BaseSchema):
    url = fields.String(required=True, metadata={"description": "The tracked link."})
    mailto = fields.String(required=True)
