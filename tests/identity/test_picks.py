"""Editors' picks and moderators' view of a reader: feature, unfeature, sort=featured, history."""

from __future__ import annotations

import re

from tests.identity.support import hs256_secret, reader_token
from tests.support.app import post_comment
from tests.support.moderation import bearer, make_moderator, make_site, make_token

URI = "/2019/02/08/summit/"


def test_featuring_lists_the_pick_counts_it_and_unfeaturing_undoes_it(client, admin_token):
    first = post_comment(client, text="A good one.").get_json()["id"]
    post_comment(client, text="Another.")
    reply = post_comment(client, text="A great reply.", parent_id=first).get_json()["id"]
    for comment_id in (first, reply):
        response = client.post(f"/api/v1/moderation/comments/{comment_id}/feature",
                               headers=bearer(admin_token))
        assert response.status_code == 200
        assert response.get_json()["featured"] is True
    picks = client.get(f"/api/v1/comments?uri={URI}&sort=featured").get_json()
    assert [c["id"] for c in picks["comments"]] == [reply, first]
    assert all(c["featured"] and c["replies"] == [] for c in picks["comments"])
    assert picks["thread"]["featured_count"] == 2
    oldest = client.get(f"/api/v1/comments?uri={URI}").get_json()
    assert oldest["comments"][0]["featured"] is True
    assert oldest["thread"]["featured_count"] == 2
    client.post(f"/api/v1/moderation/comments/{first}/unfeature", headers=bearer(admin_token))
    picks = client.get(f"/api/v1/comments?uri={URI}&sort=featured").get_json()
    assert [c["id"] for c in picks["comments"]] == [reply]
    assert picks["thread"]["featured_count"] == 1


def test_a_hidden_pick_leaves_the_picks(client, admin_token):
    comment_id = post_comment(client).get_json()["id"]
    client.post(f"/api/v1/moderation/comments/{comment_id}/feature", headers=bearer(admin_token))
    client.post(f"/api/v1/moderation/comments/{comment_id}/reject", headers=bearer(admin_token))
    picks = client.get(f"/api/v1/comments?uri={URI}&sort=featured").get_json()
    assert picks["comments"] == [] and picks["thread"]["featured_count"] == 0


def test_only_a_published_comment_can_be_featured(app, client, admin_token):
    from tests.support.moderation import set_policy

    set_policy(app, moderation="hold_all")
    held = post_comment(client).get_json()["id"]
    response = client.post(f"/api/v1/moderation/comments/{held}/feature",
                           headers=bearer(admin_token))
    assert response.status_code == 409


def test_a_moderator_of_another_site_cannot_feature(app, client):
    make_site(app, "other")
    outsider = make_token(app, make_moderator(app, "outsider@example.com", sites=["other"]))
    comment_id = post_comment(client).get_json()["id"]
    assert client.post(f"/api/v1/moderation/comments/{comment_id}/feature",
                       headers=bearer(outsider)).status_code == 403


def test_the_featured_sort_pages_with_its_own_cursor(client, admin_token):
    ids = [post_comment(client, text=f"Comment {i}.").get_json()["id"] for i in range(3)]
    for comment_id in ids:
        client.post(f"/api/v1/moderation/comments/{comment_id}/feature", headers=bearer(admin_token))
    page = client.get(f"/api/v1/comments?uri={URI}&sort=featured&limit=2").get_json()
    assert len(page["comments"]) == 2 and page["next"]
    rest = client.get(f"/api/v1/comments?uri={URI}&sort=featured&limit=2&after={page['next']}")
    assert [c["id"] for c in rest.get_json()["comments"]] == [ids[0]]
    foreign = client.get(f"/api/v1/comments?uri={URI}&sort=newest&after={page['next']}")
    assert foreign.status_code == 400


def test_moderators_see_a_readers_history_across_threads(app, client, runner, admin_token):
    secret = hs256_secret(runner)
    token = reader_token(client, secret)
    headers = {"X-Reader-Token": token}
    post_comment(client, uri="/a/", text="On a.", headers=headers)
    second = post_comment(client, uri="/b/", text="On b.", headers=headers).get_json()["id"]
    post_comment(client, uri="/b/", text="Not theirs.")
    found = client.get(f"/api/v1/moderation/comments/{second}", headers=bearer(admin_token))
    reader_id = found.get_json()["reader_id"]
    history = client.get(f"/api/v1/moderation/readers/{reader_id}", headers=bearer(admin_token))
    assert history.status_code == 200
    body = history.get_json()
    assert body["reader"]["email"] == "jane@example.org" and body["reader"]["sso"] is True
    assert [(c["uri"], c["text"]) for c in body["comments"]] == [("/b/", "On b."), ("/a/", "On a.")]
    make_site(app, "other")
    outsider = make_token(app, make_moderator(app, "outsider@example.com", sites=["other"]))
    assert client.get(f"/api/v1/moderation/readers/{reader_id}",
                      headers=bearer(outsider)).status_code == 403
    assert client.get("/api/v1/moderation/readers/999", headers=bearer(admin_token)).status_code == 404


def test_the_queue_page_offers_feature(app, client):
    from tests.support.moderation import sign_in

    make_moderator(app, "mod@example.com", sites=["default"])
    comment_id = post_comment(client).get_json()["id"]
    sign_in(client, "mod@example.com")
    page = client.get("/moderate/?status=approved").get_data(as_text=True)
    assert f"/moderate/comments/{comment_id}/feature" in page


def test_the_moderator_ui_shows_a_readers_history(app, client, runner):
    from tests.support.moderation import sign_in

    secret = hs256_secret(runner)
    token = reader_token(client, secret)
    post_comment(client, uri="/a/", text="Reader on a.", headers={"X-Reader-Token": token})
    post_comment(client, uri="/b/", text="Reader on b.", headers={"X-Reader-Token": token})
    make_moderator(app, "mod@example.com", sites=["default"])
    sign_in(client, "mod@example.com")
    queue_page = client.get("/moderate/?status=approved").get_data(as_text=True)
    link = re.search(r'href="(/moderate/readers/\d+)"', queue_page).group(1)
    page = client.get(link).get_data(as_text=True)
    assert "Reader on a." in page and "Reader on b." in page and "jane@example.org" in page
    make_site(app, "other")
    make_moderator(app, "outsider@example.com", sites=["other"])
    client.post("/moderate/signout")
    other = app.test_client()
    sign_in(other, "outsider@example.com")
    assert other.get(link).status_code == 403


def test_feeds_mark_verified_readers_badges_and_picks(client, runner, admin_token):
    from xml.etree import ElementTree

    secret = hs256_secret(runner)
    token = reader_token(client, secret, user={"id": "s-1", "username": "The Desk",
                                               "email": "desk@example.org", "badges": ["staff"]})
    signed = post_comment(client, text="From the desk.", headers={"X-Reader-Token": token})
    post_comment(client, text="Plain.", author="Ann")
    client.post(f"/api/v1/moderation/comments/{signed.get_json()['id']}/feature",
                headers=bearer(admin_token))
    atom = {"a": "http://www.w3.org/2005/Atom"}
    for url in (f"/api/v1/feeds/comments.atom?uri={URI}", "/api/v1/feeds/recent.atom"):
        feed = ElementTree.fromstring(client.get(url).data)
        terms = {entry.findtext("a:author/a:name", namespaces=atom):
                 [c.get("term") for c in entry.findall("a:category", atom)]
                 for entry in feed.findall("a:entry", atom)}
        assert terms == {"The Desk": ["verified", "badge:staff", "editors-pick"], "Ann": []}


def test_a_journalist_replies_as_staff_from_the_moderator_ui(app, client):
    from tests.support.moderation import csrf_token, sign_in

    make_moderator(app, "desk@news.example", sites=["default"])
    question = post_comment(client, text="Who wrote this?", author="Ann").get_json()["id"]
    sign_in(client, "desk@news.example")
    page = f"/moderate/comments/{question}"
    token = csrf_token(client, page)
    answer = client.post(f"{page}/staff-reply",
                         data={"text": "Our desk did; thanks for asking.", "csrf_token": token})
    assert answer.status_code == 303
    public = client.get(f"/api/v1/comments?uri={URI}").get_json()
    [reply] = public["comments"][0]["replies"]
    assert reply["html"] == "<p>Our desk did; thanks for asking.</p>"
    assert reply["author"] == "desk" and reply["badges"] == ["staff"] and reply["verified"]
    make_site(app, "other")
    make_moderator(app, "outsider@example.com", sites=["other"])
    other = app.test_client()
    sign_in(other, "outsider@example.com")
    refused = other.post(f"{page}/staff-reply",
                         data={"text": "Not mine to answer.",
                               "csrf_token": csrf_token(other, "/moderate/")})
    assert refused.status_code == 403
