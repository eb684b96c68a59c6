"""SQLite's WAL is checkpointed after a write's answer is sent (comments/database/checkpoints.py),
so that no post waits for a thousand pages to be copied inside its commit."""

from __future__ import annotations

import sqlite3

import pytest

from tests.support.app import backends


def _in_the_database_file(database_url: str) -> list[str]:
    """The comments' texts in the database file itself, the WAL ignored (as if never checkpointed)."""
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM comments")]


@pytest.mark.parametrize("database_url", [b for b in backends() if b == "sqlite"], indirect=True)
def test_a_post_is_in_the_database_file_once_its_answer_is_sent(app, client, database_url):
    assert _in_the_database_file(database_url) == []
    answer = client.post("/api/v1/comments", json={"uri": "/a/", "text": "Checkpointed"})
    assert answer.status_code == 201
    assert _in_the_database_file(database_url) == []  # not inside the request: after it
    answer.close()  # as the server does once the body is sent
    assert _in_the_database_file(database_url) == ["Checkpointed"]


@pytest.mark.parametrize("database_url", [b for b in backends() if b == "sqlite"], indirect=True)
def test_a_checkpoint_copies_every_committed_page_and_waits_for_nobody(app, client, post):
    from comments.database.checkpoints import checkpoint
    from comments.extensions import db

    post(text="one")
    with app.app_context():
        engine = db.engine
    busy, pages, copied = checkpoint(engine) or (1, -1, -2)
    assert busy == 0 and pages == copied
