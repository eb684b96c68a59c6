"""Site policies and spam signals: modes, links, flags, closed threads, bot signs, duplicates, Akismet."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from tests.support.app import sql
from tests.support.moderation import add_rule, set_policy

URI = "/2019/02/08/summit/"


def reasons(app) -> list[str]:
    return [str(row[0]) for row in sql(app, "SELECT reasons FROM comments ORDER BY id")]


def form_token(app, seconds_ago: float) -> str:
    from comments.services import tokens

    with app.test_request_context():
        return tokens.sign("form", {"t": time.time() - seconds_ago, "j": secrets.token_hex(12)})


def test_publish_is_the_default(post):
    assert post(text="hello").status_code == 201


def test_hold_all_holds_every_comment_with_its_reason(app, client, post):
    set_policy(app, moderation="hold_all")
    response = post(text="hello")
    assert response.status_code == 202 and response.json["status"] == "pending"
    assert "every comment is reviewed" in reasons(app)[0]
    assert client.get(f"/api/v1/comments?uri={URI}").json["comments"] == []


def test_hold_first_holds_until_one_comment_was_approved(app, post):
    set_policy(app, moderation="hold_first")
    assert post(text="first", email="ann@example.com").status_code == 202
    sql(app, "UPDATE comments SET status = 'approved'")
    assert post(text="second", email="ann@example.com").status_code == 201
    assert post(text="stranger", email="bob@example.com").status_code == 202


def test_hold_until_n_approved(app, post):
    set_policy(app, moderation="hold_until", hold_until_approved=2)
    assert post(text="one", email="ann@example.com").status_code == 202
    sql(app, "UPDATE comments SET status = 'approved'")
    assert post(text="two", email="ann@example.com").status_code == 202
    assert "has 1 approved comments (needs 2)" in reasons(app)[-1]
    sql(app, "UPDATE comments SET status = 'approved'")
    assert post(text="three", email="ann@example.com").status_code == 201


def test_comments_with_many_links_are_held(app, post):
    set_policy(app, hold_links=2)
    assert post(text="see https://a.example").status_code == 201
    assert post(text="see https://a.example and https://b.example").status_code == 202
    assert "links: 2 links" in reasons(app)[-1]


def test_threads_older_than_the_limit_are_closed(app, post):
    assert post(text="early").status_code == 201
    set_policy(app, close_after_days=30)
    sql(app, "UPDATE threads SET created_at = :old",
        old=datetime.now(UTC).replace(tzinfo=None) - timedelta(days=31))
    response = post(text="late")
    assert response.status_code == 403 and response.json["error"] == "thread_closed"


def test_the_pipeline_runs_its_checks_in_the_designed_order(app):
    names = [check.__name__ for check in app.extensions["comments.pipeline"].checks]
    assert names == [
        "check_size_and_shape", "check_thread_closed", "check_reply_target", "check_bans",
        "check_reader_ban",
        "check_blocked_words", "check_bot_signs", "check_links", "check_duplicates",
        "check_held_words", "check_site_policy", "check_spam_service",
    ]


def test_refusals_answer_in_the_pipelines_order(app, post):
    parent = post(text="first").json["id"]
    set_policy(app, require_author=True, text_max_length=50)
    add_rule(app, "ban_email", "troll@example.com")
    sql(app, "UPDATE threads SET closed = :yes", yes=True)
    # Size and shape come before the closed thread ...
    shape = post(text="x" * 51, email="troll@example.com", parent_id=parent)
    assert shape.status_code == 422 and set(shape.json["errors"]) == {"text"}
    nameless = post(author="", text="hi", email="troll@example.com")
    assert nameless.status_code == 422 and set(nameless.json["errors"]) == {"author"}
    # ... the closed thread before the reply's target and the bans ...
    closed = post(text="hi", email="troll@example.com", parent_id=parent + 100)
    assert closed.status_code == 403 and closed.json["error"] == "thread_closed"
    sql(app, "UPDATE threads SET closed = :no", no=False)
    # ... and the reply's target before the bans.
    orphan = post(text="hi", email="troll@example.com", parent_id=parent + 100)
    assert orphan.status_code == 422 and set(orphan.json["errors"]) == {"parent_id"}
    banned = post(text="hi", email="troll@example.com", parent_id=parent)
    assert banned.status_code == 403 and banned.json["error"] == "banned"


def test_flags_from_enough_readers_send_a_comment_back_to_the_queue(app, client, post):
    set_policy(app, flag_threshold=2)
    comment_id = post(text="rude?").json["id"]
    for address in ("192.0.2.1", "198.51.100.2"):  # two networks: one alone cannot hide it
        response = client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "abuse"},
                               environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 202
    assert sql(app, "SELECT status FROM comments")[0][0] == "pending"
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 0


def test_a_filled_honeypot_is_spam_and_looks_held_to_the_bot(app, post):
    response = post(text="hello", hp="http://spam.example")
    assert response.status_code == 202 and response.json["status"] == "pending"
    assert sql(app, "SELECT status FROM comments")[0][0] == "spam"
    assert "honeypot" in reasons(app)[0]


def test_a_form_sent_too_fast_is_held(app, post):
    set_policy(app, min_submit_seconds=5)
    assert post(text="quick", form_token=form_token(app, 1)).status_code == 202
    assert "minimum 5 s" in reasons(app)[0]
    assert post(text="slow and steady", form_token=form_token(app, 30)).status_code == 201


def test_a_forged_or_stale_form_token_is_held(app, post):
    assert post(text="forged", form_token="abc.def.ghi").status_code == 202
    assert "form token invalid" in reasons(app)[0]
    assert post(text="stale", form_token=form_token(app, 3 * 24 * 3600)).status_code == 202


def test_api_clients_without_a_form_token_publish_unless_the_site_requires_the_form(app, post):
    assert post(text="from a script").status_code == 201
    set_policy(app, require_form_token=True)
    assert post(text="from a script again").status_code == 202
    assert "without the comment form" in reasons(app)[-1]


PASTED = "Buy my book at https://books.example, the best deals on the whole web!"


def test_the_same_text_twice_in_a_thread_is_held(app, post):
    assert post(text=PASTED).status_code == 201
    response = post(text=PASTED, environ={"REMOTE_ADDR": "192.0.2.99"})
    assert response.status_code == 202
    assert "duplicate" in reasons(app)[-1]


def test_the_same_author_repeating_a_text_elsewhere_is_held(app, post):
    assert post(text=PASTED, email="ann@example.com").status_code == 201
    assert post(uri="/other/", text=PASTED, email="ann@example.com").status_code == 202
    assert post(uri="/third/", text=PASTED, email="bob@example.com",
                environ={"REMOTE_ADDR": "192.0.2.50"}).status_code == 201


def test_an_edit_is_no_duplicate_of_the_comment_itself_but_of_another(app, client, post):
    mine = post(text=PASTED + " Mine.").json
    edited = client.patch(f"/api/v1/comments/{mine['id']}", json={"text": PASTED + " Mine."},
                          headers={"X-Edit-Token": mine["edit_token"]})
    assert edited.status_code == 200 and edited.json["status"] == "approved"
    assert post(text=PASTED, environ={"REMOTE_ADDR": "192.0.2.7"}).status_code == 201
    again = client.patch(f"/api/v1/comments/{mine['id']}", json={"text": PASTED},
                         headers={"X-Edit-Token": edited.json["edit_token"]})
    assert again.status_code == 200 and again.json["status"] == "pending"
    assert "duplicate" in reasons(app)[0]


def test_short_texts_may_repeat(app, post):
    assert post(text="Thanks!").status_code == 201
    assert post(text="Thanks!").status_code == 201
    set_policy(app, duplicate_min_length=0)
    assert post(text=PASTED).status_code == 201
    assert post(text=PASTED).status_code == 201


# ---- Akismet on a real HTTP server on loopback ----


class Akismet:
    """A stand-in Akismet endpoint: answers `body` after `delay` seconds, or fails with 500."""

    def __init__(self) -> None:
        self.body = "false"
        self.delay = 0.0
        self.status = 200
        self.requests: list[dict[str, list[str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append(parse_qs(self.rfile.read(length).decode()))
                time.sleep(outer.delay)
                payload = outer.body.encode()
                try:
                    self.send_response(outer.status)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/1.1/comment-check"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def akismet() -> Iterator[Akismet]:
    server = Akismet()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def config(config, akismet):
    return {**config, "AKISMET_KEY": "test-key", "AKISMET_URL": akismet.url,
            "AKISMET_TIMEOUT": 0.5}


def test_akismet_ham_publishes_and_receives_the_facts(app, post, akismet):
    assert post(text="A fine comment", author="Ann", email="ann@example.com").status_code == 201
    sent = akismet.requests[0]
    assert sent["api_key"] == ["test-key"]
    assert sent["comment_content"] == ["A fine comment"]
    assert sent["permalink"] == ["https://news.example" + URI]


def test_akismet_spam_is_marked_spam(app, post, akismet):
    akismet.body = "true"
    assert post(text="Buy now").status_code == 202
    assert sql(app, "SELECT status FROM comments")[0][0] == "spam"


@pytest.mark.parametrize("failure", ["slow", "error", "nonsense"])
def test_akismet_trouble_holds_the_comment(app, post, akismet, failure):
    if failure == "slow":
        akismet.delay = 3.0
    elif failure == "error":
        akismet.status, akismet.body = 500, "oops"
    else:
        akismet.body = "maybe"
    started = time.monotonic()
    assert post(text="Hello there").status_code == 202
    assert time.monotonic() - started < 2.5  # the 0.5 s time-out, not the 3 s answer, decided
    assert "akismet: no answer" in reasons(app)[0]


def test_a_site_may_turn_akismet_off(app, post, akismet):
    set_policy(app, akismet=False)
    akismet.body = "true"
    assert post(text="Hello").status_code == 201
    assert akismet.requests == []


def test_waiting_on_akismet_holds_no_database_lock(app, akismet):
    """The spam service is asked before the write transaction: other writes go on meanwhile."""
    akismet.delay = 1.0
    app.config["AKISMET_TIMEOUT"] = 3.0  # the slow answer comes, late
    slow_client, fast_client = app.test_client(), app.test_client()
    slow_client.post("/api/v1/comments", json={"uri": URI, "text": "first"})
    answers: list[int] = []
    waiting = threading.Thread(target=lambda: answers.append(
        slow_client.post("/api/v1/comments", json={"uri": URI, "text": "the slow one"}).status_code))
    waiting.start()
    deadline = time.monotonic() + 5
    while len(akismet.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    vote = fast_client.post("/api/v1/comments/1/votes", json={"value": 1},
                            environ_base={"REMOTE_ADDR": "203.0.113.99"})
    took = time.monotonic() - started
    waiting.join(10)
    assert vote.status_code == 200
    assert took < 0.7, took  # it did not wait for the second the spam service took
    assert answers == [201]
