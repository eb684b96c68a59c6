"""Hostile input, as raw bytes: every JSON endpoint answers a clear 4xx to bodies no valid JSON
value can produce (deep nesting, lone surrogates, huge numbers, duplicate keys, bad UTF-8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.moderation import bearer

DEEP = b'{"uri": "/a/", "text": "x", "extra": ' + b"[" * 1000 + b"]" * 1000 + b"}"
RAW_BODIES = {
    "nested 1000 deep": b"[" * 1000 + b"]" * 1000,
    "object nested 1000 deep": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "nested beside the fields": DEEP,
    "lone surrogate in a value": b'{"uri": "/a/", "text": "x\\ud800y", "reason": "\\udfff",'
                                 b' "author": "\\ud800", "title": "\\ud800"}',
    "lone surrogate in a key": b'{"\\ud800": 1, "uri": "/a/", "text": "x"}',
    "integer past Python's digit limit": b'{"uri": "/a/", "text": "x", "value": '
                                         + b"9" * 5000 + b"}",
    "huge exponent": b'{"uri": "/a/", "text": "x", "value": 1e999999, "parent_id": 1e400}',
    "not a number": b'{"uri": "/a/", "text": "x", "value": NaN, "parent_id": Infinity}',
    "duplicate keys": b'{"uri": "/a/", "text": "first", "text": "second"}',
    "invalid UTF-8": b'{"uri": "/a/", "text": "caf\xc3 \xff\xfe"}',
    "overlong UTF-8": b'{"uri": "/a/", "text": "\xc0\xaf"}',
    "UTF-8 encoded surrogate": b'{"uri": "/a/", "text": "\xed\xa0\x80"}',
}


def json_writes(client: FlaskClient, comment_id: int) -> list[tuple[str, str]]:
    """Every documented operation that takes a JSON body, with real ids in its path."""
    document = client.get("/api/openapi.json").json
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("post", "patch", "put") and "requestBody" in operation:
                path = path.replace("{state}", "close")
                found.append((method.upper(), path.replace("{comment_id}", str(comment_id))))
    return found


def send(client: FlaskClient, method: str, path: str, raw: bytes, token: str) -> Any:
    return client.open(path, method=method, data=raw, content_type="application/json",
                       headers={**bearer(token), "X-Edit-Token": "t"})


@pytest.fixture
def endpoints(client: FlaskClient, post: Any) -> list[tuple[str, str]]:
    comment_id = post(text="a comment the paths point at").json["id"]
    found = json_writes(client, comment_id)
    assert len(found) >= 8, found  # posting, editing, votes, flags, preview, shares, moderation
    return found


@pytest.mark.parametrize("name", list(RAW_BODIES))
def test_raw_bodies_are_a_clear_400_on_every_json_endpoint(app: Flask, client: FlaskClient,
                                                           endpoints: Any, admin_token: str,
                                                           name: str) -> None:
    for method, path in endpoints:
        response = send(client, method, path, RAW_BODIES[name], admin_token)
        assert response.status_code == 400, (method, path, response.status_code,
                                             response.data[:300])
        assert response.json["error"] == "malformed", (method, path, response.json)
        assert response.json["message"]


HUGE_NUMBERS = [b"9" * 40, b"9223372036854775808", b"-9223372036854775809", b"2147483648",
                b"1e308", b"-1.7976931348623157e308"]


@pytest.mark.parametrize("number", HUGE_NUMBERS)
def test_huge_numbers_in_any_field_are_a_clear_4xx(client: FlaskClient, endpoints: Any,
                                                   admin_token: str, number: bytes) -> None:
    for field in (b"parent_id", b"value", b"ids", b"limit"):
        value = b"[" + number + b"]" if field == b"ids" else number
        raw = (b'{"uri": "/a/", "text": "x", "reason": "spam", "action": "approve", "'
               + field + b'": ' + value + b"}")
        for method, path in endpoints:
            response = send(client, method, path, raw, admin_token)
            assert response.status_code < 500, (method, path, field, response.data[:300])
            assert response.is_json


def test_well_formed_bodies_still_pass_the_same_gate(client: FlaskClient) -> None:
    # Valid surrogate pairs (an emoji written as escapes), big-but-sane numbers, some nesting.
    raw = b'{"uri": "/a/", "text": "\\ud83d\\ude00 fine", "extra": [[[{"a": [1.5e3]}]]]}'
    response = client.post("/api/v1/comments", data=raw, content_type="application/json")
    assert response.status_code == 201, response.json
    assert response.json["html"] == "<p>\U0001f600 fine</p>"


# Fragments a hostile client strings together: valid values, broken escapes, odd numbers,
# raw bytes that are not UTF-8, and brackets that open deep structures.
VALUE = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
        st.text(max_size=20).map(json.dumps).map(str.encode).map(lambda b: b.decode()),
    ).map(lambda v: v if isinstance(v, str) else json.dumps(v)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ",".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(['"uri"', '"text"', '"a"', '"\\ud800"']), inner),
                 max_size=4).map(lambda kv: "{" + ",".join(f"{k}:{v}" for k, v in kv) + "}"),
    ),
    max_leaves=12,
)
HOSTILE_PIECE = st.sampled_from([
    '"\\ud800"', '"\\udc00x"', '"\\ud800\\ud800"', "1" * 400, "-" + "9" * 30, "1e999",
    "-1e-999", "NaN", "-Infinity", "[" * 700 + "]" * 700, '{"a":' * 300 + "0" + "}" * 300,
    '"\\u0000"', '"\\uZZZZ"',
])
RAW_BYTES = st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80"])


@st.composite
def raw_body(draw: st.DrawFn) -> bytes:
    """A request body: an object with the posting fields, spliced with hostile pieces."""
    fields = ['"uri": "/h/"', '"text": ' + draw(st.one_of(HOSTILE_PIECE, VALUE))]
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(['"text"', '"uri"', '"parent_id"', '"author"', '"x"']))
        fields.append(f"{key}: {draw(st.one_of(HOSTILE_PIECE, VALUE))}")
    body = ("{" + ", ".join(fields) + "}").encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(RAW_BYTES) + body[at:]
    return body


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(body=raw_body())
def test_generated_raw_bodies_never_get_a_500(app: Flask, body: bytes) -> None:
    client = app.test_client()
    for method, path in (("POST", "/api/v1/comments"), ("POST", "/api/v1/preview")):
        response = client.open(path, method=method, data=body, content_type="application/json")
        assert response.status_code < 500, (path, body[:200], response.data[:300])
        assert response.is_json and response.json.get("error") != "server_error"

