"""Fill PostgreSQL with 1,000,000 comments over 20,000 threads, then time reads against a small DB.

Rows go in with COPY (not the API: the API path is what bench/run measures). Both databases get
a thread of the same shape to read, so the figure compares like with like: what one page costs
with a million rows around it against what it costs in a nearly empty database.

    .venv/bin/python bench/seed_large.py [--comments 1000000] [--threads 20000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ADMIN_URL = os.environ.get("COMMENTS_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
RESULTS = Path(__file__).resolve().parent / "results"
PROBE_URI = "/probe/thread-of-fifty/"
STATUSES = ["approved"] * 90 + ["pending"] * 5 + ["spam"] * 3 + ["deleted"] * 2
COMMENT_COLUMNS = (
    "id", "thread_id", "parent_id", "root_id", "depth", "author", "email", "website", "text",
    "html", "status", "reasons", "pinned", "likes", "dislikes", "flag_count", "version",
    "ip_hash", "email_hash", "avatar_seed", "notify_replies", "extra", "created_at",
)


def database_url(name: str) -> str:
    """The URL of database `name` on the admin server."""
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def fresh_database(name: str) -> str:
    """Drop and recreate `name`, migrate it, add the `default` site; return its URL."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(name)
    from flask_migrate import upgrade

    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    # No memo: every page is built from the database, which is what this compares.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "READ_MEMO_MB": 0})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        create_site("default", "https://news.example")
        db.session.remove()
        db.engine.dispose()
    return url


def thread_rows(thread_id: int, size: int, first_id: int, start: datetime,
                rng: random.Random) -> Iterator[tuple[Any, ...]]:
    """`size` comments of one thread: about half top-level, the rest replies at any depth."""
    placed: list[tuple[int, int, int]] = []  # (id, root, depth)
    for offset in range(size):
        comment_id = first_id + offset
        if placed and rng.random() < 0.5:
            parent, root, depth = rng.choice(placed)
            parent_id, root_id, depth = parent, root, depth + 1
        else:
            parent_id, root_id, depth = None, None, 0
        placed.append((comment_id, root_id or comment_id, depth))
        status = rng.choice(STATUSES)
        text = f"Comment {comment_id} on thread {thread_id}: " + "words worth reading " * 8
        yield (
            comment_id, thread_id, parent_id, root_id, depth, f"Reader {comment_id % 977}",
            None, None, text, f"<p>{text}</p>", status, "[]", False, rng.randint(0, 20),
            rng.randint(0, 5), 0, 1, f"{comment_id:064x}", None, f"{comment_id:032x}", False,
            "{}", start + timedelta(seconds=offset * 7),
        )


def fill(url: str, threads: int, comments: int, seed: int = 7) -> dict[str, Any]:
    """COPY `threads` threads and `comments` comments in; the probe thread gets exactly 50."""
    rng = random.Random(seed)
    per_thread = [comments // threads] * threads
    for index in range(comments - sum(per_thread)):
        per_thread[index % threads] += 1
    per_thread[0] = 50
    started = time.perf_counter()
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with psycopg.connect(url) as conn:
        site_id = conn.execute("SELECT id FROM sites WHERE key = 'default'").fetchone()[0]
        with conn.cursor().copy(
            "COPY threads (id, site_id, uri, title, closed, count, pending_count, version, "
            "created_at) FROM STDIN"
        ) as copy:
            for thread_id in range(1, threads + 1):
                uri = PROBE_URI if thread_id == 1 else f"/{2024 + thread_id % 3}/story-{thread_id}/"
                copy.write_row((thread_id, site_id, uri, f"Story {thread_id}", False, 0, 0, 1,
                                base + timedelta(minutes=thread_id)))
        with conn.cursor().copy(
            "COPY comments (" + ", ".join(COMMENT_COLUMNS) + ") FROM STDIN"
        ) as copy:
            next_id = 1
            for number, size in enumerate(per_thread):
                start = base + timedelta(minutes=number)
                for row in thread_rows(number + 1, size, next_id, start, rng):
                    copy.write_row(row)
                next_id += size
        # Counts live on the thread row, as the service keeps them.
        conn.execute(
            "UPDATE threads SET count = c.visible, pending_count = c.pending, "
            "last_comment_at = c.last FROM (SELECT thread_id, "
            "count(*) FILTER (WHERE status = 'approved') AS visible, "
            "count(*) FILTER (WHERE status = 'pending') AS pending, max(created_at) AS last "
            "FROM comments GROUP BY thread_id) AS c WHERE threads.id = c.thread_id"
        )
        conn.execute("SELECT setval('threads_id_seq', (SELECT max(id) FROM threads))")
        conn.execute("SELECT setval('comments_id_seq', (SELECT max(id) FROM comments))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE threads")
        conn.execute("VACUUM ANALYZE comments")
        total = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
    return {"comments": total, "threads": threads,
            "seconds": round(time.perf_counter() - started, 1)}


def time_reads(url: str, uris: list[str], rounds: int) -> dict[str, float]:
    """Median and p95 milliseconds, in-process, of a thread page and of counts for `uris`."""
    from comments import create_app
    from comments.extensions import db

    # No memo: every page is built from the database, which is what this compares.
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                      "READ_MEMO_MB": 0})
    client = app.test_client()
    page = f"/api/v1/comments?uri={PROBE_URI}&limit=100"
    counts = "/api/v1/counts?" + "&".join(f"uri={uri}" for uri in uris)
    results: dict[str, float] = {}
    for name, path in (("thread_page", page), ("counts_100", counts)):
        for _ in range(20):  # warm the pool, the caches and the planner
            assert client.get(path).status_code == 200
        samples = []
        for _ in range(rounds):
            begin = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, response.get_data(as_text=True)
        samples.sort()
        results[f"{name}_ms_median"] = round(statistics.median(samples), 2)
        results[f"{name}_ms_p95"] = round(samples[int(len(samples) * 0.95) - 1], 2)
    with app.app_context():
        results["probe_comments"] = len(client.get(page).get_json()["comments"])
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    os.environ.setdefault("COMMENTS_INSTANCE_PATH", str(RESULTS / "instance"))

    print(f"filling comments_large with {args.comments:,} comments ...", flush=True)
    large = fresh_database("comments_bench_large")
    filled = fill(large, args.threads, args.comments)
    print(f"  done in {filled['seconds']} s", flush=True)
    small = fresh_database("comments_bench_small")
    fill(small, 1, 50)

    uris = [PROBE_URI] + [f"/{2024 + n % 3}/story-{n}/" for n in range(2, 101)]
    report = {"filled": filled,
              "large": time_reads(large, uris, args.rounds),
              "small": time_reads(small, uris, args.rounds)}
    ratio = report["large"]["thread_page_ms_median"] / report["small"]["thread_page_ms_median"]
    report["thread_page_ratio"] = round(ratio, 2)
    print(f"{'':28}{'large':>12}{'nearly empty':>14}")
    for key in ("thread_page_ms_median", "thread_page_ms_p95", "counts_100_ms_median",
                "counts_100_ms_p95"):
        print(f"{key:28}{report['large'][key]:>12}{report['small'][key]:>14}")
    print(f"thread page, large / small: {ratio:.2f} (goal <= 1.5); "
          f"counts of 100 there: {report['large']['counts_100_ms_median']} ms (goal < 10)")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"seed_large-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    if not args.keep:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            for name in ("comments_bench_large", "comments_bench_small"):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
