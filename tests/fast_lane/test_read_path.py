"""The reworked read path (0d53077): driver reads, the answer memo, ETags, counts, no limits, no cookies.

Everything runs on real SQLite and PostgreSQL through the fixtures; nothing is mocked.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.app import backends, sql
from tests.support.moderation import make_site, set_policy, sign_in

URI = "/2019/02/08/summit/"


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """Cheap password hashing for the one sign-in below; everything else as the suite has it."""
    return {**config, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024}


def _read(client: Any, uri: str = URI, **headers: str) -> Any:
    return client.get(f"/api/v1/comments?uri={quote(uri)}", headers=headers)


def _texts(response: Any) -> list[str]:
    """The text of each top-level comment, as rendered without its tags."""
    return [re.sub(r"<[^>]+>", "", comment["html"]).strip() for comment in response.json["comments"]]


# 1. Driver reads give what SQLAlchemy Core gives.


def _core_rows(statement: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from comments.extensions import db

    rows = [tuple(row) for row in db.session.execute(statement, params)]
    db.session.rollback()
    return rows


def _assert_same_values_and_types(driver: list[tuple[Any, ...]], core: list[tuple[Any, ...]]) -> None:
    assert driver == core
    assert [[type(value) for value in row] for row in driver] == \
        [[type(value) for value in row] for row in core]


def test_driver_reads_type_the_head_row_like_core(app, post, backend):
    from comments.fast_lane import driver_reads
    from comments.services.discussion import reading

    post(text="one")
    post(text="two")
    sql(app, "UPDATE threads SET title = 'Summit', title_source = 'publisher'")
    # A closed thread: SQLite stores 1, a read must still give the bool True.
    sql(app, "UPDATE threads SET closed = :closed", closed=True)
    set_policy(app, close_after_days=7, hold_links=None)
    statement = reading._head_statement()
    keys = [column.key for column in statement.selected_columns]
    with app.app_context():
        for params in ({"site": "default", "uri": URI},  # a thread with comments
                       {"site": "default", "uri": "/nobody/yet/"}):  # no thread: NULLs
            core = _core_rows(statement, params)
            driver = driver_reads.fetch_all(statement, params)
            _assert_same_values_and_types(driver, core)
            assert driver_reads.fetch_one(statement, params) == core[0]
        row = dict(zip(keys, driver_reads.fetch_one(statement, {"site": "default", "uri": URI}),
                       strict=True))
        assert driver_reads.fetch_one(statement, {"site": "no-such-site", "uri": URI}) is None
        assert driver_reads.fetch_all(statement, {"site": "no-such-site", "uri": URI}) == []
    for name in ("created_at", "last_comment_at", "site_created_at"):
        assert row[name].tzinfo is not None and row[name].utcoffset() == timedelta(0), (backend, name)
    assert row["closed"] is True
    assert row["allowed_origins"] == ["https://news.example", "https://www.news.example"]
    assert isinstance(row["settings"], dict)
    assert row["settings"]["close_after_days"] == 7 and row["settings"]["hold_links"] is None
    assert row["count"] == 2 and type(row["version"]) is int and type(row["thread_id"]) is int
    assert row["title"] == "Summit" and row["key"] == "default"


def test_driver_reads_of_counts_match_core(app, post, backend):
    import json

    from comments.extensions import db
    from comments.fast_lane import driver_reads
    from comments.services.discussion import reading

    post(uri="/a/", text="x")
    post(uri="/a/", text="y")
    post(uri="/b,'c\"/", text="z")
    with app.app_context():
        statement = reading._counts_statement(db.engine.dialect.name)
        uris = ["/a/", "/b,'c\"/", "/missing/"]
        bound = uris if backend == "postgresql" else json.dumps(uris)
        params = {"site": "default", "uris": bound}
        core = sorted(_core_rows(statement, params), key=repr)
        driver = sorted(driver_reads.fetch_all(statement, params), key=repr)
    _assert_same_values_and_types(driver, core)
    # One row for the site (its origins as JSON text, no uri) and one per thread found (no
    # origins; SQLite also gives the paths with no thread, without a count); counts parses the
    # origins once.
    assert {uri: count for _, uri, count in driver if count is not None} == {"/a/": 2, "/b,'c\"/": 1}
    assert {uri for _, uri, count in driver if uri is not None and count is None} <= {"/missing/"}
    assert [json.loads(origins) for origins, uri, _ in driver if uri is None] == [
        ["https://news.example", "https://www.news.example"]]
    assert all(origins is None for origins, uri, _ in driver if uri is not None)
    with app.app_context():
        assert reading.counts("default", uris) == (
            ["https://news.example", "https://www.news.example"],
            {"/a/": 2, "/b,'c\"/": 1, "/missing/": 0})


# 2. A dropped PostgreSQL connection: reads retry once, writes answer 503 at worst.


def _terminate_server_connections(database_url: str) -> int:
    """End every other session on the test database (the app's pool), as a restart would."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )]
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                                 (pids,)).fetchone()
            if alive is not None and alive[0] == 0:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"backends {pids} still alive")
    return len(pids)


# PostgreSQL only: SQLite has no server whose connections could be dropped.
@pytest.mark.parametrize("database_url", [b for b in backends() if b == "postgresql"],
                         indirect=True)
def test_a_dropped_connection_is_retried_by_reads_and_never_a_500_on_writes(
        app, client, post, database_url):
    assert post(text="before").status_code == 201
    assert _read(client).status_code == 200  # the pool now holds connections

    assert _terminate_server_connections(database_url) >= 1
    read = _read(client)
    assert read.status_code == 200, read.json
    assert _texts(read) == ["before"]

    assert _terminate_server_connections(database_url) >= 1
    counts = client.get(f"/api/v1/counts?uri={URI}")  # the counts read retries the same way
    assert counts.status_code == 200 and counts.json["counts"] == {URI: 1}

    assert _read(client).status_code == 200  # the pool holds live connections again
    assert _terminate_server_connections(database_url) >= 1
    write = post(text="during")
    assert write.status_code in (201, 503), write.json
    if write.status_code == 503:
        assert int(write.headers["Retry-After"]) > 0
    after = post(text="after")
    assert after.status_code == 201, after.json
    expected = ["before", "during", "after"] if write.status_code == 201 else ["before", "after"]
    assert _texts(_read(client)) == expected


# 3. The memo of encoded answers.


def _memo(app: Any) -> Any:
    from comments.fast_lane import caching

    with app.app_context():
        return caching.answer_memo()


def test_the_memo_answers_the_same_bytes_and_never_a_stale_page(app, client, post):
    memo = _memo(app)
    assert memo is not None and memo.max_bytes == 32 * 1024 * 1024  # the default, 32 MB
    post(text="first")
    one, two = _read(client), _read(client)
    assert one.status_code == two.status_code == 200
    assert one.data == two.data and one.headers["ETag"] == two.headers["ETag"]
    etag = one.headers["ETag"].removeprefix("W/").strip('"')
    assert memo.get(etag) == one.data  # kept under the ETag it was answered with

    post(text="second")
    fresh = _read(client)
    assert _texts(fresh) == ["first", "second"]
    assert fresh.headers["ETag"] != one.headers["ETag"]
    # A reader still holding the old ETag gets the new page, not a 304 and not the memo's old bytes.
    revalidated = _read(client, **{"If-None-Match": one.headers["ETag"]})
    assert revalidated.status_code == 200 and _texts(revalidated) == ["first", "second"]

    # Every visible change bumps the version, so a vote is seen too.
    comment_id = fresh.json["comments"][0]["id"]
    client.post(f"/api/v1/comments/{comment_id}/votes", json={"value": 1},
                environ_base={"REMOTE_ADDR": "203.0.113.50"})
    voted = _read(client)
    assert voted.json["comments"][0]["likes"] == 1


def test_a_small_memo_evicts_by_size_and_reads_stay_right(app, client, post):
    from comments.fast_lane import caching

    app.config["READ_MEMO_MB"] = 4096 / (1024 * 1024)  # 4 KiB: a handful of small pages
    caching.init_app(app)
    memo = _memo(app)
    assert memo is not None and memo.max_bytes == 4096
    uris = [f"/article/{n}/" for n in range(12)]
    for n, uri in enumerate(uris):
        post(uri=uri, text=f"comment {n}")
    bodies = {}
    for uri in uris:
        response = _read(client, uri)
        assert response.status_code == 200
        bodies[uri] = response.data
        assert memo.size <= memo.max_bytes
    assert sum(len(body) for body in bodies.values()) > memo.max_bytes  # more than fits
    assert 0 < len(memo) < len(uris)
    assert memo.size == sum(len(memo.get(key) or b"") for key in list(memo._answers))
    for n, uri in enumerate(uris):  # evicted or not, every read answers its own page
        assert _texts(_read(client, uri)) == [f"comment {n}"]
        assert _read(client, uri).data == bodies[uri]

    # A page over a quarter of the memo is answered but never kept.
    post(uri="/long/", text="x" * 2000)
    long = _read(client, "/long/")
    assert long.status_code == 200 and len(long.data) * 4 > memo.max_bytes
    assert long.data not in memo._answers.values()


def test_answer_memo_get_put_lru_and_size():
    from comments.fast_lane.caching import AnswerMemo

    memo = AnswerMemo(100)
    assert memo.get("a") is None and len(memo) == 0 and memo.size == 0
    memo.put("a", b"a" * 20)
    memo.put("b", b"b" * 20)
    memo.put("c", b"c" * 20)
    assert (len(memo), memo.size) == (3, 60)
    assert memo.get("a") == b"a" * 20  # a is now the most recently used
    memo.put("d", b"d" * 25)  # 85 bytes
    memo.put("e", b"e" * 25)  # 110: b, the least recently used, goes
    assert memo.get("b") is None
    assert [memo.get(key) is not None for key in "acde"] == [True, True, True, True]
    assert (len(memo), memo.size) == (4, 90)
    memo.put("c", b"C" * 5)  # replacing an entry accounts for the old one
    assert memo.get("c") == b"C" * 5 and memo.size == 75
    memo.put("big", b"x" * 26)  # more than a quarter of 100 bytes: not kept
    assert memo.get("big") is None and memo.size == 75 and len(memo) == 4
    memo.put("quarter", b"q" * 25)  # exactly a quarter is kept; 100 fits exactly
    assert memo.get("quarter") == b"q" * 25 and memo.size == 100 and len(memo) == 5
    memo.put("f", b"f" * 10)  # 110 bytes, least recently used first: a (20) goes, 90 is left
    order_left = [key for key in ("a", "d", "e", "c", "quarter", "f") if memo.get(key) is not None]
    assert order_left == ["d", "e", "c", "quarter", "f"] and memo.size == 90


def test_answer_memo_evicts_in_least_recently_used_order():
    from comments.fast_lane.caching import AnswerMemo

    memo = AnswerMemo(40)
    for key in "wxyz":
        memo.put(key, key.encode() * 10)
    memo.get("w")
    memo.get("y")
    memo.put("n", b"n" * 10)  # x is the least recently used
    assert memo.get("x") is None
    memo.put("m", b"m" * 10)  # then z
    assert memo.get("z") is None
    assert sorted(memo._answers) == ["m", "n", "w", "y"] and memo.size == 40


def test_reads_work_with_the_memo_turned_off(app, client, post):
    from comments.fast_lane import caching

    app.config["READ_MEMO_MB"] = 0
    caching.init_app(app)
    assert _memo(app) is None
    post(text="one")
    first = _read(client)
    assert first.status_code == 200 and _texts(first) == ["one"]
    assert _read(client).data == first.data
    assert _read(client, **{"If-None-Match": first.headers["ETag"]}).status_code == 304
    post(text="two")
    assert _texts(_read(client)) == ["one", "two"]
    assert _read(client, "/empty/").json["comments"] == []


# 4. A thread closing by age changes the ETag.


def _age_thread(app: Any, backend: str, uri: str, days: int) -> None:
    if backend == "postgresql":
        sql(app, f"UPDATE threads SET created_at = created_at - interval '{days} days' WHERE uri = :uri",
            uri=uri)
    else:
        sql(app, "UPDATE threads SET created_at = strftime('%Y-%m-%d %H:%M:%f', created_at, :shift) "
                 "WHERE uri = :uri", uri=uri, shift=f"-{days} days")


def test_a_thread_closing_by_age_changes_its_etag(app, client, post, backend):
    # The policy is set first: changing settings alone changes the ETag, aging must too.
    set_policy(app, close_after_days=1)
    assert post(text="still open").status_code == 201
    first = _read(client)
    assert first.status_code == 200 and first.json["thread"]["closed"] is False
    old_etag = first.headers["ETag"]
    version = sql(app, "SELECT version FROM threads")[0][0]

    _age_thread(app, backend, URI, days=2)
    assert sql(app, "SELECT version FROM threads")[0][0] == version  # no write bumped it
    again = _read(client, **{"If-None-Match": old_etag})
    assert again.status_code == 200, "the old ETag still matched a thread that closed by age"
    assert again.json["thread"]["closed"] is True
    assert again.headers["ETag"] != old_etag
    assert _texts(again) == ["still open"]
    refused = post(text="too late")
    assert refused.status_code == 403 and refused.json["error"] == "thread_closed"
    assert _read(client, **{"If-None-Match": again.headers["ETag"]}).status_code == 304


def test_changing_close_after_days_changes_the_etag(app, client, post, backend):
    post(text="old news")
    _age_thread(app, backend, URI, days=2)
    first = _read(client)
    assert first.json["thread"]["closed"] is False
    set_policy(app, close_after_days=1)
    again = _read(client, **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.json["thread"]["closed"] is True


# 5. Counts.


def test_counts_of_an_unknown_site_are_404(client):
    response = client.get("/api/v1/counts?site=no-such-site&uri=/a/")
    assert response.status_code == 404


def test_counts_answer_every_asked_path_once_with_0_for_missing(app, client, post):
    make_site(app, "other")
    post(uri="/a/", text="one")
    post(uri="/a/", text="two")
    post(uri="/b/", text="three")
    # Another site's thread at the same path counts for nothing here.
    client.post("/api/v1/comments", json={"site": "other", "uri": "/missing/", "text": "elsewhere"})
    response = client.get("/api/v1/counts?uri=/a/&uri=/missing/&uri=/a/&uri=/b/&uri=/b/")
    assert response.status_code == 200
    assert response.json["counts"] == {"/a/": 2, "/missing/": 0, "/b/": 1}
    assert list(response.json["counts"]) == ["/a/", "/missing/", "/b/"]
    nothing = client.get("/api/v1/counts?uri=/x/&uri=/y/")
    assert nothing.json["counts"] == {"/x/": 0, "/y/": 0}
    other = client.get("/api/v1/counts?site=other&uri=/a/&uri=/missing/")
    assert other.json["counts"] == {"/a/": 0, "/missing/": 1}


def test_a_counts_read_is_one_statement_and_answers_304(app, client, post, count_queries):
    post(uri="/a/", text="one")
    uris = "&".join(f"uri=/p/{n}/" for n in range(40))
    with count_queries() as counter:
        first = client.get(f"/api/v1/counts?uri=/a/&{uris}")
    assert first.status_code == 200 and first.json["counts"]["/a/"] == 1
    assert counter.count == 1, counter.statements
    with count_queries() as counter:
        again = client.get(f"/api/v1/counts?uri=/a/&{uris}",
                           headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert counter.count == 1, counter.statements


# 6. Reads are never rate limited.


class TestReadsAreNotLimited:
    @pytest.fixture
    def config(self, config: dict[str, Any]) -> dict[str, Any]:
        return {**config, "RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}

    def test_thirty_reads_pass_while_a_second_post_is_429(self, app, client, post):
        set_policy(app, post_limit="1 per minute")
        first = post(text="the only one")
        assert first.status_code == 201
        assert "X-RateLimit-Limit" in first.headers  # the limiter is really on for writes
        etag = None
        for n in range(30):
            headers = {"If-None-Match": etag} if etag and n % 2 else {}
            response = client.get(f"/api/v1/comments?uri={URI}", headers=headers)
            assert response.status_code in (200, 304), (n, response.status_code)
            assert not [name for name, _ in response.headers if name.lower().startswith("x-ratelimit")], n
            etag = response.headers["ETag"]
        counts = client.get(f"/api/v1/counts?uri={URI}")
        assert counts.status_code == 200 and "X-RateLimit-Limit" not in counts.headers
        refused = post(text="one too many")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert client.get(f"/api/v1/comments?uri={URI}").status_code == 200  # still readable


# 7. No cookies on public reads; moderators still sign in.


def test_public_reads_set_no_cookie_and_do_not_vary_on_it(client, post):
    post(text="hello")
    first = _read(client)
    answers = [
        first,
        _read(client, **{"If-None-Match": first.headers["ETag"]}),
        client.head(f"/api/v1/comments?uri={URI}"),
        client.get(f"/api/v1/counts?uri={URI}"),
        _read(client, "/nobody/yet/"),
    ]
    assert [answer.status_code for answer in answers] == [200, 304, 200, 200, 200]
    for answer in answers:
        assert "Set-Cookie" not in answer.headers
        vary = {item.strip().lower() for item in answer.headers.get("Vary", "").split(",")}
        assert "cookie" not in vary, answer.headers.get("Vary")
    assert client.get_cookie("session") is None


def test_a_moderator_still_signs_in_and_keeps_the_session(client, admin):
    assert client.get("/moderate/").status_code == 303
    signed_in = sign_in(client, "admin@example.com")
    assert signed_in.status_code == 303
    assert "HttpOnly" in signed_in.headers["Set-Cookie"]
    queue = client.get("/moderate/")
    assert queue.status_code == 200
    assert client.get(f"/api/v1/comments?uri={URI}").status_code == 200
    assert client.get("/moderate/").status_code == 200  # the session survives a public read


# 8. SQLite timestamps parsed with fromisoformat: the same values as SQLAlchemy's own parser.


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.sampled_from(["full", "seconds", "millis", "date"]))
def test_sqlite_timestamps_read_back_exactly_as_sqlalchemy_reads_them(moment, shape):
    from sqlalchemy import DateTime
    from sqlalchemy.dialects import sqlite

    from comments.models.types import UTCDateTime

    dialect = sqlite.dialect()
    stored = {"full": moment.isoformat(" ", timespec="microseconds"),
              "seconds": moment.isoformat(" ", timespec="seconds"),
              "millis": moment.isoformat(" ", timespec="milliseconds"),
              "date": moment.date().isoformat()}[shape]
    ours = UTCDateTime().result_processor(dialect, None)
    theirs = DateTime().dialect_impl(dialect).result_processor(dialect, None)
    expected = theirs(stored).replace(tzinfo=UTC)
    assert ours(stored) == expected
    assert ours(None) is None
