"""The public comments API of API.md: read, post, reply, edit, delete."""

from __future__ import annotations

import pytest

from tests.support.app import sql

URI = "/2019/02/08/summit/"


def test_a_thread_nobody_commented_on_reads_empty_and_creates_nothing(client, app):
    response = client.get(f"/api/v1/comments?site=default&uri={URI}")
    assert response.status_code == 200
    assert response.json["comments"] == []
    assert response.json["next"] is None
    assert response.json["thread"]["count"] == 0
    assert response.json["thread"]["url"] == "https://news.example" + URI
    assert sql(app, "SELECT count(*) FROM threads")[0][0] == 0


def test_site_may_be_omitted_and_means_default(client, post):
    post(text="hello")
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 1


def test_unknown_site_is_404(client):
    response = client.get(f"/api/v1/comments?site=nope&uri={URI}")
    assert response.status_code == 404
    assert response.json["error"] == "unknown_site"


def test_posting_publishes_with_201_and_an_edit_token(client, post):
    response = post(text="Hello **world**", author="Ann", email="ann@example.com",
                    website="ann.example")
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "approved"
    assert body["html"] == "<p>Hello <strong>world</strong></p>"
    assert body["author"] == "Ann"
    assert body["website"] == "https://ann.example"
    assert body["edit_token"]
    assert "email" not in body and "ann@example.com" not in response.get_data(as_text=True)
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["thread"]["count"] == 1
    # A reader's title is a hint for a moderator, never shown as the article's (issue 13).
    assert thread["thread"]["title"] == ""
    assert [c["id"] for c in thread["comments"]] == [body["id"]]


def test_replies_nest_to_any_depth(client, post):
    parent = post(text="root").json["id"]
    ids = [parent]
    for depth in range(12):
        ids.append(post(text=f"reply {depth}", parent_id=ids[-1]).json["id"])
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["thread"]["count"] == 13
    node = thread["comments"][0]
    assert node["reply_count"] == 12
    seen = [node["id"]]
    while node["replies"]:
        node = node["replies"][0]
        seen.append(node["id"])
    assert seen == ids


def test_a_parent_from_another_thread_is_422(post):
    other = post(uri="/other/", text="elsewhere").json["id"]
    response = post(text="reply", parent_id=other)
    assert response.status_code == 422
    assert "parent_id" in response.json["errors"]


def test_an_unknown_parent_is_422(post):
    assert post(text="reply", parent_id=999999).status_code == 422


def test_edit_within_window_returns_a_fresh_token_and_retires_the_old(client, post):
    posted = post(text="first").json
    old_token = posted["edit_token"]
    edited = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "second"},
                          headers={"X-Edit-Token": old_token})
    assert edited.status_code == 200
    assert edited.json["html"] == "<p>second</p>"
    assert edited.json["edited_at"] is not None
    assert edited.json["edit_token"] != old_token
    again = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "third"},
                         headers={"X-Edit-Token": old_token})
    assert again.status_code == 403
    third = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "third"},
                         headers={"X-Edit-Token": edited.json["edit_token"]})
    assert third.status_code == 200


@pytest.mark.parametrize("token", ["", "garbage", "eyJjIjoxLCJ2IjoxfQ.awxcmw.forged"])
def test_a_wrong_token_is_403_or_400(client, post, token):
    posted = post(text="first").json
    response = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "x"},
                            headers={"X-Edit-Token": token})
    assert response.status_code in (400, 403) if not token else response.status_code == 403


def test_a_token_of_another_comment_is_403(client, post):
    mine = post(text="mine").json
    theirs = post(text="theirs").json
    response = client.delete(f"/api/v1/comments/{theirs['id']}",
                             headers={"X-Edit-Token": mine["edit_token"]})
    assert response.status_code == 403
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 2


def test_edit_after_the_window_is_403(client, app, post):
    posted = post(text="first").json
    sql(app, "UPDATE comments SET created_at = :t", t="2000-01-01 00:00:00")
    response = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "late"},
                            headers={"X-Edit-Token": posted["edit_token"]})
    assert response.status_code == 403
    assert response.json["error"] == "edit_window_over"


def test_delete_without_replies_removes_it_from_the_thread(client, post):
    posted = post(text="oops").json
    response = client.delete(f"/api/v1/comments/{posted['id']}",
                             headers={"X-Edit-Token": posted["edit_token"]})
    assert response.status_code == 204
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["comments"] == [] and thread["thread"]["count"] == 0


def test_delete_with_replies_leaves_a_placeholder(client, post):
    parent = post(text="parent", author="Ann").json
    post(text="child", author="Bob", parent_id=parent["id"])
    assert client.delete(f"/api/v1/comments/{parent['id']}",
                         headers={"X-Edit-Token": parent["edit_token"]}).status_code == 204
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["thread"]["count"] == 1
    placeholder = thread["comments"][0]
    assert placeholder["status"] == "deleted"
    assert placeholder["html"] == "" and placeholder["author"] == ""
    assert placeholder["replies"][0]["author"] == "Bob"


def test_a_token_stops_working_after_delete(client, post):
    posted = post(text="x").json
    client.delete(f"/api/v1/comments/{posted['id']}", headers={"X-Edit-Token": posted["edit_token"]})
    response = client.patch(f"/api/v1/comments/{posted['id']}", json={"text": "back"},
                            headers={"X-Edit-Token": posted["edit_token"]})
    assert response.status_code == 403


def test_cannot_reply_to_a_deleted_comment(client, post):
    posted = post(text="x").json
    client.delete(f"/api/v1/comments/{posted['id']}", headers={"X-Edit-Token": posted["edit_token"]})
    assert post(text="reply", parent_id=posted["id"]).status_code == 422


def test_required_name_and_email_are_per_site(app, client, post):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"require_author": True, "require_email": True})
    response = post(author="", email="", text="anonymous")
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"author", "email"}
    assert post(author="Ann", email="ann@example.com").status_code == 201


def test_a_bad_address_is_refused_with_the_validators_reason(post):
    response = post(author="Ann", email="ann.example.com", text="hello")
    assert response.status_code == 422
    [why] = response.json["errors"]["email"]
    assert "@-sign" in why  # email-validator's own words tell the reader what is wrong
    assert post(author="Ann", email="  Ann@Example.COM ", text="hello").status_code == 201


def test_closed_threads_refuse_comments_with_403(app, post):
    post(text="first")
    sql(app, "UPDATE threads SET closed = :c", c=True)
    response = post(text="second")
    assert response.status_code == 403
    assert response.json["error"] == "thread_closed"


def test_threads_close_after_the_sites_number_of_days(app, post):
    from comments.services.sites import update_site

    post(text="first")
    with app.app_context():
        update_site("default", settings={"close_after_days": 30})
    sql(app, "UPDATE threads SET created_at = :t", t="2001-01-01 00:00:00")
    assert post(text="late").status_code == 403


def test_text_length_is_a_site_setting(app, post):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"text_max_length": 20})
    response = post(text="x" * 21)
    assert response.status_code == 422
    assert "text" in response.json["errors"]
    assert post(text="x" * 20).status_code == 201


def test_held_comments_answer_202_and_stay_out_of_the_thread(app, client, post):
    from comments.services.sites import update_site

    with app.app_context():
        update_site("default", settings={"moderation": "hold_all"})
    response = post(text="please review")
    assert response.status_code == 202
    assert response.json["status"] == "pending"
    assert response.json["edit_token"]
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["comments"] == [] and thread["thread"]["count"] == 0


def test_counts_for_many_articles(client, post):
    post(uri="/a/", text="1")
    post(uri="/a/", text="2")
    post(uri="/b/", text="3")
    response = client.get("/api/v1/counts?site=default&uri=/a/&uri=/b/&uri=/c/")
    assert response.status_code == 200
    assert response.json == {"counts": {"/a/": 2, "/b/": 1, "/c/": 0}}


def test_counts_refuse_more_than_100_uris(client):
    query = "&".join(f"uri=/a{i}/" for i in range(101))
    assert client.get(f"/api/v1/counts?{query}").status_code == 400


def test_preview_is_exactly_what_publishing_shows(client, post):
    text = "Look at <b>this</b> [link](https://example.org) and `code`"
    preview = client.post("/api/v1/preview", json={"text": text}).json["html"]
    assert post(text=text).json["html"] == preview
    assert "<b>" not in preview and 'rel="nofollow ugc noopener"' in preview
