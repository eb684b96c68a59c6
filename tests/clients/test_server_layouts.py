"""Limits hold in every supported process layout (issue 13, finding 6), with real processes:
the default `comments serve` (one process, threads, limits in memory) and several workers
sharing Redis, where the sign-in throttle counts an attempt before evaluating it."""

from __future__ import annotations

import re
import subprocess
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.clients.servers import COMMENTS, REDIS, Served, post_json
from tests.support.app import SECRET

pytestmark = pytest.mark.slow


def _prepare(database_url: str, tmp_path: Path, moderator: bool = False) -> None:
    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024})
    with app.app_context():
        # news.example cannot be fetched from here: readers name its articles ("open"), as in
        # the app fixture; a new site would read each article's page first (`fetch`).
        create_site("default", "https://news.example",
                    settings={"post_limit": "5 per minute", "min_submit_seconds": 0,
                              "article_facts": "open"})
        if moderator:
            from tests.support.moderation import make_moderator

            make_moderator(app, "admin@example.com", role="admin", all_sites=True)
        db.session.remove()
        db.engine.dispose()


def _at_once(count: int, attempt: Any) -> list[Any]:
    """`count` calls of `attempt(n)`, released together."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait(10)
        return attempt(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_the_default_layout_keeps_a_limit_of_5_exact(database_url, tmp_path):
    _prepare(database_url, tmp_path)
    server = Served(database_url, tmp_path).wait_ready()
    try:
        statuses = _at_once(16, lambda n: post_json(
            server.port, "/api/v1/comments", {"uri": "/limits/", "text": f"Attempt {n}."}))
    finally:
        server.stop()
    assert sorted(statuses) == [201] * 5 + [429] * 11, Counter(statuses)


def test_several_processes_with_limits_in_memory_refuse_to_start(tmp_path):
    result = subprocess.run(
        [COMMENTS, "serve", "--workers", "3", "--bind", "127.0.0.1:1"],
        capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "COMMENTS_INSTANCE_PATH": str(tmp_path / "i"),
             "COMMENTS_RATELIMIT_STORAGE_URI": "memory://"},
    )
    assert result.returncode != 0
    assert "count rate limits on their own" in result.stderr
    assert "Redis" in result.stderr


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_parallel_wrong_passwords_are_evaluated_only_up_to_the_limit(database_url, tmp_path):
    _prepare(database_url, tmp_path, moderator=True)
    server = Served(database_url, tmp_path, "--workers", "3",
                    COMMENTS_RATELIMIT_STORAGE_URI=REDIS,
                    COMMENTS_SIGNIN_LIMIT="5 per minute").wait_ready()
    base = f"http://127.0.0.1:{server.port}"
    clients = [httpx.Client(base_url=base, timeout=30) for _ in range(20)]
    try:
        tokens = [CSRF.search(c.get("/moderate/signin").text).group(1)  # type: ignore[union-attr]
                  for c in clients]

        def guess(n: int) -> int:
            return clients[n].post("/moderate/signin", data={
                "email": "admin@example.com", "password": f"wrong guess {n}",
                "csrf_token": tokens[n]}).status_code

        statuses = _at_once(20, guess)
    finally:
        for c in clients:
            c.close()
        server.stop()
    # 401 means the password was evaluated: exactly the limit, whatever process took each one.
    assert sorted(statuses) == [401] * 5 + [429] * 15, Counter(statuses)
