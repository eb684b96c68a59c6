"""Schemas shared by every endpoint: errors, site and article path fields."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

# \Z, not $: "$" also matches before a final newline.
SITE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")
# A path on the site: "/" alone or "/" then anything but a second "/", control characters
# or backslashes (no scheme, no host, nothing a browser would read as another origin).
# Documentation only (OpenAPI's pattern); uri_problem() checks the same thing faster.
URI_PATTERN = r"^/([^/\x00-\x1f\x7f\\][^\x00-\x1f\x7f\\]*)?$"
URI_MAX_LENGTH = 1000


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


def uri_problem(value: str) -> str | None:
    """Why `value` is not an article path on the site, or None when it is one.

    Starting with one "/" (never "//") means no scheme and no host: nothing a browser would
    read as another origin. Counts check a hundred of these, so it is three plain tests.
    """
    if not 1 <= len(value) <= URI_MAX_LENGTH:
        return f"Length must be between 1 and {URI_MAX_LENGTH}."
    if not value.startswith("/") or value.startswith("//"):
        return "Must be a path on the site, starting with a single '/'."
    if UNSAFE_IN_PATH.search(value):
        return "Must not contain control characters or backslashes."
    return None


# Many paths at once, joined by newlines (which no path may hold): each starts with a single
# "/", is at most URI_MAX_LENGTH long and holds no control character or backslash. The same
# rule as uri_problem, in one pass of the regular expression engine (a test checks they agree).
URI_LIST = re.compile(rf"(?:/(?!/)[^\x00-\x1f\x7f\\]{{0,{URI_MAX_LENGTH - 1}}}\n)*\Z")


def all_uris_valid(values: list[str]) -> bool:
    """Whether every one of `values` is an article path (uri_problem finds nothing)."""
    joined = "\n".join(values) + "\n"
    # A newline inside a path would pass for a separator: there must be exactly one per path.
    return joined.count("\n") == len(values) and URI_LIST.match(joined) is not None


def validate_uri(value: str) -> None:
    """An article path on the site (see uri_problem), or ValidationError."""
    problem = uri_problem(value)
    if problem is not None:
        raise ValidationError(problem)


class SiteKey(fields.String):
    """A site key (slug); omitted means `default`."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("load_default", "default")
        kwargs.setdefault("validate", validate.Regexp(SITE_KEY, error="Not a site key."))
        kwargs.setdefault("metadata", {"description": "Site key; `default` when omitted.",
                                       "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"})
        super().__init__(**kwargs)


class Uri(fields.String):
    """The article's path on the site, never a full URL."""

    def __init__(self, **kwargs: Any):
        # One validator, documented with the constraints it checks.
        kwargs.setdefault("validate", validate_uri)
        kwargs.setdefault("metadata", {
            "description": "The article's path on the site.", "example": "/2019/02/08/summit/",
            "minLength": 1, "maxLength": URI_MAX_LENGTH, "pattern": URI_PATTERN,
        })
        super().__init__(**kwargs)
