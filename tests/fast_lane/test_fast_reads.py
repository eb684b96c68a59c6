"""The fast lane of public reads (comments/fast_lane/middleware.py): the same answers as Flask, cheaper."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fast_lane.conftest import lane_answer

URI = "/2019/02/08/summit/"
READ = f"/api/v1/comments?uri={URI}"
ALLOWED = "https://www.news.example"


def _seed(post: Any) -> None:
    first = post(text="The first comment").json["id"]
    post(text="A reply", parent_id=first)
    post(text="Another top-level comment")


HTTPS = "https://comments.news.example"
CASES = [
    ("plain", READ, {}, None),
    ("allowed origin", READ, {"Origin": ALLOWED}, None),
    ("foreign origin", READ, {"Origin": "https://evil.example"}, None),
    ("newest, limit 1", READ + "&sort=newest&limit=1", {"Origin": ALLOWED}, None),
    ("explicit defaults", READ + "&site=default&sort=oldest&limit=20&after=", {}, None),
    ("unknown parameter ignored", READ + "&_=1700000000", {}, None),
    ("over https", READ, {"Origin": ALLOWED}, HTTPS),
]


@pytest.mark.parametrize("name,path,headers,base_url", CASES, ids=[case[0] for case in CASES])
def test_the_fast_lane_answers_exactly_like_flask(client, flask_only, post, flask_calls,
                                                   name, path, headers, base_url):
    _seed(post)
    where = {"base_url": base_url} if base_url else {}
    first = client.get(path, headers=headers, **where)  # a miss: built in the lane, memoized
    assert first.status_code == 200
    etag = first.headers["ETag"]
    flask_calls.clear()

    fast_read = client.get(path, headers=headers, **where)
    fast_304 = client.get(path, headers={**headers, "If-None-Match": etag}, **where)
    assert flask_calls == [], "the memo hit and the 304 should not reach Flask"

    assert lane_answer(fast_read) == lane_answer(flask_only.get(path, headers=headers, **where))
    assert lane_answer(fast_304) == lane_answer(
        flask_only.get(path, headers={**headers, "If-None-Match": etag}, **where))
    assert ("Strict-Transport-Security" in fast_304.headers) == bool(base_url)
    assert fast_304.status_code == 304 and fast_304.data == b""
    assert lane_answer(first) == lane_answer(fast_read)


def test_a_revalidation_costs_one_query_and_never_reaches_flask(client, post, count_queries,
                                                                 flask_calls):
    _seed(post)
    etag = client.get(READ).headers["ETag"]
    flask_calls.clear()
    with count_queries() as counter:
        again = client.get(READ, headers={"If-None-Match": f'"other", W/{etag[2:]}'})
    assert again.status_code == 304
    assert counter.count == 1
    assert flask_calls == []


def test_a_change_is_seen_at_once_never_a_stale_page(client, post):
    _seed(post)
    before = client.get(READ)
    client.get(READ)  # a memo hit
    post(text="Breaking: a new comment")
    revalidation = client.get(READ, headers={"If-None-Match": before.headers["ETag"]})
    assert revalidation.status_code == 200
    assert b"Breaking: a new comment" in revalidation.data
    assert revalidation.headers["ETag"] != before.headers["ETag"]
    assert client.get(READ).data == revalidation.data


@pytest.mark.parametrize("path,status", [
    (READ + "&limit=020", 200),  # not as Flask writes it: Flask answers, from the same row
    (READ + "&limit=0", 400),
    (READ + "&limit=101", 400),
    (READ + "&sort=best", 400),
    (READ + "&sort=oldest&sort=newest", 200),  # repeated: Flask decides (the first wins)
    (READ + "&after=not-a-cursor", 400),
    ("/api/v1/comments?uri=https://evil.example/", 400),
    ("/api/v1/comments?site=nowhere&uri=/a/", 404),
    ("/api/v1/comments", 400),
])
def test_what_the_fast_lane_does_not_take_goes_to_flask(client, post, flask_calls, path, status):
    _seed(post)
    client.get(READ)
    flask_calls.clear()
    response = client.get(path)
    assert response.status_code == status, response.data
    assert len(flask_calls) == 1


def test_a_non_canonical_request_still_revalidates_through_flask(client, post, flask_calls):
    _seed(post)
    etag = client.get(READ + "&limit=20").headers["ETag"]
    flask_calls.clear()
    again = client.get(READ + "&limit=020", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert len(flask_calls) == 1


def test_fast_answers_are_counted_logged_and_named(app, client, post, caplog):
    _seed(post)
    etag = client.get(READ).headers["ETag"]
    caplog.set_level(logging.INFO, logger="comments.access")
    caplog.clear()  # only this test's reads: an earlier test may have left the access log on
    named = client.get(READ, headers={"If-None-Match": etag, "X-Request-ID": "edge-42"})
    unnamed = client.get(READ, headers={"If-None-Match": etag, "X-Request-ID": "bad id <script>"})
    assert named.headers["X-Request-ID"] == "edge-42"
    assert len(unnamed.headers["X-Request-ID"]) == 32
    lines = [record for record in caplog.records if record.name == "comments.access"]
    assert [(r.request_id, r.http["status"], r.http["path"]) for r in lines[:1]] == [
        ("edge-42", 304, "/api/v1/comments")]

    metrics = client.get("/metrics").get_data(as_text=True)
    line = next(row for row in metrics.splitlines() if row.startswith("comments_http_requests_total{")
                and 'endpoint="/api/v1/comments"' in row and 'status="304"' in row)
    assert float(line.rsplit(" ", 1)[1]) >= 2


def test_with_the_memo_off_revalidations_are_still_fast(app, client, post, flask_calls):
    app.extensions["comments.answer_memo"] = None
    _seed(post)
    etag = client.get(READ).headers["ETag"]
    flask_calls.clear()
    assert client.get(READ).status_code == 200
    assert flask_calls == []  # no memo: every full read is built again, in the lane
    assert client.get(READ, headers={"If-None-Match": etag}).status_code == 304
    assert flask_calls == []


def test_other_methods_and_paths_are_flasks(client, post, flask_calls):
    _seed(post)
    client.get(READ)
    flask_calls.clear()
    assert client.head(READ).status_code == 200
    assert client.get("/api/v1/comments/", follow_redirects=False).status_code in (308, 404)
    assert len(flask_calls) >= 1


COUNTS = "/api/v1/counts?uri=" + URI + "&uri=/nobody-here/&uri=" + URI


@pytest.mark.parametrize("headers", [{}, {"Origin": ALLOWED}, {"Origin": "https://evil.example"}])
def test_counts_are_answered_in_the_lane_exactly_like_flask(client, flask_only, post, flask_calls,
                                                            count_queries, headers):
    _seed(post)
    flask_calls.clear()
    with count_queries() as counter:
        fast = client.get(COUNTS, headers=headers)
    assert fast.status_code == 200
    assert fast.json == {"counts": {URI: 3, "/nobody-here/": 0}}
    assert counter.count == 1
    etag = fast.headers["ETag"]
    fast_304 = client.get(COUNTS, headers={**headers, "If-None-Match": etag})
    assert fast_304.status_code == 304
    assert flask_calls == []
    assert lane_answer(fast) == lane_answer(flask_only.get(COUNTS, headers=headers))
    assert lane_answer(fast_304) == lane_answer(
        flask_only.get(COUNTS, headers={**headers, "If-None-Match": etag}))


@pytest.mark.parametrize("query,status", [
    ("", 400),
    ("uri=", 400),
    ("uri=relative", 400),
    ("uri=//evil.example/", 400),
    ("uri=/a%0A", 400),
    ("uri=/a%5Cb", 400),
    ("&".join(f"uri=/p{i}/" for i in range(101)), 400),
    ("site=Bad%20Key&uri=/a/", 400),
    ("site=default%0A&uri=/a/", 400),
    ("site=nowhere&uri=/a/", 404),
    ("site=default&site=other&uri=/a/", 200),  # repeated: Flask decides (the first wins)
])
def test_counts_the_lane_would_not_answer_go_to_flask(client, flask_calls, query, status):
    response = client.get(f"/api/v1/counts?{query}")
    assert response.status_code == status, response.data
    assert len(flask_calls) == 1


def test_a_hundred_paths_are_answered_in_the_lane(client, post, flask_calls):
    _seed(post)
    flask_calls.clear()
    paths = [URI] + [f"/article-{i}/" for i in range(99)]
    response = client.get("/api/v1/counts?" + "&".join(f"uri={p}" for p in paths))
    assert response.status_code == 200
    assert response.json["counts"][URI] == 3
    assert len(response.json["counts"]) == 100
    assert flask_calls == []


def test_a_thread_made_again_at_the_same_path_gets_its_own_etag(app, client, post):
    from tests.support.app import sql

    post(text="From the first life of this thread")
    first = client.get(READ)
    client.get(READ)  # memoized
    sql(app, "DELETE FROM comments")
    sql(app, "DELETE FROM threads")  # SQLite may give the new thread the same id, at version 1
    post(text="From its second life")
    again = client.get(READ, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert b"second life" in again.data and b"first life" not in again.data


@pytest.mark.parametrize("route", ["/api/v1/comments", "/api/v1/counts"])
@pytest.mark.parametrize("query", ["uri=/a/%FF", "uri=/caf%C3/", "uri=/%ED%A0%80/"])
def test_escapes_of_bytes_that_are_not_utf8_are_left_to_flask(client, flask_only, flask_calls,
                                                              route, query):
    path = f"{route}?{query}"
    first = client.get(path)  # a thread page is now in the memo
    etag = first.headers["ETag"]
    flask_calls.clear()
    again = client.get(path)
    revalidated = client.get(path, headers={"If-None-Match": etag})
    assert len(flask_calls) == 2
    # Werkzeug keeps such escapes as written: a path like any other, answered as usual.
    assert (first.status_code, revalidated.status_code) == (200, 304)
    assert lane_answer(again) == lane_answer(first) == lane_answer(flask_only.get(path))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.text(alphabet="/a\\\n\r\x00\x7fé:?# %", max_size=6)
                | st.builds(lambda n: "/" + "x" * n, st.integers(997, 1001)), min_size=1, max_size=4))
def test_counts_check_their_paths_exactly_as_the_schema_does(uris):
    from comments.schemas.common import all_uris_valid, uri_problem

    assert all_uris_valid(uris) == all(uri_problem(uri) is None for uri in uris)


HOSTILE = [
    "uri=%FF%FE", "uri=/a/%FF", "uri=/a/&limit=1e3", "uri=/a/&limit=-1", "uri=/a/&limit=%00",
    "uri=/a/&sort=%00", "uri=/a/&after=%FF", "site=%00&uri=/a/", "uri=" + "/x" * 3000,
    "uri=/a/&&&&", "uri", "=&=&uri=/a/", "uri=/a/;sort=top", "uri=%2Fa%2F",
]


@pytest.mark.parametrize("route", ["/api/v1/comments", "/api/v1/counts"])
@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_get_a_500_from_either_path(client, post, route, query):
    _seed(post)
    client.get(READ)  # something in the memo
    for headers in ({}, {"If-None-Match": "*"}, {"If-None-Match": 'W/"x", "y"'}):
        response = client.get(f"{route}?{query}", headers=headers)
        assert response.status_code < 500, (query, response.status_code, response.data[:200])


def test_raw_bytes_in_the_query_string_are_a_400_never_a_500(app, post):
    _seed(post)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/counts",
               "QUERY_STRING": "uri=/caf\xc3\xa9/&uri=/\xff\xfe/", "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "REMOTE_ADDR": "127.0.0.1"}
    from werkzeug.test import run_wsgi_app

    body, status, _headers = run_wsgi_app(app, environ)
    assert status.startswith("400"), status
    assert b"not valid UTF-8" in b"".join(body)
    environ["PATH_INFO"] = "/embed/thread"
    _body, status, _headers = run_wsgi_app(app, environ)
    assert status.startswith("400"), status
