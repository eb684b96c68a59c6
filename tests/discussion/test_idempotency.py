"""Idempotency-Key on POST: a retry returns the first answer and creates nothing new."""

from __future__ import annotations

from tests.support.app import sql


def test_a_retry_with_the_same_key_returns_the_first_answer(app, client):
    body = {"uri": "/a/", "text": "once only"}
    first = client.post("/api/v1/comments", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/comments", json=body, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json == again.json
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 1
    assert client.get("/api/v1/comments?uri=/a/").json["thread"]["count"] == 1


def test_the_same_key_with_another_body_is_a_conflict(app, client):
    client.post("/api/v1/comments", json={"uri": "/a/", "text": "one"}, headers={"Idempotency-Key": "k-2"})
    response = client.post("/api/v1/comments", json={"uri": "/a/", "text": "two"},
                           headers={"Idempotency-Key": "k-2"})
    assert response.status_code == 409
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 1


def test_keys_are_scoped_to_the_client(app, client):
    body = {"uri": "/a/", "text": "hello"}
    client.post("/api/v1/comments", json=body, headers={"Idempotency-Key": "k-3"},
                environ_base={"REMOTE_ADDR": "192.0.2.1"})
    client.post("/api/v1/comments", json=body, headers={"Idempotency-Key": "k-3"},
                environ_base={"REMOTE_ADDR": "192.0.2.2"})
    assert sql(app, "SELECT count(*) FROM comments")[0][0] == 2


def test_a_failed_post_stores_nothing_so_the_retry_can_succeed(app, client):
    bad = client.post("/api/v1/comments", json={"uri": "/a/", "text": "x", "parent_id": 99},
                      headers={"Idempotency-Key": "k-4"})
    assert bad.status_code == 422
    good = client.post("/api/v1/comments", json={"uri": "/a/", "text": "x", "parent_id": 99},
                       headers={"Idempotency-Key": "k-4"})
    assert good.status_code == 422
    assert sql(app, "SELECT count(*) FROM idempotency_keys")[0][0] == 0
