"""A held comment changes nothing a reader can see: not the body, not the ETag, not a 304."""

from __future__ import annotations

import pytest

from tests.support.moderation import bearer, set_policy

URI = "/2026/01/02/quiet-article/"


def read(client, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/api/v1/comments?site=default&uri={URI}", headers=headers)


@pytest.fixture(params=[True, False], ids=["fast-lane", "flask"])
def config(config, request):
    return {**config, "FAST_READS": request.param}


def test_a_held_comment_on_a_thread_nobody_can_see_yet_leaves_it_as_it_was(app, client, post):
    set_policy(app, moderation="hold_all")
    before = read(client)
    held = post(uri=URI, text="Waiting for a moderator.", title="A title from the reader")
    assert held.status_code == 202
    after = read(client)
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.json == before.json
    assert read(client, before.headers["ETag"]).status_code == 304


def test_held_comments_coming_and_going_leave_a_visible_thread_as_it_was(app, client, post,
                                                                         admin_token):
    post(uri=URI, text="Visible words.")
    set_policy(app, moderation="hold_all")
    before = read(client)
    held = post(uri=URI, text="Waiting for a moderator.").json
    edited = client.patch(f"/api/v1/comments/{held['id']}", json={"text": "Still waiting."},
                          headers={"X-Edit-Token": held["edit_token"]})
    assert edited.status_code == 200
    client.post(f"/api/v1/moderation/comments/{held['id']}/reject", headers=bearer(admin_token))
    after = read(client)
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.json == before.json


def test_approving_the_held_comment_shows_it_under_a_new_etag(app, client, post, admin_token):
    set_policy(app, moderation="hold_all")
    before = read(client)
    held = post(uri=URI, text="Waiting for a moderator.").json
    client.post(f"/api/v1/moderation/comments/{held['id']}/approve", headers=bearer(admin_token))
    after = read(client, before.headers["ETag"])
    assert after.status_code == 200 and after.json["thread"]["count"] == 1
