"""Load test: locust (95% reads, 4% posts, 1% shares), 50 users for 60 s, gunicorn on PostgreSQL.

Fills a fresh PostgreSQL database with 500 threads and 25,000 comments (COPY), serves it with
`comments serve` (4 workers, rate limits on in Redis with a generous post limit for the single
load-generating address), runs locust headless and prints p50/p99 and failures per endpoint.
Usage: bench/load [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import SECRET, drop_postgres, fresh_database  # noqa: E402
from bench.seed_large import fill  # noqa: E402
from bench.servers import BENCH, VENV_BIN, free_port, request  # noqa: E402

DATABASE = "comments_bench_load"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    results = BENCH / "results"
    results.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="comments-load-") as tmp:
        folder = Path(tmp)
        os.environ["COMMENTS_INSTANCE_PATH"] = str(folder / "instance")
        url = fresh_database("postgresql", DATABASE, folder)
        fill(url, threads=500, comments=25_000)
        _generous_limits(url)
        port = free_port()
        env = {**os.environ, "COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": SECRET,
               "COMMENTS_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
               "COMMENTS_RATELIMIT_KEY_PREFIX": f"bench-load-{uuid.uuid4().hex[:8]}",
               "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics")}
        log = (results / "load-gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(VENV_BIN / "comments"), "serve", "-w", str(args.workers), "-b",
             f"127.0.0.1:{port}", "--no-access-log"], env=env, stdout=log, stderr=log)
        try:
            _wait(f"http://127.0.0.1:{port}")
            prefix = folder / "locust"
            subprocess.run(
                [str(VENV_BIN / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless",
                 "-u", str(args.users), "-r", str(max(1, args.users // 5)),
                 "-t", f"{args.seconds}s", "--host", f"http://127.0.0.1:{port}",
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                check=False, timeout=args.seconds + 120,
            )
            report = _summary(Path(f"{prefix}_stats.csv"))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            log.close()
            drop_postgres(DATABASE)
    report.update({"when": datetime.now(UTC).isoformat(timespec="seconds"),
                   "users": args.users, "seconds": args.seconds, "workers": args.workers})
    out = results / f"load-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\n{'endpoint':34}{'requests':>10}{'failures':>10}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>9}")
    for row in report["endpoints"]:
        print(f"{row['name']:34}{row['requests']:>10}{row['failures']:>10}{row['p50']:>9}"
              f"{row['p99']:>9}{row['rps']:>9}")
    print(f"\nwrote {out}")


def _generous_limits(url: str) -> None:
    # Every simulated reader comes from 127.0.0.1: the per-address limits stay on (in Redis),
    # set high enough that one address may post for fifty readers.
    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import update_site

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        # Share links are limited like votes (web/sharing/links.py).
        update_site("default", settings={"post_limit": "100000 per minute",
                                         "vote_limit": "100000 per minute"})
        db.session.remove()
        db.engine.dispose()


def _wait(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if request(base, "GET", "/readyz")[0] == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become ready")


def _summary(stats: Path) -> dict[str, Any]:
    rows = list(csv.DictReader(stats.open()))
    endpoints = [{
        "name": row["Name"] if row["Name"] != "Aggregated" else "all",
        "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
        "p50": row["50%"], "p99": row["99%"], "rps": round(float(row["Requests/s"]), 1),
    } for row in rows]
    return {"endpoints": endpoints}


if __name__ == "__main__":
    main()
