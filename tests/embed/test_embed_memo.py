"""The iframe page's comment list, kept by ETag and language: the same page, never a stale one."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

URI = "/2019/02/08/summit/"
PAGE = f"/embed/thread?uri={URI}"


@pytest.fixture
def built_every_time(app: Flask, config: dict[str, Any], database_url: str) -> FlaskClient:
    """A second app on the same database with no memo: every list drawn afresh."""
    from comments import create_app

    return create_app({**config, "DATABASE_URL": database_url, "READ_MEMO_MB": 0}).test_client()


def _page(response: Any) -> str:
    """The page without its per-request form token."""
    assert response.status_code == 200
    return re.sub(r'name="form_token" value="[^"]*"', "", response.get_data(as_text=True))


def _seed(post: Any) -> list[int]:
    first = post(text="The *first* comment", website="https://reader.example/").json["id"]
    reply = post(text="A reply", parent_id=first).json["id"]
    post(text="Another top-level comment")
    return [first, reply]


@pytest.mark.parametrize("query", ["", "&lang=de", "&sort=newest&limit=2", "&theme=dark"])
def test_a_kept_list_draws_the_same_page_as_a_fresh_one(client, built_every_time, post, query):
    _seed(post)
    fresh = _page(built_every_time.get(PAGE + query))
    first = _page(client.get(PAGE + query))
    kept = _page(client.get(PAGE + query))
    assert first == kept == fresh


def test_a_kept_list_costs_one_query(client, post, count_queries):
    _seed(post)
    client.get(PAGE)
    with count_queries() as counter:
        client.get(PAGE)
    assert counter.count == 1


def test_every_change_shows_on_the_next_page_view(client, post):
    first, reply = _seed(post)
    client.get(PAGE)
    post(text="Breaking: a new comment")
    assert "Breaking: a new comment" in _page(client.get(PAGE))
    client.post(f"/api/v1/comments/{first}/votes", json={"value": 1},
                environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert 'aria-label="Like: 1 like' in _page(client.get(PAGE))


def test_each_language_gets_its_own_list(client, post):
    first, _ = _seed(post)
    english = _page(client.get(PAGE + "&lang=en"))
    german = _page(client.get(PAGE + "&lang=de"))
    assert ">Reply<" in english and ">Reply<" not in german
    assert _page(client.get(PAGE + "&lang=en")) == english
