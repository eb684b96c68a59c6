"""The moderation JSON API of API.md: bearer tokens, listing, actions, bulk, threads."""

from __future__ import annotations

from tests.support.app import sql
from tests.support.moderation import bearer, make_moderator, make_site, make_token, set_policy

URI = "/2019/02/08/summit/"
API = "/api/v1/moderation"


def held(app, post, **fields) -> int:
    set_policy(app, moderation="hold_all")
    return post(**fields).json["id"]


def test_without_a_token_every_endpoint_is_401(client):
    for method, path in [("get", f"{API}/comments"), ("post", f"{API}/comments/1/approve"),
                         ("post", f"{API}/bulk"), ("post", f"{API}/threads/close")]:
        kwargs = {"json": {}} if path.endswith(("bulk", "close")) else {}
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 401, path
        assert response.json["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_or_revoked_token_is_401(app, client, admin, admin_token):
    assert client.get(f"{API}/comments", headers=bearer("cmt_nope")).status_code == 401
    assert client.get(f"{API}/comments", headers=bearer(admin_token)).status_code == 200
    sql(app, "UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP")
    assert client.get(f"{API}/comments", headers=bearer(admin_token)).status_code == 401


def test_tokens_are_stored_hashed(app, admin_token):
    stored = sql(app, "SELECT token_hash, prefix FROM api_tokens")[0]
    assert admin_token not in stored[0] and len(stored[0]) == 64
    assert admin_token.startswith(stored[1])


def test_the_pending_list_shows_email_reasons_and_history(app, client, post, admin_token):
    comment_id = held(app, post, text="hello", email="ann@example.com")
    response = client.get(f"{API}/comments?status=pending", headers=bearer(admin_token))
    assert response.status_code == 200
    [item] = response.json["comments"]
    assert item["id"] == comment_id
    assert item["email"] == "ann@example.com"
    assert item["uri"] == URI and item["site"] == "default"
    assert item["status"] == "pending"
    assert item["reasons"] == ["policy: every comment is reviewed"]
    assert item["flags"] == {}
    assert item["history"] == {"pending": 1}
    assert response.json["next"] is None


def test_approving_publishes_at_once_and_changes_the_etag(app, client, post, admin_token):
    comment_id = held(app, post, text="held back")
    before = client.get(f"/api/v1/comments?uri={URI}")
    assert before.json["comments"] == []
    response = client.post(f"{API}/comments/{comment_id}/approve", headers=bearer(admin_token))
    assert response.status_code == 200 and response.json["status"] == "approved"
    after = client.get(f"/api/v1/comments?uri={URI}",
                       headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert [c["id"] for c in after.json["comments"]] == [comment_id]
    assert after.json["thread"]["count"] == 1
    event = sql(app, "SELECT actor, action FROM moderation_events WHERE action = 'approved'")
    assert event == [("moderator:admin@example.com", "approved")]


def test_reject_spam_delete_and_restore(app, client, post, admin_token):
    comment_id = post(text="visible").json["id"]
    auth = bearer(admin_token)
    assert client.post(f"{API}/comments/{comment_id}/reject", headers=auth).json["status"] == "rejected"
    assert client.get(f"/api/v1/comments?uri={URI}").json["thread"]["count"] == 0
    assert client.post(f"{API}/comments/{comment_id}/approve", headers=auth).status_code == 200
    assert client.post(f"{API}/comments/{comment_id}/delete", headers=auth).json["status"] == "deleted"
    restored = client.post(f"{API}/comments/{comment_id}/restore", headers=auth)
    assert restored.json["status"] == "approved"  # back to what it was before the deletion
    again = client.post(f"{API}/comments/{comment_id}/restore", headers=auth)
    assert again.status_code == 409


def test_pin_puts_a_comment_first(app, client, post, admin_token):
    first = post(text="first").json["id"]
    second = post(text="second").json["id"]
    assert client.post(f"{API}/comments/{second}/pin", headers=bearer(admin_token)).json["pinned"]
    ids = [c["id"] for c in client.get(f"/api/v1/comments?uri={URI}").json["comments"]]
    assert ids == [second, first]
    client.post(f"{API}/comments/{second}/unpin", headers=bearer(admin_token))
    ids = [c["id"] for c in client.get(f"/api/v1/comments?uri={URI}").json["comments"]]
    assert ids == [first, second]


def test_bulk_reports_done_and_failed(app, client, post, admin_token):
    ids = [held(app, post, text=f"spam {n}") for n in range(3)]
    response = client.post(f"{API}/bulk", json={"ids": [*ids, 999999], "action": "spam"},
                           headers=bearer(admin_token))
    assert response.status_code == 200
    assert response.json["done"] == ids
    assert response.json["failed"] == {"999999": "unknown_comment"}
    assert {row[0] for row in sql(app, "SELECT status FROM comments")} == {"spam"}


def test_bulk_validates_its_body(client, admin_token):
    for body in [{"ids": [], "action": "approve"}, {"ids": [1], "action": "explode"},
                 {"ids": ["x"], "action": "approve"}, {"ids": list(range(1, 600)), "action": "approve"}]:
        assert client.post(f"{API}/bulk", json=body, headers=bearer(admin_token)).status_code == 422


def test_close_and_open_a_thread(app, client, post, admin_token):
    post(text="hello")
    auth = bearer(admin_token)
    closed = client.post(f"{API}/threads/close", json={"site": "default", "uri": URI}, headers=auth)
    assert closed.status_code == 200 and closed.json["closed"] is True
    assert post(text="late").status_code == 403
    opened = client.post(f"{API}/threads/open", json={"uri": URI}, headers=auth)
    assert opened.json["closed"] is False
    assert post(text="welcome back").status_code == 201
    assert client.post(f"{API}/threads/close", json={"uri": "/nothing/"}, headers=auth).status_code == 404


def test_a_moderator_of_another_site_gets_403(app, client, post):
    make_site(app, "other")
    outsider = make_token(app, make_moderator(app, "out@example.com", sites=["other"]))
    comment_id = post(text="hello").json["id"]
    auth = bearer(outsider)
    assert client.post(f"{API}/comments/{comment_id}/reject", headers=auth).status_code == 403
    assert client.get(f"{API}/comments?site=default", headers=auth).status_code == 403
    assert client.get(f"{API}/comments?status=approved", headers=auth).json["comments"] == []
    assert client.post(f"{API}/threads/close", json={"uri": URI}, headers=auth).status_code == 403
    result = client.post(f"{API}/bulk", json={"ids": [comment_id], "action": "delete"}, headers=auth)
    assert result.json["failed"] == {str(comment_id): "forbidden"}
    assert sql(app, "SELECT status FROM comments")[0][0] == "approved"


def test_search_by_text_author_email_and_article(app, client, post, admin_token):
    post(text="About the summit", author="Ann", email="ann@example.com")
    post(uri="/sports/", title="Sports", text="Goal!", author="Bob_100%", email="bob@example.com")
    auth = bearer(admin_token)

    def found(q: str) -> list[str]:
        response = client.get(f"{API}/comments", query_string={"status": "approved", "q": q},
                              headers=auth)
        return [c["author"] for c in response.json["comments"]]

    assert found("SUMMIT") == ["Ann"]
    assert found("bob@") == ["Bob_100%"]
    assert found("/sports/") == ["Bob_100%"]
    assert found("_100%") == ["Bob_100%"]
    assert found("%") == ["Bob_100%"]  # a wildcard is taken literally


def test_listing_pages_with_a_cursor(app, client, post, admin_token):
    ids = [held(app, post, text=f"comment {n}") for n in range(5)]
    auth = bearer(admin_token)
    first = client.get(f"{API}/comments?limit=3", headers=auth).json
    assert [c["id"] for c in first["comments"]] == ids[:3]
    second = client.get(f"{API}/comments?limit=3&after={first['next']}", headers=auth).json
    assert [c["id"] for c in second["comments"]] == ids[3:]
    assert second["next"] is None
    assert client.get(f"{API}/comments?after=xyz", headers=auth).status_code == 400
    assert client.get(f"{API}/comments?status=nope", headers=auth).status_code == 400


def test_editing_text_is_recorded(app, client, post, admin_token):
    comment_id = post(text="call me at 555-0100").json["id"]
    response = client.patch(f"{API}/comments/{comment_id}", json={"text": "call me [number removed]"},
                            headers=bearer(admin_token))
    assert response.status_code == 200
    assert "number removed" in response.json["html"]
    event = sql(app, "SELECT before, after FROM moderation_events WHERE action = 'edited'")[0]
    assert "555-0100" in str(event[0]) and "number removed" in str(event[1])


def test_the_openapi_document_lists_the_moderation_api(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "/api/v1/moderation/bulk" in paths
    assert "/api/v1/moderation/comments" in paths


def test_a_queue_page_is_a_constant_number_of_queries(app, client, post, admin_token,
                                                      count_queries):
    set_policy(app, moderation="hold_all")

    def page_queries() -> int:
        with count_queries() as counter:
            assert client.get(f"{API}/comments?status=pending",
                              headers=bearer(admin_token)).status_code == 200
        return counter.count

    def batch(name: str, size: int) -> None:
        for n in range(size):
            post(text=f"{name} {n}", email=f"{name}{n}@example.com" if n % 2 else None,
                 environ={"REMOTE_ADDR": f"192.0.2.{n}"})

    batch("first", 4)
    page_queries()  # the token's first use is recorded once
    few = page_queries()
    batch("second", 16)
    assert page_queries() == few
