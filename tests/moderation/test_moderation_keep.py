"""Keeping a flagged comment: one action, from a key, a button or the API, that is recorded."""

from __future__ import annotations

import pytest

from tests.moderation.test_moderation_browser import sign_in
from tests.support.app import sql
from tests.support.moderation import bearer

URI = "/2019/02/08/summit/"


def flag(client, comment_id, address):
    response = client.post(f"/api/v1/comments/{comment_id}/flags", json={"reason": "abuse"},
                           environ_base={"REMOTE_ADDR": address})
    assert response.status_code in (200, 201, 202, 204), response.data


def flagged_comment(client, post, flags=2):
    comment_id = post(text="An unpopular but fair opinion", author="Ann").json["id"]
    for n in range(flags):
        flag(client, comment_id, f"192.0.{n + 10}.2")  # one network each: one cannot hide it
    return comment_id


def open_flags(app, comment_id):
    return sql(app, "SELECT count(*) FROM flags WHERE comment_id = :c AND resolved_at IS NULL",
               c=comment_id)[0][0]


@pytest.mark.browser
def test_the_a_key_keeps_a_flagged_published_comment(app, client, post, admin, live_server,
                                                     page):
    comment_id = flagged_comment(client, post)
    assert sql(app, "SELECT status, flag_count FROM comments") == [("approved", 2)]
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/moderate/?status=flagged")
    item = page.locator(".items .item").first
    keep = item.locator("button.act-keep")
    assert keep.inner_text() == "Keep"
    assert keep.get_attribute("title") == "a"
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert "kept" in page.locator(".flash").inner_text().lower()
    assert sql(app, "SELECT status, flag_count FROM comments") == [("approved", 0)]
    assert open_flags(app, comment_id) == 0
    assert page.locator(".items .item").count() == 0  # no longer flagged
    [(actor, before, after)] = sql(app, "SELECT actor, before, after FROM moderation_events "
                                        "WHERE action = 'kept'")
    assert actor == "moderator:admin@example.com"
    assert "2" in str(before) and "0" in str(after)
    assert page.problems == []


def test_keep_is_a_button_on_a_flagged_comment_and_nowhere_else(app, client, post, admin):
    from tests.support.moderation import sign_in as form_sign_in

    flagged = flagged_comment(client, post)
    plain = post(text="nobody minds this one").json["id"]
    form_sign_in(client, "admin@example.com")
    flagged_page = client.get(f"/moderate/comments/{flagged}").get_data(as_text=True)
    plain_page = client.get(f"/moderate/comments/{plain}").get_data(as_text=True)
    assert "act-keep" in flagged_page and "act-keep" not in plain_page


def test_keep_through_the_api_and_on_a_comment_the_flags_sent_back(app, client, post,
                                                                    admin_token):
    from tests.support.moderation import set_policy

    set_policy(app, flag_threshold=2)
    comment_id = flagged_comment(client, post)
    assert sql(app, "SELECT status FROM comments") == [("pending",)]
    response = client.post(f"/api/v1/moderation/comments/{comment_id}/keep",
                           headers=bearer(admin_token))
    assert response.status_code == 200, response.json
    assert response.json["status"] == "approved"
    assert sql(app, "SELECT status, flag_count FROM comments") == [("approved", 0)]
    assert open_flags(app, comment_id) == 0
    assert [row[0] for row in sql(app, "SELECT action FROM moderation_events WHERE comment_id = :c "
                                       "AND actor LIKE 'moderator:%' ORDER BY id",
                                  c=comment_id)] == ["approved", "kept"]


def test_keep_refuses_a_comment_without_flags_or_already_removed(app, client, post,
                                                                  admin_token):
    calm = post(text="calm").json["id"]
    response = client.post(f"/api/v1/moderation/comments/{calm}/keep",
                           headers=bearer(admin_token))
    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    gone = flagged_comment(client, post)
    client.post(f"/api/v1/moderation/comments/{gone}/reject", headers=bearer(admin_token))
    assert client.post(f"/api/v1/moderation/comments/{gone}/keep",
                       headers=bearer(admin_token)).status_code == 409


def test_bulk_approve_that_clears_flags_leaves_a_record(app, client, post, admin_token):
    comment_id = flagged_comment(client, post)
    response = client.post("/api/v1/moderation/bulk", headers=bearer(admin_token),
                           json={"ids": [comment_id], "action": "approve"})
    assert response.json["done"] == [comment_id]
    assert open_flags(app, comment_id) == 0
    assert sql(app, "SELECT action FROM moderation_events WHERE comment_id = :c AND actor "
                    "LIKE 'moderator:%'", c=comment_id) == [("kept",)]
