"""Thread pages built in the fast lane on a memo miss: the very bytes and headers Flask answers,
the page in one statement, and the same tree a plain reading of the rules gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.fast_lane.conftest import lane_answer
from tests.support.app import sql

URI = "/2019/02/08/summit/"
ALLOWED = "https://www.news.example"


def _decide(app: Flask, comment_id: int, outcome: str, ground: str | None) -> None:
    from comments.extensions import db
    from comments.models import Decision

    with app.app_context():
        db.session.add(Decision(site_id=1, comment_id=comment_id, outcome=outcome, ground=ground,
                                decided_by="test"))
        db.session.commit()


def _busy_thread(app: Flask, post: Any, client: FlaskClient) -> None:
    """Every kind of comment a page can show or hide, nested, pinned, featured, voted on."""
    ids = []
    for n in range(6):
        ids.append(post(text=f"Top {n}", website="example.org/me" if n % 2 else "").json["id"])
    reply = post(text="A reply", parent_id=ids[0]).json["id"]
    deep = post(text="A reply to the reply", parent_id=reply).json["id"]
    post(text="Deeper still", parent_id=deep)
    held_reply = post(text="Held reply", parent_id=ids[1]).json["id"]
    gone = post(text="Deleted, with a visible reply", parent_id=ids[1])
    post(text="Reply under the deleted one", parent_id=gone.json["id"])
    lonely = post(text="Deleted, nothing below").json
    removed = post(text="Removed on a ground").json["id"]
    post(text="Reply to the removed one", parent_id=removed)
    restored_ground = post(text="Removed, then a keep").json["id"]
    post(text="Reply to it", parent_id=restored_ground)
    held_top = post(text="Held top-level with a visible reply").json["id"]
    post(text="Visible reply to a held one", parent_id=held_top)
    for token_of in (gone.json, lonely):
        client.delete(f"/api/v1/comments/{token_of['id']}",
                      headers={"X-Edit-Token": token_of["edit_token"]})
    sql(app, "UPDATE comments SET status = 'pending' WHERE id IN (:a, :b)", a=held_reply, b=held_top)
    sql(app, "UPDATE comments SET status = 'rejected' WHERE id IN (:a, :b)", a=removed,
        b=restored_ground)
    _decide(app, removed, "reject", "illegal")
    _decide(app, restored_ground, "delete", "terms")
    _decide(app, restored_ground, "keep", None)
    sql(app, "UPDATE comments SET pinned = :yes WHERE id = :id", yes=True, id=ids[3])
    sql(app, "UPDATE comments SET featured = :yes, verified = :yes, badges = 'staff,expert' "
             "WHERE id IN (:a, :b)", yes=True, a=ids[2], b=deep)
    sql(app, "UPDATE comments SET likes = id % 4, dislikes = id % 3, edited_at = created_at")
    sql(app, "UPDATE threads SET featured_count = 2, version = version + 1")


PAGES = [
    "",
    "&sort=newest&limit=2",
    "&sort=top&limit=3",
    "&sort=featured",
    "&limit=1",
    "&site=default&sort=oldest&limit=20&after=",
]
HEADERS = [{}, {"Origin": ALLOWED}, {"Origin": "https://evil.example"}, {"Accept-Encoding": "gzip"}]


def _every_page(client: FlaskClient, query: str) -> list[str]:
    """The paths of every page of a listing, following `next`."""
    paths = [f"/api/v1/comments?uri={quote(URI)}{query}"]
    while True:
        answer = client.get(paths[-1]).json
        if not answer["next"]:
            return paths
        paths.append(f"/api/v1/comments?uri={quote(URI)}{query.replace('&after=', '')}"
                     f"&after={answer['next']}")


@pytest.mark.parametrize("query", PAGES)
def test_a_miss_is_built_in_the_lane_exactly_as_flask_builds_it(app, client, flask_only, post,
                                                                flask_calls, query):
    _busy_thread(app, post, client)
    paths = _every_page(flask_only, query)
    for path in paths:
        for headers in HEADERS:
            app.extensions["comments.answer_memo"].__init__(32 * 1024 * 1024)  # every read a miss
            flask_calls.clear()
            lane = client.get(path, headers=headers)
            assert flask_calls == [], "a miss should be built in the lane"
            assert lane.status_code == 200
            assert lane_answer(lane) == lane_answer(flask_only.get(path, headers=headers)), (path, headers)
            assert lane_answer(client.get(path, headers=headers)) == lane_answer(lane)  # now a memo hit


def test_the_lane_builds_placeholders_with_their_grounds(app, client, post):
    _busy_thread(app, post, client)
    comments = client.get(f"/api/v1/comments?uri={quote(URI)}").json["comments"]
    texts = {c["id"]: (c["status"], c.get("removal_ground")) for c in comments}
    grounds = sorted(ground for _status, ground in texts.values() if ground)
    assert grounds == ["illegal"]
    assert sorted(status for status, _ in texts.values()) == [
        "approved"] * 6 + ["deleted"] * 3


@pytest.mark.parametrize("uri,closed", [(URI, True), ("/nobody/yet/", False)])
def test_closed_and_unknown_threads_are_built_in_the_lane_like_flask(app, client, flask_only,
                                                                     post, flask_calls, uri,
                                                                     closed):
    post(text="Before closing")
    sql(app, "UPDATE threads SET closed = :yes, version = version + 1", yes=True)
    path = f"/api/v1/comments?uri={quote(uri)}"
    flask_calls.clear()
    lane = client.get(path)
    assert flask_calls == []
    assert lane.json["thread"]["closed"] is closed
    assert lane_answer(lane) == lane_answer(flask_only.get(path))


def test_a_held_comment_alone_reads_as_no_thread_in_the_lane_too(app, client, flask_only, post,
                                                                 flask_calls):
    from tests.support.moderation import set_policy

    set_policy(app, moderation="hold_all")
    assert post(text="Waiting for a moderator").status_code == 202
    path = f"/api/v1/comments?uri={quote(URI)}"
    flask_calls.clear()
    lane = client.get(path)
    assert flask_calls == []
    assert lane.json["comments"] == [] and lane.json["thread"]["count"] == 0
    assert lane_answer(lane) == lane_answer(flask_only.get(path))


def test_a_lane_miss_is_two_queries_and_fills_the_memo(app, client, post, count_queries):
    first = post(text="One").json["id"]
    post(text="Two", parent_id=first)
    path = f"/api/v1/comments?uri={quote(URI)}"
    with count_queries() as counter:
        built = client.get(path)
    assert built.status_code == 200 and built.json["comments"][0]["reply_count"] == 1
    assert counter.count == 2, counter.statements  # the thread's head, then the whole page
    etag = built.headers["ETag"].removeprefix("W/").strip('"')
    assert app.extensions["comments.answer_memo"].get(etag) == built.data


def test_a_bad_cursor_is_left_to_flask(client, post, flask_calls):
    post(text="One")
    flask_calls.clear()
    response = client.get(f"/api/v1/comments?uri={quote(URI)}&after=bm90LWEtY3Vyc29y")
    assert response.status_code == 400
    assert len(flask_calls) == 1


def test_a_database_error_while_building_is_flasks_to_answer(app, client, post, flask_calls,
                                                            backend):
    post(text="One")
    # The head still reads (sites, threads); the page cannot.
    sql(app, "ALTER TABLE comments RENAME TO comments_away")
    flask_calls.clear()
    try:
        response = client.get(f"/api/v1/comments?uri={quote(URI)}")
    finally:
        sql(app, "ALTER TABLE comments_away RENAME TO comments")
    assert len(flask_calls) == 1
    assert response.status_code >= 500


# The page against a plain reading of the rules, from ORM objects.


def _expected(app: Flask, sort: str) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from comments.extensions import db
    from comments.models import Comment
    from comments.web.discussion.present import comment_json

    with app.app_context():
        every = list(db.session.scalars(select(Comment)))
        children: dict[int | None, list[Comment]] = {}
        for comment in sorted(every, key=lambda c: (c.created_at, c.id)):
            children.setdefault(comment.parent_id, []).append(comment)

        def build(comment: Comment) -> tuple[dict[str, Any] | None, int]:
            replies, below = [], 0
            for child in children.get(comment.id, []):
                built, count = build(child)
                if built is not None:
                    replies.append(built)
                    below += count + (child.status == "approved")
            if comment.status != "approved" and not below:
                return None, 0
            return comment_json(comment, replies, below), below

        keys = {"oldest": lambda c: (not c.pinned, c.created_at, c.id),
                "newest": lambda c: (not c.pinned, -c.created_at.timestamp(), -c.id),
                "top": lambda c: (not c.pinned, -c.score, c.created_at, c.id)}
        if sort == "featured":
            tops = sorted((c for c in every if c.featured and c.status == "approved"),
                          key=keys["newest"])
            return [comment_json(c, [], 0) for c in tops]
        pages = [build(c)[0] for c in sorted(children.get(None, []), key=keys[sort])]
        db.session.remove()
    return [page for page in pages if page is not None]


@pytest.mark.parametrize("sort", ["oldest", "newest", "top", "featured"])
def test_a_page_is_the_tree_the_rules_describe(app, client, post, sort):
    _busy_thread(app, post, client)
    # Distinct times a second apart, so that the order never rests on equal timestamps.
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n, (comment_id,) in enumerate(sql(app, "SELECT id FROM comments ORDER BY id")):
        sql(app, "UPDATE comments SET created_at = :at WHERE id = :id",
            at=start + timedelta(seconds=n), id=comment_id)
    sql(app, "UPDATE threads SET version = version + 1")
    answer = client.get(f"/api/v1/comments?uri={quote(URI)}&sort={sort}&limit=100").json
    stack = list(answer["comments"])
    while stack:  # grounds come from decisions, which the plain reading leaves out
        body = stack.pop()
        body.pop("removal_ground", None)
        stack.extend(body["replies"])
    assert answer["comments"] == _expected(app, sort)


def test_invented_paths_leave_the_memo_to_real_threads(app, client, post):
    """A stranger picks the path: answers for articles nobody commented on are cheap to build
    and are not kept, so invented paths cannot push real threads' pages out of the memo."""
    post(uri=URI, text="A kept page")
    real = client.get(f"/api/v1/comments?uri={URI}")
    assert real.status_code == 200
    memo = app.extensions["comments.answer_memo"]
    kept = len(memo)
    for number in range(50):
        invented = client.get(f"/api/v1/comments?uri=/invented-{number}/")
        assert invented.status_code == 200 and invented.json["comments"] == []
    assert len(memo) == kept
