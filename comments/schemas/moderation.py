"""Schemas of the moderation JSON API: queries, bodies and the documented responses."""

from __future__ import annotations

from marshmallow import fields, validate

from comments.schemas.comments import CommentOut, ThreadOut
from comments.schemas.common import BaseSchema, SiteKey, Uri
from comments.services.moderation.actions import ACTIONS, MAX_BULK
from comments.services.moderation.queue import STATUSES


class ModerationQuery(BaseSchema):
    """Which comments to list."""

    status = fields.String(load_default="pending", validate=validate.OneOf(STATUSES))
    site = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,63}$"))
    uri = Uri(load_default=None)
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "Search text, author, email and article."})
    after = fields.String(load_default=None, validate=validate.Regexp(r"^[0-9]{1,18}$"),
                          metadata={"description": "The `next` cursor of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class BulkIn(BaseSchema):
    """One action on many comments."""

    ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1)),
                      required=True, validate=validate.Length(min=1, max=MAX_BULK))
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))


class ThreadRef(BaseSchema):
    """An article's thread."""

    site = SiteKey()
    uri = Uri(required=True)


class TextIn(BaseSchema):
    """A moderator's new text for a comment."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=100_000))
    note = fields.String(load_default="", validate=validate.Length(max=500))


class ModComment(CommentOut):
    """A comment as moderators see it: its real status, the author's email, flags, reasons."""

    status = fields.String(required=True, validate=validate.OneOf(
        ("pending", "approved", "rejected", "spam", "deleted")))
    site = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    uri = fields.String(required=True)
    url = fields.String(required=True)
    text = fields.String(required=True)
    flags = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    reasons = fields.List(fields.String(), required=True)
    history = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                          metadata={"description": "The author's comments on the site by status."})
    reader_id = fields.Integer(allow_none=True, metadata={
        "description": "The signed-in reader who wrote it (GET /api/v1/moderation/readers/<id>)."})


class ModReader(BaseSchema):
    """A signed-in reader as moderators see them."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True, allow_none=True)
    badges = fields.List(fields.String(), required=True)
    verified = fields.Boolean(required=True)
    sso = fields.Boolean(required=True, metadata={"description": "Signed in by the publisher's SSO."})
    created_at = fields.String(required=True, metadata={"format": "date-time"})


class ReaderHistoryOut(BaseSchema):
    reader = fields.Nested(ModReader, required=True)
    comments = fields.List(fields.Nested(ModComment), required=True)


class ModCommentPage(BaseSchema):
    comments = fields.List(fields.Nested(ModComment), required=True)
    next = fields.String(required=True, allow_none=True)


class BulkOut(BaseSchema):
    done = fields.List(fields.Integer(), required=True)
    failed = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "Comment id → error code."})


__all__ = ["BulkIn", "BulkOut", "ModComment", "ModCommentPage", "ModReader", "ModerationQuery",
           "ReaderHistoryOut", "TextIn", "ThreadOut", "ThreadRef"]
