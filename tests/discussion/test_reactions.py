"""Votes and flags: one vote per reader, none on your own comment, flags back to the queue."""

from __future__ import annotations

from tests.support.app import sql

URI = "/2019/02/08/summit/"
READER = {"REMOTE_ADDR": "198.51.100.7"}
OTHER = {"REMOTE_ADDR": "198.51.100.8"}


def test_one_vote_per_reader_and_a_second_vote_replaces_the_first(client, post):
    comment = post(text="vote on me").json["id"]
    url = f"/api/v1/comments/{comment}/votes"
    assert client.post(url, json={"value": 1}, environ_base=READER).json == {"likes": 1, "dislikes": 0}
    assert client.post(url, json={"value": 1}, environ_base=READER).json == {"likes": 1, "dislikes": 0}
    assert client.post(url, json={"value": -1}, environ_base=READER).json == {"likes": 0, "dislikes": 1}
    assert client.post(url, json={"value": 1}, environ_base=OTHER).json == {"likes": 1, "dislikes": 1}
    shown = client.get(f"/api/v1/comments?uri={URI}").json["comments"][0]
    assert (shown["likes"], shown["dislikes"]) == (1, 1)


def test_no_voting_on_your_own_comment(client, post):
    comment = post(text="mine", environ=READER).json["id"]
    response = client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1}, environ_base=READER)
    assert response.status_code == 403
    assert response.json["error"] == "own_comment"


def test_votes_must_be_plus_or_minus_one(client, post):
    comment = post(text="x").json["id"]
    for value in (0, 2, "1", True, None):
        response = client.post(f"/api/v1/comments/{comment}/votes", json={"value": value}, environ_base=OTHER)
        assert response.status_code == 422, value


def test_voting_on_an_unknown_or_hidden_comment_is_404(client, post):
    assert client.post("/api/v1/comments/424242/votes", json={"value": 1}).status_code == 404


def test_votes_store_no_address(app, client, post):
    comment = post(text="x").json["id"]
    client.post(f"/api/v1/comments/{comment}/votes", json={"value": 1}, environ_base=OTHER)
    stored = sql(app, "SELECT voter_hash FROM votes")[0][0]
    assert "198.51.100.8" not in stored and len(stored) == 64


def test_top_sort_orders_by_score(client, post):
    low = post(text="low").json["id"]
    high = post(text="high").json["id"]
    client.post(f"/api/v1/comments/{high}/votes", json={"value": 1}, environ_base=OTHER)
    client.post(f"/api/v1/comments/{low}/votes", json={"value": -1}, environ_base=OTHER)
    ids = [c["id"] for c in client.get(f"/api/v1/comments?uri={URI}&sort=top").json["comments"]]
    assert ids == [high, low]


def test_a_flag_is_accepted_once_per_reader(app, client, post):
    comment = post(text="rude").json["id"]
    url = f"/api/v1/comments/{comment}/flags"
    assert client.post(url, json={"reason": "abuse"}, environ_base=OTHER).status_code == 202
    assert client.post(url, json={"reason": "abuse"}, environ_base=OTHER).status_code == 202
    assert sql(app, "SELECT flag_count FROM comments")[0][0] == 1
    assert client.post(url, json={"reason": "nonsense"}).status_code == 422


def test_flags_from_enough_readers_send_a_comment_back_to_the_queue(app, client, post):
    comment = post(text="rude").json["id"]
    for n in range(3):
        client.post(f"/api/v1/comments/{comment}/flags", json={"reason": "spam"},
                    environ_base={"REMOTE_ADDR": f"203.0.{113 + n}.1"})  # three networks
    thread = client.get(f"/api/v1/comments?uri={URI}").json
    assert thread["comments"] == [] and thread["thread"]["count"] == 0
    status, reasons = sql(app, "SELECT status, reasons FROM comments")[0]
    assert status == "pending"
    assert "flags" in str(reasons)
