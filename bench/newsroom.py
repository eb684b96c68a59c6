"""A newsroom's day, beside the ceiling: the long tail, a breaking story, PostgreSQL's fair ceiling.

Each scenario runs the service under gunicorn (two sync workers unless said otherwise, the
default memo and fast lane) and measures a bare ceiling right before it, under the same settings,
so that the ratio means something on a shared machine:

  long-tail   reads spread at random over 2,000 threads of 50 comments (goal >= 40% of the
              ceiling on SQLite, >= 30% on PostgreSQL)
  storm       one 100-comment thread read at full speed while 50 comments a second are posted
              to it (goal: reads >= 50% of the ceiling, post p99 <= 50 ms)
  pg-ceiling  on PostgreSQL, the 100-comment read and the 304 against a ceiling that makes one
              query (SELECT 1 through a pool), with 2 workers and the production default count
              (goal >= 80% of the one-query ceiling; the bare ratio beside it)

    .venv/bin/python bench/newsroom.py long-tail [--backends sqlite,postgresql] [--seconds 10]
    .venv/bin/python bench/newsroom.py storm [--backends ...] [--seconds 10] [--rate 50]
    .venv/bin/python bench/newsroom.py pg-ceiling [--seconds 10]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import SECRET, drop_postgres, fresh_database  # noqa: E402
from bench.seed_large import COMMENT_COLUMNS, thread_rows  # noqa: E402
from bench.seeding import seed_thread  # noqa: E402
from bench.servers import BENCH, Gunicorn, percentile, request, require_wrk, wrk  # noqa: E402

TAIL_THREADS = 2000
TAIL_SIZE = 50
STORY = "/bench/breaking-story/"
GOALS = {"long_tail_sqlite_pct": 40, "long_tail_postgresql_pct": 30, "storm_read_pct": 50,
         "storm_post_p99_ms": 50, "pg_one_query_pct": 80}
DB_NAME = "comments_bench_newsroom"


def tail_uri(number: int) -> str:
    return f"/tail/story-{number}/"


def fill_tail(url: str, threads: int = TAIL_THREADS, size: int = TAIL_SIZE) -> None:
    """`threads` threads of `size` comments, written straight into the tables (fast on both
    databases; the API's write path is what the storm measures)."""
    from sqlalchemy import create_engine, insert, select

    from comments.extensions import db

    engine = create_engine(url)
    comments = db.metadata.tables["comments"]
    thread_table = db.metadata.tables["threads"]
    sites = db.metadata.tables["sites"]
    columns = [name for name in COMMENT_COLUMNS if name in comments.c]
    rng = random.Random(11)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        site_id = conn.execute(select(sites.c.id).where(sites.c.key == "default")).scalar_one()
        conn.execute(insert(thread_table), [
            {"id": number, "site_id": site_id, "uri": tail_uri(number), "title": f"Story {number}",
             "closed": False, "count": 0, "pending_count": 0, "version": 1,
             "created_at": base + timedelta(minutes=number)}
            for number in range(1, threads + 1)])
        next_id = 1
        for number in range(1, threads + 1):
            rows = [dict(zip(COMMENT_COLUMNS, row, strict=True))
                    for row in thread_rows(number, size, next_id, base, rng)]
            for row in rows:
                row["status"] = "approved"
            conn.execute(insert(comments), [{name: row[name] for name in columns} for row in rows])
            next_id += size
        conn.execute(thread_table.update().values(count=size))
    if url.startswith("postgresql"):
        with engine.connect() as conn:
            for table in ("threads", "comments"):
                conn.exec_driver_sql(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
            conn.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()


def random_reads_script(folder: Path, threads: int) -> Path:
    """A wrk script that reads a thread chosen at random for every request."""
    script = folder / "long-tail.lua"
    script.write_text(
        "math.randomseed(os.time())\n"
        "request = function()\n"
        f"  local n = math.random(1, {threads})\n"
        '  return wrk.format("GET", "/api/v1/comments?uri=/tail/story-" .. n .. "/&limit=100")\n'
        "end\n")
    return script


def service_env(url: str, folder: Path, **more: str) -> dict[str, str]:
    return {"COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": SECRET,
            "COMMENTS_RATELIMIT_ENABLED": "false", "COMMENTS_INSTANCE_PATH": str(folder / "instance"),
            "COMMENTS_PUBLIC_URL": "http://127.0.0.1", **more}


def long_tail(backend: str, seconds: int, folder: Path, ceiling: str) -> dict[str, Any]:
    url = fresh_database(backend, DB_NAME, folder)
    started = time.perf_counter()
    fill_tail(url)
    seeded = round(time.perf_counter() - started, 1)
    script = random_reads_script(folder, TAIL_THREADS)
    with Gunicorn("comments:create_app()", service_env(url, folder), probe="/healthz") as server:
        status, _, data = request(server.url, "GET", f"/api/v1/comments?uri={tail_uri(7)}&limit=100")
        assert status == 200 and len(json.loads(data)["comments"]) > 0, status
        roof = wrk(ceiling, seconds=seconds).as_dict()
        ours = wrk(server.url + "/", seconds=seconds, script=script).as_dict()
        one_query = one_query_ceiling(backend, url, seconds)
    if backend == "postgresql":
        drop_postgres(DB_NAME)
    pct = round(100 * ours["requests_per_second"] / roof["requests_per_second"], 1)
    return {"seed_seconds": seeded, "ceiling": roof, "reads": ours, "pct": pct,
            "goal_pct": GOALS[f"long_tail_{backend}_pct"], **_beside(ours, one_query)}


def one_query_ceiling(backend: str, url: str, seconds: int) -> dict[str, Any] | None:
    """On PostgreSQL, the ceiling that makes one query (goal 3's fair comparison), measured
    for the report beside the bare one; None on SQLite, where a query costs no round trip."""
    if backend != "postgresql":
        return None
    with Gunicorn("bench.ceiling:one_query_app()", {"BENCH_DATABASE_URL": url}) as one_query:
        return wrk(one_query.url + "/", seconds=seconds).as_dict()


def _beside(ours: dict[str, Any], one_query: dict[str, Any] | None) -> dict[str, Any]:
    if one_query is None:
        return {}
    return {"one_query_ceiling": one_query, "pct_one_query": round(
        100 * ours["requests_per_second"] / one_query["requests_per_second"], 1)}


class Poster(threading.Thread):
    """Posts to one thread at a steady rate on a kept-alive connection, timing each post."""

    def __init__(self, base: str, uri: str, rate: float):
        super().__init__(daemon=True)
        self.base, self.uri, self.rate = base, uri, rate
        self.stop = threading.Event()
        self.timings: list[float] = []
        self.failures = 0

    def run(self) -> None:
        host, port = self.base.removeprefix("http://").split(":")
        interval = 1.0 / self.rate
        due = time.perf_counter()
        number = 0
        while not self.stop.is_set():
            due += interval
            number += 1
            body = json.dumps({"site": "default", "uri": self.uri, "author": "Storm",
                               "text": f"Breaking comment {number}"}).encode()
            conn = http.client.HTTPConnection(host, int(port), timeout=30)
            begin = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/comments", body=body,
                             headers={"Content-Type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                if answer.status not in (201, 202):
                    self.failures += 1
            except OSError:
                self.failures += 1
            finally:
                conn.close()
            self.timings.append((time.perf_counter() - begin) * 1000)
            pause = due - time.perf_counter()
            if pause > 0:
                self.stop.wait(pause)


def storm(backend: str, seconds: int, folder: Path, ceiling: str, rate: float) -> dict[str, Any]:
    url = fresh_database(backend, DB_NAME, folder)
    with Gunicorn("comments:create_app()", service_env(url, folder), probe="/healthz") as server:

        def post(uri: str, text: str, parent_id: int | None) -> int:
            status, _, data = request(server.url, "POST", "/api/v1/comments", {
                "site": "default", "uri": uri, "text": text, "author": "Seed",
                "parent_id": parent_id})
            assert status == 201, data
            return int(json.loads(data)["id"])

        seed_thread(post, STORY, 100, seed=5)
        read = f"{server.url}/api/v1/comments?uri={quote(STORY)}&limit=100"
        roof = wrk(ceiling, seconds=seconds).as_dict()
        quiet = wrk(read, seconds=seconds).as_dict()
        poster = Poster(server.url, STORY, rate)
        poster.start()
        try:
            during = wrk(read, seconds=seconds).as_dict()
        finally:
            poster.stop.set()
            poster.join(30)
        one_query = one_query_ceiling(backend, url, seconds)
    if backend == "postgresql":
        drop_postgres(DB_NAME)
    timings = poster.timings
    return {"ceiling": roof, "reads_quiet": quiet, "reads_storm": during,
            "pct": round(100 * during["requests_per_second"] / roof["requests_per_second"], 1),
            "posts": len(timings), "posts_per_second": round(len(timings) / seconds, 1),
            "post_failures": poster.failures,
            "post_p50_ms": round(statistics.median(timings), 2),
            "post_p99_ms": round(percentile(timings, 0.99), 2), **_beside(during, one_query)}


def pg_ceiling(seconds: int, folder: Path) -> dict[str, Any]:
    url = fresh_database("postgresql", DB_NAME, folder)
    out: dict[str, Any] = {}
    env = service_env(url, folder)
    default_workers = 2 * (os.cpu_count() or 1) + 1
    with Gunicorn("comments:create_app()", env, probe="/healthz") as seeder:

        def post(uri: str, text: str, parent_id: int | None) -> int:
            status, _, data = request(seeder.url, "POST", "/api/v1/comments", {
                "site": "default", "uri": uri, "text": text, "author": "Seed",
                "parent_id": parent_id})
            assert status == 201, data
            return int(json.loads(data)["id"])

        seed_thread(post, STORY, 100, seed=6)
    path = f"/api/v1/comments?uri={quote(STORY)}&limit=100"
    for workers in (2, default_workers):
        with Gunicorn("bench.ceiling:app", workers=workers) as bare, \
                Gunicorn("bench.ceiling:one_query_app()", {"BENCH_DATABASE_URL": url},
                         workers=workers) as one_query, \
                Gunicorn("comments:create_app()", env, workers=workers, probe="/healthz") as ours:
            status, headers, _ = request(ours.url, "GET", path)
            etag = headers["etag"]
            figures: dict[str, Any] = {}
            for name, extra in (("read", None), ("revalidate", {"If-None-Match": etag})):
                bare_run = wrk(bare.url + "/", seconds=seconds).as_dict()
                query_run = wrk(one_query.url + "/", seconds=seconds).as_dict()
                our_run = wrk(ours.url + path, seconds=seconds, headers=extra).as_dict()
                figures[name] = {
                    "bare": bare_run, "one_query": query_run, "ours": our_run,
                    "pct_one_query": round(100 * our_run["requests_per_second"]
                                           / query_run["requests_per_second"], 1),
                    "pct_bare": round(100 * our_run["requests_per_second"]
                                      / bare_run["requests_per_second"], 1)}
            out[f"workers_{workers}"] = figures
    drop_postgres(DB_NAME)
    return out


def _one_query_text(row: dict[str, Any]) -> str:
    if "pct_one_query" not in row:
        return ""
    return (f"; beside it {row['pct_one_query']}% of the one-query ceiling "
            f"({row['one_query_ceiling']['requests_per_second']:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["long-tail", "storm", "pg-ceiling"])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rate", type=float, default=50.0, help="posts a second (storm)")
    args = parser.parse_args()
    require_wrk()
    logging.disable(logging.INFO)
    (BENCH / "results").mkdir(exist_ok=True)
    report: dict[str, Any] = {"scenario": args.scenario, "goals": GOALS, "cores": os.cpu_count(),
                              "when": datetime.now(UTC).isoformat(timespec="seconds")}
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    with tempfile.TemporaryDirectory(prefix="comments-newsroom-") as tmp:
        folder = Path(tmp)
        os.environ["COMMENTS_INSTANCE_PATH"] = str(folder / "instance")
        if args.scenario == "pg-ceiling":
            report["postgresql"] = figures = pg_ceiling(args.seconds, folder)
            for workers, rows in figures.items():
                for name, row in rows.items():
                    print(f"{workers} {name}: {row['ours']['requests_per_second']:.0f} req/s = "
                          f"{row['pct_one_query']}% of the one-query ceiling "
                          f"({row['one_query']['requests_per_second']:.0f}), "
                          f"{row['pct_bare']}% of the bare one "
                          f"({row['bare']['requests_per_second']:.0f}); goal >= 80% of one-query")
        else:
            with Gunicorn("bench.ceiling:app") as roof:
                for backend in backends:
                    print(f"[{backend}] {args.scenario} ...", flush=True)
                    if args.scenario == "long-tail":
                        row = long_tail(backend, args.seconds, folder, roof.url + "/")
                        print(f"{backend}: random reads over {TAIL_THREADS} threads of "
                              f"{TAIL_SIZE}: {row['reads']['requests_per_second']:.0f} req/s = "
                              f"{row['pct']}% of the ceiling "
                              f"({row['ceiling']['requests_per_second']:.0f}); goal >= "
                              f"{row['goal_pct']}%{_one_query_text(row)}")
                    else:
                        row = storm(backend, args.seconds, folder, roof.url + "/", args.rate)
                        print(f"{backend}: reads during {row['posts_per_second']} posts/s: "
                              f"{row['reads_storm']['requests_per_second']:.0f} req/s = "
                              f"{row['pct']}% of the ceiling (goal >= 50%); posts p50 "
                              f"{row['post_p50_ms']} ms, p99 {row['post_p99_ms']} ms "
                              f"(goal <= 50 ms), {row['post_failures']} failed"
                              f"{_one_query_text(row)}")
                    report[backend] = row
    out = BENCH / "results" / f"newsroom-{args.scenario}-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
