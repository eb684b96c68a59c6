"""Read and write speed of the comments service beside a bare Flask ceiling, SQLite and PostgreSQL.

Seeds a 100-comment and a 1,000-comment thread through the public API, then measures with wrk
under gunicorn (two sync workers, the same settings for the ceiling, measured right before each
service run so that both see the same load on a shared machine):
  - reads of the whole 100-comment thread, as % of the ceiling's requests/s (goal >= 50%)
  - 304 revalidations with If-None-Match, as % of the ceiling (goal >= 80%)
  - the time to fetch the whole 1,000-comment thread, every page (goal <= 50 ms)
  - post latency (median and p95 over all seeded posts)
  - the same reads with every answer built through Flask (memo and fast lane off): what a
    thread costs the first time after each change
Prints a table and writes JSON to bench/results/.
Usage: bench/run [--seconds 10] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import SECRET, drop_postgres, fresh_database  # noqa: E402
from bench.seeding import seed_thread  # noqa: E402
from bench.servers import BENCH, Gunicorn, percentile, request, require_wrk, wrk  # noqa: E402

HUNDRED = "/bench/a-hundred-comments/"
THOUSAND = "/bench/a-thousand-comments/"
GOALS = {"read_pct": 50, "revalidate_pct": 80, "whole_thread_ms": 50}


def our_poster(base: str) -> Any:
    """POST /api/v1/comments; returns the new id (fails loudly on anything but 201)."""

    def post(uri: str, text: str, parent_id: int | None) -> int:
        body = {"site": "default", "uri": uri, "title": "Benchmark", "text": text,
                "author": "Bench Reader", "parent_id": parent_id}
        status, _, data = request(base, "POST", "/api/v1/comments", body)
        if status != 201:
            raise RuntimeError(f"post answered {status}: {data[:300]!r}")
        return int(json.loads(data)["id"])

    return post


def whole_thread_ms(base: str, uri: str, rounds: int = 20) -> tuple[float, int, int]:
    """Median ms to fetch every page of a thread (limit 100), the pages and comments seen."""
    samples: list[float] = []
    pages = seen = 0
    for _ in range(rounds):
        begin = time.perf_counter()
        after, pages, seen = None, 0, 0
        while True:
            path = f"/api/v1/comments?uri={quote(uri)}&limit=100"
            path += f"&after={after}" if after else ""
            status, _, data = request(base, "GET", path)
            assert status == 200, status
            page = json.loads(data)
            pages += 1
            seen += _count(page["comments"])
            after = page["next"]
            if not after:
                break
        samples.append((time.perf_counter() - begin) * 1000)
    return round(statistics.median(samples), 2), pages, seen


def _count(nodes: list[dict[str, Any]]) -> int:
    total = 0
    stack = list(nodes)
    while stack:
        node = stack.pop()
        total += 1
        stack.extend(node["replies"])
    return total


def paired(ceiling_url: str, url: str, seconds: int,
           headers: dict[str, str] | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """The ceiling, then the service, back to back: on a shared machine the load drifts, and
    a ratio means something only between runs taken under the same load."""
    roof = wrk(ceiling_url, seconds=seconds).as_dict()
    return roof, wrk(url, seconds=seconds, headers=headers).as_dict()


def measure_backend(backend: str, seconds: int, folder: Path, ceiling_url: str) -> dict[str, Any]:
    """Seed and measure the service on one database."""
    url = fresh_database(backend, "comments_bench_run", folder)
    env = {"COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": SECRET,
           "COMMENTS_RATELIMIT_ENABLED": "false",
           "COMMENTS_INSTANCE_PATH": str(folder / "instance")}
    result: dict[str, Any] = {}
    with Gunicorn("comments:create_app()", env, probe="/healthz") as server:
        posts = seed_thread(our_poster(server.url), HUNDRED, 100, seed=1)
        posts_large = seed_thread(our_poster(server.url), THOUSAND, 1000, seed=2)
        latencies = posts.post_ms + posts_large.post_ms
        result["post_ms_median"] = round(statistics.median(latencies), 2)
        result["post_ms_p95"] = round(percentile(latencies, 0.95), 2)

        read_path = f"/api/v1/comments?uri={quote(HUNDRED)}&limit=100"
        status, headers, data = request(server.url, "GET", read_path)
        assert status == 200 and _count(json.loads(data)["comments"]) == 100
        result["read_bytes"] = len(data)
        result["read_ceiling"], result["read"] = paired(ceiling_url, server.url + read_path,
                                                        seconds)
        etag = headers["etag"]
        status, _, _ = request(server.url, "GET", read_path, headers={"If-None-Match": etag})
        assert status == 304, status
        result["revalidate_ceiling"], result["revalidate"] = paired(
            ceiling_url, server.url + read_path, seconds, headers={"If-None-Match": etag})
        ms, pages, seen = whole_thread_ms(server.url, THOUSAND)
        assert seen == 1000, seen
        result["whole_thread"] = {"ms_median": ms, "pages": pages, "comments": seen}
    # The same reads with every answer built through Flask: no memo, no fast lane. What a
    # thread costs the first time after each change (and what it cost before both existed).
    cold = {**env, "COMMENTS_READ_MEMO_MB": "0", "COMMENTS_FAST_READS": "false"}
    with Gunicorn("comments:create_app()", cold, probe="/healthz") as server:
        result["cold_read_ceiling"], result["cold_read"] = paired(
            ceiling_url, server.url + read_path, seconds)
        ms, pages, seen = whole_thread_ms(server.url, THOUSAND)
        result["cold_whole_thread"] = {"ms_median": ms, "pages": pages, "comments": seen}
    if backend == "postgresql":
        drop_postgres("comments_bench_run")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    require_wrk()
    logging.disable(logging.INFO)
    (BENCH / "results").mkdir(exist_ok=True)
    report: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds"),
                              "workers": 2, "cores": os.cpu_count(), "goals": GOALS,
                              "backends": {}}
    with tempfile.TemporaryDirectory(prefix="comments-bench-") as tmp, \
            Gunicorn("bench.ceiling:app") as roof:
        os.environ["COMMENTS_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            print(f"[{backend}] seeding and measuring ...", flush=True)
            figures = measure_backend(backend, args.seconds, Path(tmp), roof.url + "/")
            for key in ("read", "revalidate", "cold_read"):
                figures[f"{key}_pct"] = round(
                    100 * figures[key]["requests_per_second"]
                    / figures[f"{key}_ceiling"]["requests_per_second"], 1)
            report["backends"][backend] = figures
    print_table(report)
    out = BENCH / "results" / f"run-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {out}")


def print_table(report: dict[str, Any]) -> None:
    """The figures side by side, each with its goal."""
    backends = report["backends"]
    names = list(backends)
    rows: list[tuple[str, list[str], str]] = [
        ("ceiling req/s, just before",
         [f"{b['read_ceiling']['requests_per_second']:.0f}" for b in backends.values()], ""),
        ("100-comment thread req/s",
         [f"{b['read']['requests_per_second']:.0f}" for b in backends.values()], ""),
        ("  as % of ceiling", [f"{b['read_pct']}%" for b in backends.values()], ">= 50%"),
        ("  p50 / p99 ms", [f"{b['read']['latency_p50_ms']} / {b['read']['latency_p99_ms']}"
                            for b in backends.values()], ""),
        ("ceiling req/s, just before",
         [f"{b['revalidate_ceiling']['requests_per_second']:.0f}" for b in backends.values()], ""),
        ("304 revalidation req/s",
         [f"{b['revalidate']['requests_per_second']:.0f}" for b in backends.values()], ""),
        ("  as % of ceiling", [f"{b['revalidate_pct']}%" for b in backends.values()], ">= 80%"),
        ("whole 1,000-comment thread ms",
         [f"{b['whole_thread']['ms_median']} ({b['whole_thread']['pages']} pages)"
          for b in backends.values()], "<= 50 ms"),
        ("built every time (no memo, no lane)", ["" for _ in backends.values()], ""),
        ("  100-comment thread, % of ceiling",
         [f"{b['cold_read']['requests_per_second']:.0f} = {b['cold_read_pct']}%"
          for b in backends.values()], ""),
        ("  whole 1,000-comment thread ms",
         [f"{b['cold_whole_thread']['ms_median']}" for b in backends.values()], ""),
        ("post latency median / p95 ms",
         [f"{b['post_ms_median']} / {b['post_ms_p95']}" for b in backends.values()], ""),
        ("errors (non-2xx/3xx, socket)",
         [str(sum(b[key]["non_2xx"] + b[key]["errors"]
                  for key in ("read", "revalidate", "cold_read"))) for b in backends.values()],
         "0"),
    ]
    width = 34
    print("\n" + "".ljust(width) + "".join(n.rjust(22) for n in names) + "   goal")
    for label, values, goal in rows:
        print(label.ljust(width) + "".join(v.rjust(22) for v in values) + "   " + goal)


if __name__ == "__main__":
    main()
