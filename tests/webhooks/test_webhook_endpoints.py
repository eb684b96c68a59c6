"""Managing endpoints three ways (API, admins' pages, CLI), and the address rules (SSRF)."""

from __future__ import annotations

import pytest

from tests.support.app import sql
from tests.support.moderation import (
    bearer,
    csrf_token,
    make_moderator,
    make_site,
    make_token,
    sign_in,
)

API = "/api/v1/moderation/webhooks"


def test_private_and_loopback_targets_are_refused_at_registration(client, admin_token):
    # `localhost` is a name that resolves to 127.0.0.1 (and ::1): the resolved address counts.
    for url in ["http://localhost:8080/hook", "http://127.0.0.1/hook", "http://10.0.0.8/",
                "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://192.168.1.1/",
                "ftp://hooks.example/", "file:///etc/passwd", "http://user:pw@localhost/",
                "http://no-such-host.invalid/"]:
        response = client.post(API, json={"url": url, "events": ["comment.created"]},
                               headers=bearer(admin_token))
        assert response.status_code == 422, url
        assert response.json["error"] == "invalid" and "url" in response.json["errors"], url
    assert sql_count(client) == 0


def sql_count(client):
    return sql(client.application, "SELECT count(*) FROM webhook_endpoints")[0][0]


def test_a_name_that_later_resolves_privately_is_refused_at_delivery(app, post, webhook_receiver):
    """Registered while allowed (as if the name pointed elsewhere), then resolved to 127.0.0.1."""
    from comments.extensions import db
    from comments.services.webhooks.delivery import run_webhook_worker
    from comments.services.webhooks.endpoints import add_endpoint

    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    with app.app_context():
        add_endpoint("default", webhook_receiver.url(host="localhost"), ["comment.created"])
        db.session.remove()
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    post(text="one")
    with app.app_context():
        tally = run_webhook_worker(once=True)
    assert tally.retried == 1 and webhook_receiver.received == []
    error = sql(app, "SELECT last_error FROM webhook_deliveries")[0][0]
    assert error.startswith("refused:") and ("127.0.0.1" in error or "::1" in error)


def test_the_allow_flag_lets_tests_use_loopback(client, app, admin_token, webhook_receiver):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = "true"
    response = client.post(API, json={"url": webhook_receiver.url(host="localhost"),
                                      "events": ["comment.created"]}, headers=bearer(admin_token))
    assert response.status_code == 201


@pytest.fixture
def allowed(app):
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True


def test_the_api_adds_lists_rotates_switches_and_removes(client, app, admin_token, allowed,
                                                           webhook_receiver):
    auth = bearer(admin_token)
    made = client.post(API, json={"url": webhook_receiver.url(), "description": "chat",
                                  "events": ["comment.created", "comment.flagged"]}, headers=auth)
    assert made.status_code == 201
    body = made.json
    assert body["secret"].startswith("whsec_") and body["enabled"] is True and body["site"] == "default"
    listed = client.get(API, headers=auth).json["webhooks"]
    assert [item["id"] for item in listed] == [body["id"]]
    assert "secret" not in listed[0] and "secret" not in client.get(f"{API}/{body['id']}", headers=auth).json
    assert body["secret"] not in str(client.get(API, headers=auth).data)
    off = client.post(f"{API}/{body['id']}/disable", headers=auth)
    assert off.status_code == 200 and off.json["enabled"] is False
    assert client.post(f"{API}/{body['id']}/enable", headers=auth).json["enabled"] is True
    rotated = client.post(f"{API}/{body['id']}/rotate-secret", headers=auth).json
    assert rotated["secret"] != body["secret"]
    assert client.delete(f"{API}/{body['id']}", headers=auth).status_code == 204
    assert client.get(f"{API}/{body['id']}", headers=auth).status_code == 404
    assert client.post(API, json={"url": webhook_receiver.url(), "events": ["comment.exploded"]},
                       headers=auth).status_code == 422
    assert client.post(API, json={"url": webhook_receiver.url(), "events": []},
                       headers=auth).status_code == 422


def test_only_admins_of_the_site_manage_webhooks(client, app, allowed, webhook_receiver):
    make_site(app, "other")
    moderator = make_token(app, make_moderator(app, "mod@example.com", all_sites=True))
    other_admin = make_token(app, make_moderator(app, "oa@example.com", role="admin",
                                                 sites=["other"]))
    body = {"url": webhook_receiver.url(), "events": ["comment.created"]}
    assert client.post(API, json=body).status_code == 401
    assert client.post(API, json=body, headers=bearer(moderator)).status_code == 403
    assert client.post(API, json=body, headers=bearer(other_admin)).status_code == 403
    assert client.post(API, json={**body, "site": "other"},
                       headers=bearer(other_admin)).status_code == 201
    assert client.get(API, headers=bearer(moderator)).json["webhooks"] == []


def test_admins_manage_webhooks_and_resend_from_the_pages(client, app, admin, post, allowed,
                                                          webhook_receiver):
    from comments.services.webhooks.delivery import run_webhook_worker

    assert sign_in(client, "admin@example.com").status_code == 303
    page = client.post("/moderate/webhooks", data={
        "csrf_token": csrf_token(client, "/moderate/webhooks"), "site": "default",
        "url": webhook_receiver.url(), "events": ["comment.created"], "description": "desk"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "whsec_" in html and "this once" in html
    endpoint_id = sql(app, "SELECT id FROM webhook_endpoints")[0][0]
    secret = sql(app, "SELECT secret FROM webhook_endpoints")[0][0]
    assert secret not in client.get(f"/moderate/webhooks/{endpoint_id}").get_data(as_text=True)
    post(text="one")
    webhook_receiver.answer(503)
    with app.app_context():
        run_webhook_worker(once=True)
    detail = client.get(f"/moderate/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "pending" in detail and "503" in detail and " ms" in detail and "Resend" in detail
    webhook_receiver.answer(204)
    delivery_id = sql(app, "SELECT id FROM webhook_deliveries")[0][0]
    sql(app, "UPDATE webhook_deliveries SET status = 'failed'")
    resent = client.post(f"/moderate/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend",
                         data={"csrf_token": csrf_token(client, f"/moderate/webhooks/{endpoint_id}")})
    assert resent.status_code == 303
    with app.app_context():
        assert run_webhook_worker(once=True).delivered == 1
    ids = [item.webhook_id for item in webhook_receiver.received]
    assert len(ids) == 2 and len(set(ids)) == 1  # the resend keeps its webhook-id
    detail = client.get(f"/moderate/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "delivered" in detail


def test_moderators_who_are_not_admins_get_403_on_the_pages(client, app):
    make_moderator(app, "mod@example.com", all_sites=True)
    sign_in(client, "mod@example.com")
    assert client.get("/moderate/webhooks").status_code == 403


def test_the_cli_adds_lists_rotates_and_removes(runner, app, allowed, webhook_receiver):
    added = runner.invoke(["webhooks", "add", "default", webhook_receiver.url(),
                           "--events", "comment.created,comment.approved"])
    assert added.exit_code == 0, added.output
    assert "whsec_" in added.output
    endpoint_id = sql(app, "SELECT id FROM webhook_endpoints")[0][0]
    listed = runner.invoke(["webhooks", "list"])
    assert webhook_receiver.url() in listed.output and "whsec_" not in listed.output
    rotated = runner.invoke(["webhooks", "rotate-secret", str(endpoint_id)])
    assert rotated.exit_code == 0 and "whsec_" in rotated.output
    assert runner.invoke(["webhooks", "remove", str(endpoint_id)]).exit_code == 0
    assert "No webhook endpoints" in runner.invoke(["webhooks", "list"]).output
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    refused = runner.invoke(["webhooks", "add", "default", "http://localhost/hook", "--events",
                             "comment.created"])
    assert refused.exit_code != 0 and "private" in refused.output
