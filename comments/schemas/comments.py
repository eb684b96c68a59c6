"""Schemas of the public comments API: queries, bodies and the documented responses."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates

from comments.schemas.common import BaseSchema, SiteKey, Uri
from comments.services.web_address import NotAWebAddress, normal_web_address

SORTS = ("oldest", "newest", "top", "featured")


class ThreadQuery(BaseSchema):
    """Parameters of a thread read."""

    site = SiteKey()
    uri = Uri(required=True)
    sort = fields.String(load_default="oldest", validate=validate.OneOf(SORTS))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    after = fields.String(
        load_default=None,
        validate=validate.Length(max=300),
        metadata={"description": "The `next` cursor of the previous page."},
    )


class CountsQuery(BaseSchema):
    """Parameters of a counts read."""

    site = SiteKey()
    uri = fields.List(Uri(), required=True, validate=validate.Length(min=1, max=100))


class FeedQuery(BaseSchema):
    """Parameters of a thread feed."""

    site = SiteKey()
    uri = Uri(required=True)


class SiteFeedQuery(BaseSchema):
    """Parameters of a site's recent-comments feed."""

    site = SiteKey()


class Website(fields.String):
    """An http(s) URL in its normal form (services/web_address.py), or nothing."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return normal_web_address(text)
        except NotAWebAddress as error:
            raise ValidationError(str(error)) from error


class CommentIn(BaseSchema):
    """A new comment."""

    site = SiteKey()
    uri = Uri(required=True)
    title = fields.String(load_default="", validate=validate.Length(max=500))
    parent_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=1, max=2**31 - 1))
    author = fields.String(load_default="", allow_none=True, validate=validate.Length(max=100))
    email = fields.String(load_default="", allow_none=True, validate=validate.Length(max=254))
    website = Website(load_default=None, allow_none=True,
                      metadata={"description": "An http(s) URL; `example.org` means https://example.org."})
    text = fields.String(required=True, validate=validate.Length(min=1, max=100_000))
    notify_replies = fields.Boolean(load_default=False)
    notify_mode = fields.String(load_default="instant", validate=validate.OneOf(("instant", "digest")))
    language = fields.String(load_default="en", validate=validate.Length(max=10))
    form_token = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                               metadata={"description": "The token the embed's form was issued with."})
    hp = fields.String(load_default="", allow_none=True, validate=validate.Length(max=500),
                       metadata={"description": "Honeypot: humans leave it empty."})

    @validates("text")
    def _text_not_blank(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("Must not be blank.")


class CommentEdit(BaseSchema):
    """New text for a comment."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=100_000))

    @validates("text")
    def _text_not_blank(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("Must not be blank.")


class VoteIn(BaseSchema):
    """A reader's vote."""

    value = fields.Integer(required=True, strict=True, validate=validate.OneOf((1, -1)))


class FlagIn(BaseSchema):
    """A reader's report."""

    reason = fields.String(
        required=True, validate=validate.OneOf(("spam", "abuse", "off_topic", "other"))
    )


class PreviewIn(BaseSchema):
    """Text to preview, at most as long as the site allows a comment to be."""

    site = SiteKey()
    text = fields.String(required=True, validate=validate.Length(max=100_000))


class EditTokenHeader(BaseSchema):
    """The token that proves authorship."""

    x_edit_token = fields.String(
        data_key="X-Edit-Token", required=True, validate=validate.Length(min=1, max=500)
    )


# ---- responses (documentation; views build the JSON directly for speed) ----


class ThreadOut(BaseSchema):
    uri = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    count = fields.Integer(required=True)
    closed = fields.Boolean(required=True)
    featured_count = fields.Integer(metadata={"description": "How many editors' picks it has."})


class CommentOut(BaseSchema):
    id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    author = fields.String(required=True)
    website = fields.String(required=True, allow_none=True)
    avatar = fields.String(required=True)
    html = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    edited_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    likes = fields.Integer(required=True)
    dislikes = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("approved", "pending", "deleted")))
    replies = fields.List(fields.Nested(lambda: CommentOut()), required=True)
    reply_count = fields.Integer(required=True)
    pinned = fields.Boolean()
    depth = fields.Integer()
    removal_ground = fields.String(
        validate=validate.OneOf(("illegal", "terms")),
        metadata={"description": "On a placeholder a moderator's decision removed: its ground "
                                 "(absent otherwise)."})
    verified = fields.Boolean(metadata={"description": "Posted by a signed-in reader."})
    badges = fields.List(fields.String(), metadata={
        "description": "The author's badges: the publisher's (e.g. `subscriber`) and `staff`."})
    featured = fields.Boolean(metadata={"description": "An editors' pick."})


class CommentPosted(CommentOut):
    edit_token = fields.String(required=True)
    edit_until = fields.String(metadata={"format": "date-time"})


class ThreadPage(BaseSchema):
    thread = fields.Nested(ThreadOut, required=True)
    comments = fields.List(fields.Nested(CommentOut), required=True)
    next = fields.String(required=True, allow_none=True)


class CountsOut(BaseSchema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class VotesOut(BaseSchema):
    likes = fields.Integer(required=True)
    dislikes = fields.Integer(required=True)


class PreviewOut(BaseSchema):
    html = fields.String(required=True)
