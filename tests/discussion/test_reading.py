"""Reading threads fast: cursor pages, sorts, two queries whatever the size, ETags, caching."""

from __future__ import annotations

from tests.support.app import sql

URI = "/2019/02/08/summit/"


def _thread(client, **params):
    query = "&".join(f"{k}={v}" for k, v in {"uri": URI, **params}.items())
    return client.get(f"/api/v1/comments?{query}")


def test_cursor_pages_walk_every_top_level_comment_once(client, post):
    ids = [post(text=f"c{i}").json["id"] for i in range(7)]
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 3, **({"after": after} if after else {})}
        body = _thread(client, **params).json
        seen += [c["id"] for c in body["comments"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
    assert seen == ids and pages == 3


def test_newest_first_pages_backwards(client, post):
    ids = [post(text=f"c{i}").json["id"] for i in range(5)]
    first = _thread(client, sort="newest", limit=2).json
    second = _thread(client, sort="newest", limit=2, after=first["next"]).json
    assert [c["id"] for c in first["comments"] + second["comments"]] == ids[::-1][:4]


def test_a_cursor_of_another_sort_is_400(client, post):
    for i in range(3):
        post(text=f"c{i}")
    cursor = _thread(client, limit=1).json["next"]
    assert _thread(client, sort="top", after=cursor).status_code == 400


def test_replies_come_with_their_page_and_do_not_count_toward_the_limit(client, post):
    first = post(text="first").json["id"]
    for i in range(5):
        post(text=f"reply {i}", parent_id=first)
    post(text="second")
    body = _thread(client, limit=1).json
    assert len(body["comments"]) == 1
    assert body["comments"][0]["reply_count"] == 5
    assert len(body["comments"][0]["replies"]) == 5
    assert body["next"] is not None


def test_a_thread_page_costs_two_queries_whatever_its_size(app, client, post, count_queries):
    def measure() -> int:
        with count_queries() as counter:
            assert _thread(client, limit=20).status_code == 200
        return counter.count

    post(text="seed")
    small = measure()
    parent = None
    for i in range(60):
        response = post(text=f"c{i}", parent_id=parent if i % 3 else None)
        parent = response.json["id"]
    large = measure()
    assert small == large == 2, (small, large)  # the thread's head, then the whole page


def test_if_none_match_answers_304_without_loading_comments(client, post, count_queries):
    post(text="cache me")
    first = _thread(client)
    etag = first.headers["ETag"]
    assert "s-maxage" in first.headers["Cache-Control"]
    with count_queries() as counter:
        again = client.get(f"/api/v1/comments?uri={URI}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert counter.count == 1


def test_the_etag_changes_when_the_thread_changes(client, post):
    comment = post(text="one").json["id"]
    etags = [_thread(client).headers["ETag"]]
    post(text="two")
    etags.append(_thread(client).headers["ETag"])
    client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1},
                environ_base={"REMOTE_ADDR": "203.0.113.50"})
    etags.append(_thread(client).headers["ETag"])
    assert len(set(etags)) == 3


def test_counts_carry_an_etag_and_answer_304(client, post):
    post(uri="/a/", text="x")
    first = client.get("/api/v1/counts?uri=/a/")
    again = client.get("/api/v1/counts?uri=/a/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    post(uri="/a/", text="y")
    changed = client.get("/api/v1/counts?uri=/a/", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.json["counts"]["/a/"] == 2


def test_counts_answer_cors_only_for_the_sites_origins(client, post):
    allowed = client.get("/api/v1/counts?uri=/a/", headers={"Origin": "https://www.news.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.news.example"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/v1/counts?uri=/a/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Origin" in other.headers["Vary"]


def test_public_reads_never_contain_emails_or_addresses(app, client, post):
    post(text="hello", email="secret.person@example.com", environ={"REMOTE_ADDR": "192.0.2.77"})
    body = _thread(client).get_data(as_text=True)
    feed = client.get(f"/api/v1/feeds/comments.atom?uri={URI}").get_data(as_text=True)
    stored_hash = sql(app, "SELECT email_hash, ip_hash FROM comments")[0]
    for text in (body, feed):
        assert "secret.person" not in text and "192.0.2.77" not in text
        assert stored_hash[0] not in text and stored_hash[1] not in text


def test_feeds_list_visible_comments_as_atom(client, post):
    post(text="for the **feed**", author="Ann")
    thread = client.get(f"/api/v1/feeds/comments.atom?uri={URI}")
    assert thread.status_code == 200 and thread.mimetype == "application/atom+xml"
    assert "&lt;strong&gt;feed&lt;/strong&gt;" in thread.get_data(as_text=True)
    recent = client.get("/api/v1/feeds/recent.atom?site=default")
    assert "<entry>" in recent.get_data(as_text=True)
    import xml.dom.minidom

    xml.dom.minidom.parseString(recent.data)


def test_health_answers_when_the_database_does(client):
    assert client.get("/healthz").json["database"] is True
    assert client.get("/readyz").status_code == 200
