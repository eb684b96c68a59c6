"""Schemas of readers' identity: signing in, the reader, the reader's own data."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from comments.schemas.common import BaseSchema, SiteKey


class SessionIn(BaseSchema):
    """Sign in: with the publisher's SSO token, or an address (a code is mailed), or both."""

    site = SiteKey()
    sso_token = fields.String(validate=validate.Length(min=1, max=8000),
                              metadata={"description": "A JWT signed with the site's SSO key."})
    email = fields.String(validate=validate.Length(min=3, max=254))
    code = fields.String(validate=validate.Regexp(r"^\s*[0-9]{6}\s*$", error="Six digits."),
                         metadata={"description": "The 6-digit code mailed to `email`."})
    language = fields.String(load_default="en", validate=validate.Length(max=10))

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_: Any) -> None:
        if ("sso_token" in data) == ("email" in data):
            raise ValidationError("Give either sso_token, or email (and then code).", "_schema")
        if "code" in data and "email" not in data:
            raise ValidationError("A code goes with the email it was sent to.", "code")


class ReaderTokenHeader(BaseSchema):
    """A signed-in reader's token."""

    x_reader_token = fields.String(
        data_key="X-Reader-Token", required=True, validate=validate.Length(min=1, max=1000)
    )


class ReaderOut(BaseSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    badges = fields.List(fields.String(), required=True)
    verified = fields.Boolean(required=True)


class SignedInOut(BaseSchema):
    reader_token = fields.String(required=True)
    reader = fields.Nested(ReaderOut, required=True)


class CodeSentOut(BaseSchema):
    status = fields.String(required=True, metadata={"description": "Always `code_sent`."})


class MyCommentOut(BaseSchema):
    id = fields.Integer(required=True)
    uri = fields.String(required=True)
    url = fields.String(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    text = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    edited_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    featured = fields.Boolean(required=True)


class MySubscriptionOut(BaseSchema):
    uri = fields.String(required=True)
    comment_id = fields.Integer(required=True)
    mode = fields.String(required=True)
    confirmed = fields.Boolean(required=True)
    active = fields.Boolean(required=True)


class MyRequestOut(BaseSchema):
    kind = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    completed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class MeOut(BaseSchema):
    reader = fields.Nested(ReaderOut, required=True)
    comments = fields.List(fields.Nested(MyCommentOut), required=True)
    subscriptions = fields.List(fields.Nested(MySubscriptionOut), required=True)
    data_requests = fields.List(fields.Nested(MyRequestOut), required=True)


class AuthorHeaders(BaseSchema):
    """Proof of authorship: the comment's edit token, or the signed-in author's reader token."""

    x_edit_token = fields.String(data_key="X-Edit-Token", validate=validate.Length(min=1, max=500),
                                 metadata={"description": "The edit token of the comment."})
    x_reader_token = fields.String(
        data_key="X-Reader-Token", validate=validate.Length(min=1, max=1000),
        metadata={"description": "The reader token of the comment's signed-in author."})

    @validates_schema
    def _one_proof(self, data: dict[str, Any], **_: Any) -> None:
        if "x_edit_token" not in data and "x_reader_token" not in data:
            raise ValidationError("Send X-Edit-Token or X-Reader-Token.", "X-Edit-Token")
