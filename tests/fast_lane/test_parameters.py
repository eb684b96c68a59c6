"""The fast lane's reading of queries (comments/fast_lane/parameters.py): werkzeug's decoding,
the schemas' rules, and nothing the schemas refuse."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError, fields, validate, validates_schema
from werkzeug.datastructures import MultiDict

from comments.fast_lane.parameters import CountsParameters, ThreadParameters, query_pairs
from comments.schemas.comments import SORTS, CountsQuery, ThreadQuery
from comments.schemas.common import Uri

# 1. Decoding: werkzeug's request.args on every query the lane takes; anything else is Flask's.

TEXT = st.characters(codec="utf-8", exclude_characters="&=+%")
QUERY_PIECES = st.one_of(
    st.sampled_from(["&", "=", "+", "%", "uri", "site", "/a/", "%2F", "%2f", "%zz", "%4", "%%"]),
    st.integers(0, 255).map(lambda byte: f"%{byte:02X}"),  # any byte, percent-encoded
    st.integers(0x80, 0xFF).map(lambda byte: f"%{byte:02x}"),
    TEXT.map(lambda char: char.encode().decode("latin-1")),  # a character as UTF-8 bytes
    st.binary(min_size=1, max_size=2).map(lambda raw: raw.decode("latin-1")),  # raw bytes
)


def _werkzeug_args(query: str) -> list[tuple[str, str]] | None:
    """request.args of a request with this QUERY_STRING, as werkzeug reads it (None: it raises)."""
    from werkzeug.test import create_environ
    from werkzeug.wrappers import Request

    environ = create_environ()
    environ["QUERY_STRING"] = query
    try:
        return list(Request(environ).args.items(multi=True))
    except UnicodeDecodeError:
        return None


def _strictly_utf8(query: str) -> bool:
    """Whether the query's raw bytes, and every percent-escaped byte in it, spell UTF-8."""
    try:
        parse_qsl(query.encode("latin-1").decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=2000, deadline=None)
@given(st.lists(QUERY_PIECES, max_size=20).map("".join))
def test_the_lane_decodes_exactly_as_werkzeug_or_leaves_the_query_to_flask(query):
    pairs = query_pairs(query)
    if pairs is not None:
        # request.args groups a repeated name at its first place (MultiDict); so compare the
        # lane's pairs as request.args would hold them (the lane leaves repeated names to Flask).
        assert list(MultiDict(pairs).items(multi=True)) == _werkzeug_args(query)
    else:
        assert not _strictly_utf8(query)
        # Werkzeug either refuses it (Flask answers 400) or keeps escapes of bytes as written.
        werkzeug = _werkzeug_args(query)
        assert werkzeug is None or any("%" in name + value for name, value in werkzeug)


@pytest.mark.parametrize("query,expected", [
    ("uri=/caf%C3%A9/&site=default", [("uri", "/café/"), ("site", "default")]),
    ("uri=/a+b/&&=&x", [("uri", "/a b/"), ("", ""), ("x", "")]),
    ("uri=/a%2zb/", [("uri", "/a%2zb/")]),  # not an escape: kept, as werkzeug keeps it
    # The embed's escaped slashes, decoded in one pass: only whole escapes of "/" are slashes.
    ("uri=%2Fa%2fb%252F%%2F%2%2F%2B&s%2Fx=%2F", [("uri", "/a/b%2F%/%2/+"), ("s/x", "/")]),
    ("uri=%E2%2F", None),  # a slash inside a broken UTF-8 sequence is still not UTF-8
    ("uri=/caf\xc3\xa9/", [("uri", "/café/")]),  # raw UTF-8, as a WSGI server hands it over
    ("uri=/a/%FF", None),
    ("uri=/caf%C3", None),
    ("uri=/%ED%A0%80/", None),  # an encoded surrogate is not UTF-8
    ("uri=/\xff/", None),
])
def test_examples_of_decoding(query, expected):
    assert query_pairs(query) == expected
    if expected is not None:
        assert expected == _werkzeug_args(query)


# 2. Parameters: the lane takes a read exactly when its schema would, as Flask writes it.

UNICODE = st.characters(codec="utf-8")  # anything a browser can percent-encode


def _mostly(valid: Any, doubtful: Any) -> Any:
    """A valid value three times in four, else a doubtful one."""
    return st.integers(0, 3).flatmap(lambda draw: valid if draw else doubtful)


SITES = _mostly(st.sampled_from(["default", "other", "a" * 64]),
                st.sampled_from(["Bad", "", "a" * 65, "default\n", "x\x00"]))
URIS = _mostly(st.sampled_from(["/", "/a/", "/é/", "/a b?c=d&e/", "/" + "x" * 999]),
               st.sampled_from(["//evil.example/", "relative", "/a\\b", "/a\nb", "/" + "x" * 1000,
                                "/a\x00", ""]) | st.text(UNICODE, max_size=4))
SORTS_GIVEN = _mostly(st.sampled_from(SORTS), st.sampled_from(["best", "", "Top"]))
LIMITS = _mostly(st.integers(1, 100).map(str), st.integers(-2, 202).map(str) | st.sampled_from(
    ["020", "+5", " 5", "5 ", "1e2", "\u0663", "1_0", "", "x"]))
AFTERS = _mostly(st.sampled_from(["", "abc", "x" * 300, "é" * 300]),
                 st.sampled_from(["x" * 301, "a\x00"]) | st.text(UNICODE, max_size=5))
THREAD_VALUES = {"site": SITES, "uri": URIS, "sort": SORTS_GIVEN, "limit": LIMITS, "after": AFTERS,
                 "_": st.text(UNICODE, max_size=3)}


def _pairs(values: dict[str, Any]) -> Any:
    """Lists of (name, value) pairs: mostly each name once with the path given, sometimes a
    name repeated, unknown or the path left out."""
    others = {name: strategy for name, strategy in values.items() if name != "uri"}
    once = st.fixed_dictionaries({"uri": values["uri"]}, optional=others).map(
        lambda chosen: list(chosen.items()))
    anyhow = st.lists(st.sampled_from(sorted(values)).flatmap(
        lambda name: st.tuples(st.just(name), values[name])), max_size=3)
    both = st.tuples(once, anyhow).map(lambda two: two[0] + two[1])
    return st.integers(0, 5).flatmap(lambda draw: once if draw < 4 else both if draw < 5 else anyhow)


@settings(max_examples=3000, deadline=None)
@given(_pairs(THREAD_VALUES))
def test_the_lane_takes_a_thread_read_exactly_when_the_schema_does_as_flask_writes_it(pairs):
    lane = ThreadParameters(ThreadQuery()).read(urlencode(pairs))
    names = [name for name, _ in pairs if name != "_"]
    if len(names) != len(set(names)):
        assert lane is None  # a repeated parameter is Flask's to judge
        return
    given_values = dict(pairs)
    given_values.pop("_", None)
    try:
        loaded = ThreadQuery().load(given_values)
    except ValidationError:
        assert lane is None
        return
    as_flask_writes = {"site": loaded["site"], "uri": loaded["uri"], "sort": loaded["sort"],
                       "limit": str(loaded["limit"]), "after": loaded["after"] or ""}
    if given_values.get("limit", as_flask_writes["limit"]) != as_flask_writes["limit"]:
        assert lane is None  # "020" or " 5": Flask answers, from its own ETag
    else:
        assert lane == as_flask_writes


COUNTS_VALUES = {"site": SITES, "uri": URIS, "_": st.text(UNICODE, max_size=3)}


@settings(max_examples=2000, deadline=None)
@given(_pairs(COUNTS_VALUES), st.sampled_from([0, 0, 0, 98, 99, 100, 101]))
def test_the_lane_takes_a_counts_read_exactly_when_the_schema_does(pairs, more):
    pairs = pairs + [("uri", f"/p/{n}/") for n in range(more)]
    lane = CountsParameters(CountsQuery()).read(urlencode(pairs))
    sites = [value for name, value in pairs if name == "site"]
    if len(sites) > 1:
        assert lane is None
        return
    uris = [value for name, value in pairs if name == "uri"]
    given_values: dict[str, Any] = {"site": sites[0]} if sites else {}
    if uris:
        given_values["uri"] = uris
    try:
        loaded = CountsQuery().load(given_values)
    except ValidationError:
        assert lane is None
        return
    assert lane == (loaded["site"], loaded["uri"])


def test_the_lanes_limits_follow_the_schema():
    class ShortPages(ThreadQuery):
        limit = fields.Integer(load_default=10, validate=validate.Range(min=5, max=50,
                                                                        min_inclusive=False))
        after = fields.String(load_default=None, validate=validate.Length(max=8))

    lane = ThreadParameters(ShortPages())
    assert lane.read("uri=/a/")["limit"] == "10"
    assert [lane.read(f"uri=/a/&limit={n}") is not None for n in (5, 6, 50, 51)] == [
        False, True, True, False]
    assert lane.read("uri=/a/&after=" + "x" * 8) is not None
    assert lane.read("uri=/a/&after=" + "x" * 9) is None

    class FewPaths(CountsQuery):
        uri = fields.List(Uri(), required=True, validate=validate.Length(min=2, max=3))

    counts = CountsParameters(FewPaths())
    assert [counts.read("&".join(["uri=/a/"] * n)) is not None for n in (1, 2, 3, 4)] == [
        False, True, True, False]


def test_a_rule_the_lane_does_not_know_stops_the_app_from_being_built():
    class ShortSorts(ThreadQuery):
        sort = fields.String(load_default="oldest",
                             validate=[validate.OneOf(SORTS), validate.Length(max=5)])

    class CheckedTogether(CountsQuery):
        @validates_schema
        def _not_too_many(self, data: dict[str, Any], **_: Any) -> None:
            """A schema-wide rule: the lane would not see it."""

    class UnboundedLimit(ThreadQuery):
        limit = fields.Integer(load_default=20, validate=validate.Range(min=1))

    for broken, lane in ((ShortSorts, ThreadParameters), (CheckedTogether, CountsParameters),
                         (UnboundedLimit, ThreadParameters)):
        with pytest.raises(TypeError, match="fast lane"):
            lane(broken())
