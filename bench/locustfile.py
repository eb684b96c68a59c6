"""Readers under load: 95% reads (thread pages and counts), 4% posts, 1% share links.

Run by bench/load (fresh PostgreSQL, gunicorn, 50 users for 60 s); by hand:
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8000
Articles follow a skew like a news front page: a few stories draw most readers.
"""

from __future__ import annotations

import itertools
import random

from locust import HttpUser, between, task

THREADS = int(__import__("os").environ.get("BENCH_LOAD_THREADS", "500"))
_numbers = itertools.count()


def article() -> str:
    """A story, the popular ones far more often (about 80% of reads go to 20% of stories)."""
    rank = min(int(random.paretovariate(1.16)), THREADS) - 1
    return f"/{2024 + (rank + 2) % 3}/story-{rank + 2}/"


class Reader(HttpUser):
    """One reader: mostly reads, sometimes comments, now and then shares."""

    wait_time = between(0.05, 0.3)

    @task(75)
    def read_thread(self) -> None:
        self.client.get("/api/v1/comments", params={"uri": article()},
                        name="/api/v1/comments [read]")

    @task(20)
    def read_counts(self) -> None:
        uris = [article() for _ in range(20)]
        self.client.get("/api/v1/counts", params={"uri": uris}, name="/api/v1/counts")

    @task(4)
    def post_comment(self) -> None:
        number = next(_numbers)
        self.client.post("/api/v1/comments", json={
            "uri": article(), "author": f"Load reader {number % 97}",
            "text": f"Load comment {number}: the council's plan deserves a closer look.",
        }, name="/api/v1/comments [post]")

    @task(1)
    def share(self) -> None:
        self.client.post("/api/v1/shares/links", json={"uri": article()},
                         name="/api/v1/shares/links")
