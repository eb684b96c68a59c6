"""An edit runs the whole moderation pipeline, the site's policy included, like a new post."""

from __future__ import annotations

from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, set_policy

URI = "/2019/02/08/summit/"
API = "/api/v1/moderation"


def approved_then_edited(client, post, admin_token, text):
    written = post(text="A calm, approved remark.").json
    client.post(f"{API}/comments/{written['id']}/approve", headers=bearer(admin_token))
    assert "calm, approved" in visible_text(client)
    edit = client.patch(f"/api/v1/comments/{written['id']}", json={"text": text},
                        headers={"X-Edit-Token": written["edit_token"]})
    return written["id"], edit


def visible_text(client):
    return " ".join(c["html"] for c in client.get(f"/api/v1/comments?uri={URI}").json["comments"])


def test_on_a_hold_all_site_an_edit_is_reviewed_before_anyone_reads_it(app, client, post,
                                                                     admin_token):
    set_policy(app, moderation="hold_all")
    make_moderator(app, "mod@news.example", role="moderator", all_sites=True)
    comment_id, edit = approved_then_edited(client, post, admin_token,
                                            "URGENT: verify your account at evil dot example")
    assert edit.status_code == 200
    assert edit.json["status"] == "pending"  # its author is told it awaits review
    assert visible_text(client) == ""  # readers see nothing of it until it is approved
    queue = client.get(f"{API}/comments?status=pending", headers=bearer(admin_token)).json
    [item] = queue["comments"]
    assert item["id"] == comment_id and "URGENT" in item["text"]
    assert item["reasons"] == ["policy: every comment is reviewed"]
    # The moderators are told, as for any held comment: once for the post, once for the edit.
    told = sql(app, "SELECT recipient FROM outbox WHERE kind = 'moderation'")
    assert [row[0] for row in told].count("mod@news.example") == 2
    client.post(f"{API}/comments/{comment_id}/approve", headers=bearer(admin_token))
    assert "URGENT" in visible_text(client)


def test_on_a_publishing_site_an_edit_is_public_at_once(app, client, post, admin_token):
    _comment_id, edit = approved_then_edited(client, post, admin_token, "A calm, edited remark.")
    assert edit.json["status"] == "approved"
    assert "edited remark" in visible_text(client)


def test_an_author_trusted_by_the_first_timer_policy_edits_without_review(app, client, post,
                                                                         admin_token):
    set_policy(app, moderation="hold_first")
    written = post(text="My first words.", email="ann@example.com").json
    client.post(f"{API}/comments/{written['id']}/approve", headers=bearer(admin_token))
    edit = client.patch(f"/api/v1/comments/{written['id']}", json={"text": "My first words!"},
                        headers={"X-Edit-Token": written["edit_token"]})
    assert edit.json["status"] == "approved"
