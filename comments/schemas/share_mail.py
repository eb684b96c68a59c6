"""Schemas of "Send this to a friend" by email."""

from __future__ import annotations

from marshmallow import fields, validate

from comments.schemas.common import BaseSchema, SiteKey, Uri


class ShareMailIn(BaseSchema):
    """One article to one friend; the server looks the article up and fills the fixed template."""

    site = SiteKey()
    uri = Uri(required=True)
    to = fields.String(required=True, validate=validate.Length(min=3, max=254),
                       metadata={"description": "The one recipient's address."})
    from_name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "The sender's name, shown in the body."})
    from_email = fields.String(load_default="", allow_none=True,
                               validate=validate.Length(max=254),
                               metadata={"description": "Optional; never put in a header."})
    note = fields.String(load_default="", allow_none=True, validate=validate.Length(max=200),
                         metadata={"description": "Plain text, at most 200 characters, no links."})
    form_token = fields.String(load_default="", allow_none=True,
                               validate=validate.Length(max=500),
                               metadata={"description": "The token the embed's form was issued "
                                                        "with (purpose `form`, payload `{t}`)."})
    title = fields.String(load_default="", allow_none=True, validate=validate.Length(max=500),
                          metadata={"description": "The page's title, used only if the "
                                                   "article has none stored yet (as for links)."})
    language = fields.String(load_default="", allow_none=True, validate=validate.Length(max=10),
                             metadata={"description": "The mail's language (the page's); "
                                                      "default: the browser's."})
    hp = fields.String(load_default="", allow_none=True, validate=validate.Length(max=500),
                       metadata={"description": "Honeypot: humans leave it empty."})


class ShareMailOut(BaseSchema):
    id = fields.String(required=True, metadata={"description": "An opaque id of the request."})
