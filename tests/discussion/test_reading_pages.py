"""Reading a thread page by page: cursors for every sort, replies nested, two queries a page."""

from __future__ import annotations

import pytest

URI = "/2024/05/long-read/"


def _all_pages(client, sort: str, limit: int) -> tuple[list[int], int]:
    seen: list[int] = []
    after, pages = None, 0
    while True:
        query = {"uri": URI, "sort": sort, "limit": limit}
        if after:
            query["after"] = after
        response = client.get("/api/v1/comments", query_string=query)
        assert response.status_code == 200, response.json
        pages += 1
        seen += [comment["id"] for comment in response.json["comments"]]
        after = response.json["next"]
        if not after:
            return seen, pages


@pytest.mark.parametrize("sort", ["oldest", "newest", "top"])
def test_following_next_visits_every_top_level_comment_once(client, post, sort):
    ids = [post(uri=URI, text=f"Point number {n}.").json["id"] for n in range(7)]
    post(uri=URI, text="A reply.", parent_id=ids[0])

    seen, pages = _all_pages(client, sort, limit=3)

    assert sorted(seen) == sorted(ids)
    assert pages == 3
    if sort == "oldest":
        assert seen == ids
    if sort == "newest":
        assert seen == list(reversed(ids))


def test_a_later_page_costs_two_queries_and_keeps_replies_nested(client, post, count_queries):
    ids = [post(uri=URI, text=f"Opinion {n}.").json["id"] for n in range(4)]
    reply = post(uri=URI, text="Disagree.", parent_id=ids[3]).json["id"]
    post(uri=URI, text="Agree with the disagreement.", parent_id=reply)
    first = client.get("/api/v1/comments", query_string={"uri": URI, "limit": 2}).json

    with count_queries() as counter:
        second = client.get("/api/v1/comments",
                            query_string={"uri": URI, "limit": 2, "after": first["next"]})

    assert counter.count == 2, counter.statements
    last = second.json["comments"][-1]
    assert last["id"] == ids[3]
    assert last["reply_count"] == 2
    assert last["replies"][0]["replies"][0]["html"] == "<p>Agree with the disagreement.</p>"
    assert second.json["next"] is None


def test_a_cursor_from_another_sort_is_400(client, post):
    for n in range(3):
        post(uri=URI, text=f"Take {n}.")
    cursor = client.get("/api/v1/comments", query_string={"uri": URI, "limit": 1}).json["next"]

    response = client.get("/api/v1/comments",
                          query_string={"uri": URI, "limit": 1, "sort": "top", "after": cursor})

    assert response.status_code == 400
