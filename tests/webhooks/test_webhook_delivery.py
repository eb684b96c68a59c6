"""Deliveries: signed per Standard Webhooks, public fields only, retried, given up, never redirected."""

from __future__ import annotations

import json

import pytest

from tests.support.app import sql
from tests.support.moderation import bearer

API = "/api/v1/moderation"


@pytest.fixture
def config(config):
    config.update(WEBHOOKS_ALLOW_PRIVATE=True, MAIL_RETRY_BASE_SECONDS=0,
                  MAIL_RETRY_MAX_SECONDS=0, WEBHOOKS_TIMEOUT=1.0, WEBHOOKS_CONNECT_TIMEOUT=1.0)
    return config


def add_endpoint(app, url, events, site="default"):
    from comments.extensions import db
    from comments.services.webhooks.endpoints import add_endpoint as add

    with app.app_context():
        made = add(site, url, events)
        result = made.endpoint.id, made.secret
        db.session.remove()
    return result


def deliver(app):
    from comments.services.webhooks.delivery import run_webhook_worker

    with app.app_context():
        return run_webhook_worker(once=True, worker="test-worker")


def test_every_event_arrives_signed_with_the_public_fields_and_never_an_email(
        app, client, post, admin_token, webhook_receiver):
    endpoint_id, secret = add_endpoint(app, webhook_receiver.url(), [
        "comment.created", "comment.approved", "comment.rejected", "comment.deleted",
        "comment.flagged", "share.sent"])
    webhook_receiver.secrets.append(secret)
    created = post(text="Hello *world*", author="Ann", email="ann@example.com",
                   website="https://ann.example", environ={"REMOTE_ADDR": "198.51.100.7"})
    comment_id = created.json["id"]
    client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "abuse"},
                environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.post("/api/v1/shares/links", json={"uri": "/2019/02/08/summit/"})
    for action in ("reject", "approve", "delete"):
        assert client.post(f"{API}/comments/{comment_id}/{action}",
                           headers=bearer(admin_token)).status_code == 200
    tally = deliver(app)
    assert tally.delivered == 6 and tally.failed == 0
    received = webhook_receiver.received
    assert [item.json["type"] for item in received] == [
        "comment.created", "comment.flagged", "share.sent", "comment.rejected",
        "comment.approved", "comment.deleted"]
    for item in received:
        assert item.verified_by == [secret]  # standardwebhooks accepts every signature
        assert item.headers["webhook-signature"].startswith("v1,")
        assert item.headers["content-type"] == "application/json"
        assert item.headers["webhook-id"].startswith("msg_")
        assert "ann@example.com" not in item.body.decode() and "198.51.100.7" not in item.body.decode()
        assert "email" not in item.body.decode() and "ip_hash" not in item.body.decode()
    first = received[0].json
    assert first["timestamp"].endswith("Z")
    comment = first["data"]["comment"]
    assert comment["id"] == comment_id and comment["author"] == "Ann"
    assert comment["html"] == "<p>Hello <em>world</em></p>" and comment["status"] == "approved"
    # A reader's title is only a hint (issue 13): the thread's title is the publisher's, unknown.
    assert first["data"]["thread"] == {"site": "default", "uri": "/2019/02/08/summit/",
                                       "title": "", "url": "https://news.example/2019/02/08/summit/",
                                       "count": 1}
    assert received[1].json["data"]["flag"] == {"reason": "abuse", "count": 1}
    assert set(received[2].json["data"]["share"]) == {"id", "kind", "created_at"}
    assert received[3].json["data"]["comment"]["html"] == ""  # rejected: content withheld
    assert received[5].json["data"]["comment"]["status"] == "deleted"
    log = client.get(f"{API}/webhooks/{endpoint_id}/deliveries", headers=bearer(admin_token)).json
    assert {d["status"] for d in log["deliveries"]} == {"delivered"}
    assert all(d["attempts"] == 1 and d["response_status"] == 204 and d["latency_ms"] >= 0
               for d in log["deliveries"])


def test_only_chosen_events_of_the_endpoints_own_site_are_queued(app, client, post, webhook_receiver):
    from tests.support.moderation import make_site

    make_site(app, "other")
    add_endpoint(app, webhook_receiver.url(), ["comment.approved"])
    add_endpoint(app, webhook_receiver.url("/other"), ["comment.created"], site="other")
    post(text="not wanted: created is not chosen on default")
    assert sql(app, "SELECT count(*) FROM webhook_deliveries")[0][0] == 0


def test_the_delivery_is_written_in_the_transaction_of_its_cause(app, client, post, webhook_receiver):
    add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    # A post that fails validation writes nothing, so no delivery either.
    assert post(text="").status_code == 422
    assert sql(app, "SELECT count(*) FROM webhook_deliveries")[0][0] == 0
    post(text="kept")
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 1
    assert sql(app, "SELECT count(*) FROM webhook_deliveries")[0][0] == 1


def test_5xx_and_timeouts_are_retried_with_the_same_id_until_they_succeed(
        app, post, webhook_receiver):
    _endpoint, secret = add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    webhook_receiver.secrets.append(secret)
    post(text="one")
    webhook_receiver.answer(503)
    assert deliver(app).retried == 1
    webhook_receiver.answer(200, delay=1.5)  # longer than the 1 s read timeout
    assert deliver(app).retried == 1
    webhook_receiver.answer(200)
    assert deliver(app).delivered == 1
    ids = [item.webhook_id for item in webhook_receiver.received]
    assert len(ids) == 3 and len(set(ids)) == 1
    assert all(item.verified_by == [secret] for item in webhook_receiver.received)
    attempts, status, error = sql(app, "SELECT attempts, status, last_error FROM webhook_deliveries")[0]
    assert (attempts, status, error) == (3, "delivered", None)


def test_a_client_error_or_a_redirect_fails_without_following(app, post, webhook_receiver):
    add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    webhook_receiver.answer(302, location=webhook_receiver.url("/elsewhere"))
    post(text="one")
    assert deliver(app).failed == 1
    assert [item.path for item in webhook_receiver.received] == ["/hook"]  # never /elsewhere
    webhook_receiver.answer(400)
    post(text="two")
    assert deliver(app).failed == 1
    rows = sql(app, "SELECT status, response_status FROM webhook_deliveries ORDER BY id")
    assert rows == [("failed", 302), ("failed", 400)]


def test_a_huge_answer_is_read_only_to_the_limit(app, post, webhook_receiver):
    app.config["WEBHOOKS_RESPONSE_LIMIT"] = 1024
    add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    webhook_receiver.answer(200, body=b"x" * 20_000_000)
    post(text="one")
    assert deliver(app).delivered == 1


def test_a_delivery_failing_for_a_day_is_given_up(app, post, webhook_receiver):
    add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    webhook_receiver.answer(500)
    post(text="one")
    sql(app, "UPDATE webhook_deliveries SET give_up_at = created_at")
    assert deliver(app).failed == 1
    status, error = sql(app, "SELECT status, last_error FROM webhook_deliveries")[0]
    assert status == "failed" and error.startswith("gave up")


def test_rotation_signs_with_both_secrets_during_the_grace_period(app, client, post, admin_token,
                                                                  webhook_receiver):
    endpoint_id, old = add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    rotated = client.post(f"{API}/webhooks/{endpoint_id}/rotate-secret", headers=bearer(admin_token))
    new = rotated.json["secret"]
    assert rotated.status_code == 200 and new.startswith("whsec_") and new != old
    assert rotated.json["secret_rotated_until"] is not None
    webhook_receiver.secrets.extend([old, new])
    post(text="during grace")
    deliver(app)
    item = webhook_receiver.received[-1]
    assert len(item.headers["webhook-signature"].split(" ")) == 2
    assert item.verified_by == [old, new]  # a receiver holding either secret accepts it
    sql(app, "UPDATE webhook_endpoints SET previous_secret_until = created_at")
    post(text="after grace")
    deliver(app)
    assert webhook_receiver.received[-1].verified_by == [new]


def test_an_endpoint_failing_long_enough_is_disabled_and_admins_get_mail(
        app, post, webhook_receiver):
    from tests.support.moderation import make_moderator

    make_moderator(app, "boss@example.com", role="admin", all_sites=True)
    make_moderator(app, "mod@example.com", role="moderator", all_sites=True)
    app.config.update(WEBHOOKS_DISABLE_AFTER_SECONDS=0, WEBHOOKS_DISABLE_MIN_FAILURES=3)
    add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    webhook_receiver.answer(500)
    for n in range(2):
        post(text=f"comment {n}")
    deliver(app)
    assert sql(app, "SELECT disabled_at FROM webhook_endpoints")[0][0] is None  # 2 failures
    deliver(app)
    disabled, reason, streak = sql(app, "SELECT disabled_at, disabled_reason, failure_streak "
                                        "FROM webhook_endpoints")[0]
    assert disabled is not None and "attempts" in reason and streak >= 3
    mail = sql(app, "SELECT recipient, template FROM outbox WHERE template = 'webhook_disabled'")
    assert mail == [("boss@example.com", "webhook_disabled")]  # the admin, not the moderator
    # A disabled endpoint is not called and gets no new deliveries.
    before = len(webhook_receiver.received)
    post(text="while off")
    deliver(app)
    assert len(webhook_receiver.received) == before
    assert sql(app, "SELECT count(*) FROM webhook_deliveries")[0][0] == 2


def test_the_body_signed_is_the_body_sent(app, post, webhook_receiver):
    from standardwebhooks import Webhook

    _endpoint, secret = add_endpoint(app, webhook_receiver.url(), ["comment.created"])
    post(text="ünïcode ✓ and \"quotes\"")
    deliver(app)
    item = webhook_receiver.received[0]
    assert Webhook(secret).verify(item.body, item.headers)["data"]["comment"]["html"] \
        == json.loads(item.body)["data"]["comment"]["html"]


def test_the_worker_connects_to_the_address_it_checked_and_names_the_host(app, post,
                                                                          webhook_receiver):
    # Registered by name: the connection goes to the IP the check passed (127.0.0.1 here, with
    # private targets allowed), and the receiver still sees its own name in Host.
    from comments.services.webhooks.addresses import resolve

    add_endpoint(app, webhook_receiver.url(host="localhost"), ["comment.created"])
    with app.app_context():
        target = resolve(webhook_receiver.url(host="localhost"))
    assert target.address == "127.0.0.1"  # this machine's /etc/hosts
    assert target.connect_url == f"http://127.0.0.1:{webhook_receiver.port}/hook"
    assert target.host_header == f"localhost:{webhook_receiver.port}"
    post(text="one")
    assert deliver(app).delivered == 1
    assert webhook_receiver.received[0].headers["host"] == f"localhost:{webhook_receiver.port}"
