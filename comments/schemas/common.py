"""Schemas shared by every endpoint: errors, site and article path fields."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

SITE_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# A path on the site: "/" alone or "/" then anything but a second "/", control characters
# or backslashes (no scheme, no host, nothing a browser would read as another origin).
URI_PATH = re.compile(r"^/([^/\x00-\x1f\x7f\\][^\x00-\x1f\x7f\\]*)?$")


class ErrorSchema(Schema):
    """The contract's error body."""

    error = fields.String(required=True, metadata={"description": "A short machine code."})
    message = fields.String(required=True, metadata={"description": "Human text."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Why each field is invalid (validation errors only)."},
    )


class BaseSchema(Schema):
    """Lenient about unknown keys, so newer clients keep working against this server."""

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def _refuse_nul(self, data: Any, **_: Any) -> Any:
        """No database stores NUL in text reliably; refuse it at the edge."""
        if isinstance(data, dict):
            bad = [key for key, value in data.items()
                   if isinstance(value, str) and "\x00" in value
                   or isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value)]
            if bad:
                raise ValidationError({str(key): ["Must not contain NUL characters."] for key in bad})
        return data


# Control characters and backslashes: one regex scan, not a Python loop (counts validate 100).
UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


def validate_uri(value: str) -> None:
    """An article path on the site: starts with `/`, no scheme, host or control characters."""
    if not value.startswith("/") or value.startswith("//"):
        raise ValidationError("Must be a path on the site, starting with a single '/'.")
    if UNSAFE_IN_PATH.search(value):
        raise ValidationError("Must not contain control characters or backslashes.")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        raise ValidationError("Must be a path, not a URL.")


class SiteKey(fields.String):
    """A site key (slug); omitted means `default`."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("load_default", "default")
        kwargs.setdefault("validate", validate.Regexp(SITE_KEY, error="Not a site key."))
        kwargs.setdefault("metadata", {"description": "Site key; `default` when omitted."})
        super().__init__(**kwargs)


class Uri(fields.String):
    """The article's path on the site, never a full URL."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault(
            "validate",
            [validate.Length(min=1, max=1000),
             validate.Regexp(URI_PATH, error="Must be a path on the site, starting with a single '/'."),
             validate_uri],
        )
        kwargs.setdefault(
            "metadata", {"description": "The article's path on the site.", "example": "/2019/02/08/summit/"}
        )
        super().__init__(**kwargs)
