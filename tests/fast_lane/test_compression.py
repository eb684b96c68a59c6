"""Compressed answers (web/compression.py): Flask's and the fast lane's alike, and off on request."""

from __future__ import annotations

import gzip
from typing import Any

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

URI = "/2019/02/08/summit/"
READ = f"/api/v1/comments?uri={URI}"
COUNTS = f"/api/v1/counts?uri={URI}"


@pytest.fixture
def flask_only(app: Flask, config: dict[str, Any], database_url: str) -> FlaskClient:
    """A second app on the same database with the fast lane turned off."""
    from comments import create_app

    return create_app({**config, "DATABASE_URL": database_url, "FAST_READS": False}).test_client()


def _decoded(response: Any) -> tuple[int, bytes, dict[str, str]]:
    """Status, body as the client reads it, and headers but the request id."""
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    body = response.data
    encoding = response.headers.get("Content-Encoding")
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        body = brotli.decompress(body)
    return response.status_code, body, headers


def _seed(post: Any, count: int = 12) -> None:
    for number in range(count):
        post(text=f"Comment number {number}, long enough to be worth compressing at all.")


ACCEPTS = ["gzip", "br", "gzip, deflate, br, zstd", "gzip;q=1, br;q=0.5", "br;q=0, gzip",
           "identity", "*", "deflate", "", "gzip;q=0"]


@pytest.mark.parametrize("accept", ACCEPTS)
def test_the_lane_compresses_exactly_as_flask_compress_does(client, flask_only, post, accept):
    _seed(post)
    headers = {"Accept-Encoding": accept}
    first = client.get(READ, headers=headers)  # a miss: Flask answers and fills the memo
    lane = client.get(READ, headers=headers)  # a memo hit: the lane answers
    flask = flask_only.get(READ, headers=headers)
    assert _decoded(lane) == _decoded(flask) == _decoded(first)
    assert lane.headers["Vary"] == "Origin, Accept-Encoding"
    etag = lane.headers["ETag"]
    revalidated = client.get(READ, headers={**headers, "If-None-Match": etag})
    assert _decoded(revalidated) == _decoded(
        flask_only.get(READ, headers={**headers, "If-None-Match": etag}))
    assert revalidated.status_code == 304 and revalidated.data == b""
    counts = client.get(COUNTS, headers=headers)
    assert _decoded(counts) == _decoded(flask_only.get(COUNTS, headers=headers))


def test_a_browser_gets_brotli_and_an_old_client_gzip(client, post):
    _seed(post)
    client.get(READ)
    plain = client.get(READ)
    browser = client.get(READ, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    old = client.get(READ, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert browser.headers["Content-Encoding"] == "br"
    assert old.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(browser.data) == gzip.decompress(old.data) == plain.data
    assert len(browser.data) < len(plain.data) / 3
    assert int(browser.headers["Content-Length"]) == len(browser.data)


def test_a_memoized_page_is_compressed_once_per_encoding(app, client, post):
    _seed(post)
    client.get(READ)
    etag = client.get(READ).headers["ETag"].removeprefix('W/"').removesuffix('"')
    memo = app.extensions["comments.answer_memo"]
    assert memo.get(f"br:{etag}") is None
    first = client.get(READ, headers={"Accept-Encoding": "br"})
    kept = memo.get(f"br:{etag}")
    assert kept == first.data
    assert client.get(READ, headers={"Accept-Encoding": "br"}).data == kept


def test_the_embed_page_and_the_scripts_are_compressed(client, post):
    _seed(post, 30)
    page = client.get(f"/embed/thread?uri={URI}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"Comment number 29" in gzip.decompress(page.data)


def test_small_answers_go_as_they_are(client):
    answer = client.get(COUNTS, headers={"Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.headers["Vary"] == "Origin, Accept-Encoding"


def test_behind_a_compressing_proxy_it_can_be_turned_off(config, database_url, post):
    from comments import create_app

    _seed(post)
    quiet = create_app({**config, "DATABASE_URL": database_url, "COMPRESS": False}).test_client()
    quiet.get(READ)
    for answer in (quiet.get(READ, headers={"Accept-Encoding": "gzip, br"}),
                   quiet.get(f"/embed/thread?uri={URI}", headers={"Accept-Encoding": "gzip, br"})):
        assert answer.status_code == 200
        assert "Content-Encoding" not in answer.headers
        assert "Accept-Encoding" not in answer.headers.get("Vary", "")


def _header_list(response: Any) -> list[tuple[str, str]]:
    """Every header in order, repeats kept, but the request id."""
    return [(name, value) for name, value in response.headers.items() if name != "X-Request-ID"]


@pytest.mark.parametrize("compress", [True, False])
@pytest.mark.parametrize("accept", ["", "gzip, deflate, br"])
def test_public_reads_carry_one_vary_header_in_the_lane_and_in_flask(config, database_url, post,
                                                                     compress, accept):
    from comments import create_app

    _seed(post)
    settings = {**config, "DATABASE_URL": database_url, "COMPRESS": compress}
    lane = create_app(settings).test_client()
    flask = create_app({**settings, "FAST_READS": False}).test_client()
    headers = {"Accept-Encoding": accept, "Origin": "https://www.news.example"}
    lane.get(READ, headers=headers)  # a miss: Flask answers and fills the memo
    vary = ["Origin, Accept-Encoding"] if compress else ["Origin"]
    for path in (READ, COUNTS):
        fresh = lane.get(path, headers=headers)  # a memo hit, counts: the lane answers
        etag = fresh.headers["ETag"]
        revalidated = lane.get(path, headers={**headers, "If-None-Match": etag})
        assert revalidated.status_code == 304
        for ours, theirs in ((fresh, flask.get(path, headers=headers)),
                             (revalidated, flask.get(path, headers={**headers, "If-None-Match": etag}))):
            assert ours.headers.getlist("Vary") == theirs.headers.getlist("Vary") == vary
            assert _header_list(ours) == _header_list(theirs)
            assert ours.data == theirs.data
    assert ("Content-Encoding" in fresh.headers) is False  # counts of one path: too small
    if compress and accept:
        assert lane.get(READ, headers=headers).headers["Content-Encoding"] == "br"
