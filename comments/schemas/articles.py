"""Schemas of the publisher's article API: announcing articles, confirming titles, listing them."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from comments.schemas.common import BaseSchema, SiteKey, Uri


class ArticleIn(BaseSchema):
    """The publisher names an article and its title (plain text; markup is removed)."""

    site = SiteKey()
    uri = Uri(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ArticleRef(BaseSchema):
    """An article of a site."""

    site = SiteKey()
    uri = Uri(required=True)


def _an_id(value: str) -> None:
    """A cursor is a thread id: it fits the database's 32-bit integer (never a 500 on PostgreSQL)."""
    if int(value) > 2**31 - 1:
        raise ValidationError("Not a valid cursor.")


class ArticleQuery(BaseSchema):
    """Which of a site's articles to list."""

    site = SiteKey()
    waiting = fields.Boolean(load_default=False, metadata={
        "description": "Only articles whose reader-sent title awaits a moderator."})
    after = fields.String(load_default=None,
                          validate=[validate.Regexp(r"^[0-9]{1,10}$"), lambda value: _an_id(value)],
                          metadata={"description": "The `next` cursor of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class ArticleOut(BaseSchema):
    """An article as its thread knows it: the publisher's title and where it came from."""

    site = fields.String(required=True)
    uri = fields.String(required=True)
    url = fields.String(required=True)
    title = fields.String(required=True, metadata={
        "description": "The title shown and mailed: from the site's page, the publisher, an "
                       "import or a moderator's confirmation; empty when none is known."})
    title_source = fields.String(required=True, validate=validate.OneOf(
        ("", "page", "publisher", "import", "moderator")))
    title_hint = fields.String(required=True, metadata={
        "description": "A title a reader sent, shown to nobody until a moderator confirms it."})
    checked_at = fields.String(required=True, allow_none=True, metadata={
        "description": "When the site's page was last read (`fetch` sites)."})
    page_status = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The HTTP status of that reading; 0 when the site did not answer."})


class ArticlePageOut(BaseSchema):
    """A page of articles."""

    articles = fields.List(fields.Nested(ArticleOut), required=True)
    next = fields.String(required=True, allow_none=True)
