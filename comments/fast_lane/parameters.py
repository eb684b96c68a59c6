"""The fast lane's reading of a query string: decoded as werkzeug decodes request.args, checked
by the rules of ThreadQuery and CountsQuery, taken from the schemas' own fields.

The lane answers only what the schema accepts, so each rule is read off the schema when the app
is built: a default, a OneOf, a Range, a Length, a Regexp, the article path check. A rule the
lane does not know how to check (a new validator, a new schema hook) stops the app from starting,
rather than being skipped in the lane while Flask enforces it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from marshmallow import Schema, fields, validate

from comments.schemas.common import all_uris_valid, uri_problem, validate_uri

# The schema hooks the checks below honour: BaseSchema refuses NUL in every value.
KNOWN_HOOKS = {"pre_load": ["_refuse_nul"]}
NUL = "\x00"


def query_pairs(query: str) -> list[tuple[str, str]] | None:
    """The pairs of a WSGI QUERY_STRING as werkzeug decodes request.args, or None when the query
    is not UTF-8 through and through: raw bytes (Flask answers 400), or percent-escapes of bytes
    that are not UTF-8 (werkzeug keeps those escapes as written; Flask judges such a query).

    That is urllib's parse_qsl(keep_blank_values=True) with strict UTF-8, spelt out: counts
    carry a hundred pairs, and most of them need no decoding at all.
    """
    try:
        text = query.encode("latin-1").decode()
        if "%2" in text:
            # The embed escapes every path's slashes (encodeURIComponent): decode them all in
            # one pass, not a hundred. "/" splits nothing and makes no escape with what is
            # around it, so this decodes exactly what decoding each name and value would.
            text = text.replace("%2F", "/").replace("%2f", "/")
        if "+" not in text and "%" not in text:  # nothing to decode: (name, value) as written
            return [part.partition("=")[::2] for part in text.split("&") if part]
        pairs = []
        for part in text.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            if "+" in name or "%" in name:
                name = unquote_to_bytes(name.replace("+", " ")).decode()
            if "+" in value or "%" in value:
                value = unquote_to_bytes(value.replace("+", " ")).decode()
            pairs.append((name, value))
    except UnicodeError:
        return None
    return pairs


class ThreadParameters:
    """The parameters of a thread read the lane takes: valid for ThreadQuery and written as Flask
    writes them into the ETag (a limit of "020" is Flask's to answer)."""

    def __init__(self, schema: Schema):
        _require_known_hooks(schema)
        found = schema.fields
        self.site = _one(found["site"], validate.Regexp).regex
        self.sorts = frozenset(_one(found["sort"], validate.OneOf).choices)
        limits = _one(found["limit"], validate.Range)
        if limits.min is None or limits.max is None:
            raise TypeError("the fast lane takes only a bounded limit")
        self.limits = frozenset(str(n) for n in range(limits.min + (not limits.min_inclusive),
                                                      limits.max + limits.max_inclusive))
        self.after_max = _one(found["after"], validate.Length).max
        _require_uri_check(found["uri"])
        self.names = frozenset(found)
        self.defaults = {"site": str(found["site"].load_default),
                         "sort": str(found["sort"].load_default),
                         "limit": str(found["limit"].load_default),
                         "after": found["after"].load_default or ""}  # no cursor, as ETags write it

    def read(self, query: str) -> dict[str, str] | None:
        """The read's parameters as written, with defaults; None when Flask should judge them."""
        pairs = query_pairs(query)
        if pairs is None:
            return None
        found: dict[str, str] = {}
        for key, value in pairs:
            if key in self.names:
                if key in found:
                    return None
                found[key] = value
        if "uri" not in found:
            return None
        params = {**self.defaults, **found}
        after = params["after"]
        if not (self.site.match(params["site"]) and uri_problem(params["uri"]) is None
                and params["sort"] in self.sorts and params["limit"] in self.limits
                and len(after) <= self.after_max and NUL not in after):
            return None
        return params


class CountsParameters:
    """The parameters of a counts read, checked exactly as CountsQuery checks them: the lane
    answers counts in full, so a request it refuses is one Flask answers 400 (or 404)."""

    def __init__(self, schema: Schema):
        _require_known_hooks(schema)
        found = schema.fields
        self.site = _one(found["site"], validate.Regexp).regex
        self.default_site = str(found["site"].load_default)
        uris = found["uri"]
        if not isinstance(uris, fields.List):
            raise TypeError("the fast lane reads counts' uri as a list")
        _require_uri_check(uris.inner)
        length = _one(uris, validate.Length)
        self.min_uris, self.max_uris = length.min or 0, length.max

    def read(self, query: str) -> tuple[str, list[str]] | None:
        """The site and the paths asked for, or None when Flask should answer."""
        pairs = query_pairs(query)
        if pairs is None:
            return None
        site: str | None = None
        uris: list[str] = []
        for key, value in pairs:
            if key == "uri":
                uris.append(value)
            elif key == "site":
                if site is not None:
                    return None
                site = value
        site = self.default_site if site is None else site
        if (not self.site.match(site) or not self.min_uris <= len(uris) <= self.max_uris
                or not all_uris_valid(uris)):
            return None
        return site, uris


def _one(field: fields.Field[Any], kind: type[Any]) -> Any:
    """The field's one validator, which must be a `kind`: any other rule is one the lane skips."""
    validators = list(field.validators)
    if len(validators) != 1 or not isinstance(validators[0], kind):
        raise TypeError(f"the fast lane checks {field!r} with one {kind.__name__} only; "
                        f"it has {validators!r}: teach fast_lane/parameters.py the new rule")
    return validators[0]


def _require_uri_check(field: fields.Field[Any]) -> None:
    """An article path field: checked in the lane by uri_problem and all_uris_valid."""
    if list(field.validators) != [validate_uri]:
        raise TypeError(f"the fast lane checks article paths with uri_problem; {field!r} has "
                        f"{list(field.validators)!r}: teach fast_lane/parameters.py the new rule")


def _require_known_hooks(schema: Schema) -> None:
    hooks = {kind: [name for name, *_ in found] for kind, found in schema._hooks.items() if found}
    if hooks != KNOWN_HOOKS:
        raise TypeError(f"the fast lane honours the hooks {KNOWN_HOOKS}, and {type(schema).__name__}"
                        f" has {hooks}: teach fast_lane/parameters.py the new rule")
