"""Side by side with Isso: the same data through each one's own API, the same gunicorn settings.

Installs Isso from PyPI into bench/.isso-venv on first use, runs both at once and seeds them
side by side with a 100-comment thread, a 1,000-comment thread and 50 small threads (each through
its own API, one comment to each service in turn, in a random order, so that both posts' latencies
are taken under the same load), then reports with the ratio: req/s for the full 100-comment
thread, for the first page (20 top-level comments with their replies) of the 1,000-comment thread
and for counts of 50 articles; the time to fetch the whole 1,000-comment thread; post latency;
embed bytes. Goals are set against a bare Flask endpoint (the ceiling, measured under the same
gunicorn right before each of our rates): thread reads >= 50%, counts >= 70%, whole thread
<= 50 ms; and against Isso: our post median <= 0.7x Isso's.
Usage: bench/compare [--seconds 10] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import SECRET, drop_postgres, fresh_database  # noqa: E402
from bench.run import _count, our_poster  # noqa: E402
from bench.seeding import comment_text, thread_shape  # noqa: E402
from bench.servers import (  # noqa: E402
    BENCH,
    Gunicorn,
    percentile,
    post_script,
    request,
    require_wrk,
    wrk,
)

ISSO_VENV = BENCH / ".isso-venv"
HUNDRED, THOUSAND = "/compare/a-hundred/", "/compare/a-thousand/"
SMALL = [f"/compare/small-{n}/" for n in range(50)]
GOALS = {"thread_pct": 50, "counts_pct": 70, "whole_thread_ms": 50, "post_median_vs_isso": 0.7}


def ensure_isso() -> Path:
    """Isso and gunicorn in their own virtualenv (created once, from PyPI)."""
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        print("installing Isso into bench/.isso-venv ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(ISSO_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "isso", "gunicorn"], check=True)
    return ISSO_VENV / "bin" / "gunicorn"


class Service:
    """How to talk to one service: its server, its post, its reads."""

    name = ""
    server: Gunicorn

    def post(self, uri: str, text: str, parent_id: int | None) -> int:
        raise NotImplementedError

    def thread_path(self, uri: str, first_page: bool) -> str:
        raise NotImplementedError

    def counts_request(self, folder: Path) -> tuple[str, Path | None]:
        raise NotImplementedError

    def whole_thread(self, uri: str) -> int:
        """Fetch every comment of a thread the way its own client would; the number seen."""
        raise NotImplementedError

    # What a reader's browser downloads to show the comments, beside the thread's own data.
    embed_paths: tuple[str, ...] = ()


class Ours(Service):
    name = "comments"
    # The loader, then the iframe page's script and styles (its words come inside the page).
    embed_paths = ("/embed.js", "/embed/thread.js", "/embed/thread.css")

    def __init__(self, backend: str, folder: Path):
        self.backend = backend
        url = fresh_database(backend, "comments_bench_compare", folder)
        env = {"COMMENTS_DATABASE_URL": url, "COMMENTS_SECRET_KEY": SECRET,
               "COMMENTS_RATELIMIT_ENABLED": "false",
               "COMMENTS_INSTANCE_PATH": str(folder / "instance")}
        self.server = Gunicorn("comments:create_app()", env, probe="/healthz")

    def post(self, uri: str, text: str, parent_id: int | None) -> int:
        return int(our_poster(self.server.url)(uri, text, parent_id))

    def thread_path(self, uri: str, first_page: bool) -> str:
        return f"/api/v1/comments?uri={quote(uri)}&limit={20 if first_page else 100}"

    def counts_request(self, folder: Path) -> tuple[str, Path | None]:
        return "/api/v1/counts?" + "&".join(f"uri={quote(u)}" for u in SMALL), None

    def whole_thread(self, uri: str) -> int:
        seen, after = 0, None
        while True:
            path = self.thread_path(uri, first_page=False) + (f"&after={after}" if after else "")
            status, _, data = request(self.server.url, "GET", path)
            assert status == 200, status
            page = json.loads(data)
            seen += _count(page["comments"])
            after = page["next"]
            if not after:
                return seen


class Isso(Service):
    name = "isso"
    embed_paths = ("/js/embed.min.js",)  # script, styles and languages in one file

    def __init__(self, folder: Path):
        config = folder / "isso.cfg"
        config.write_text(
            "[general]\n"
            f"dbpath = {folder / 'isso.db'}\n"
            "host = https://news.example\n"
            "[moderation]\nenabled = false\n"
            # Isso's guard is its rate limit (2 posts a minute): off, as ours is.
            "[guard]\nenabled = false\n"
        )
        self.server = Gunicorn("isso.run:application", {"ISSO_SETTINGS": str(config)},
                               gunicorn=str(ensure_isso()), cwd=folder,
                               probe="/?uri=/probe/")

    def post(self, uri: str, text: str, parent_id: int | None) -> int:
        body = {"text": text, "author": "Bench Reader", "title": "Benchmark", "parent": parent_id}
        status, _, data = request(self.server.url, "POST", f"/new?uri={quote(uri)}", body)
        if status not in (201, 202):
            raise RuntimeError(f"isso answered {status}: {data[:300]!r}")
        return int(json.loads(data)["id"])

    def thread_path(self, uri: str, first_page: bool) -> str:
        return f"/?uri={quote(uri)}" + ("&limit=20" if first_page else "")

    def counts_request(self, folder: Path) -> tuple[str, Path | None]:
        return "/count", post_script(json.dumps(SMALL), folder)

    def whole_thread(self, uri: str) -> int:
        status, _, data = request(self.server.url, "GET", self.thread_path(uri, False))
        assert status == 200, status
        return _count_isso(json.loads(data)["replies"])


def _count_isso(nodes: list[dict[str, Any]]) -> int:
    total, stack = 0, list(nodes)
    while stack:
        node = stack.pop()
        total += 1
        stack.extend(node.get("replies") or [])
    return total


def seed_side_by_side(services: list[Service]) -> dict[str, dict[str, float]]:
    """The same threads posted to every service through its own API, one comment to each in
    turn (in a random order each time); each service's post latencies, median and p95."""
    plans = [(HUNDRED, 100, 1), (THOUSAND, 1000, 2)]
    plans += [(uri, 3, 10 + n) for n, uri in enumerate(SMALL)]
    ids: dict[str, dict[tuple[str, int], int]] = {one.name: {} for one in services}
    timings: dict[str, list[float]] = {one.name: [] for one in services}
    turns = random.Random(3)
    for uri, size, seed in plans:
        texts = random.Random(seed * 7919)
        for number, parent in enumerate(thread_shape(size, seed)):
            text = comment_text(texts, number)
            for service in turns.sample(services, len(services)):
                parent_id = ids[service.name][(uri, parent)] if parent is not None else None
                begin = time.perf_counter()
                ids[service.name][(uri, number)] = service.post(uri, text, parent_id)
                timings[service.name].append((time.perf_counter() - begin) * 1000)
    return {name: {"post_ms_median": round(statistics.median(found), 2),
                   "post_ms_p95": round(percentile(found, 0.95), 2)}
            for name, found in timings.items()}


def measure(service: Service, seconds: int, folder: Path,
            ceiling_url: str | None = None) -> dict[str, Any]:
    """Measure a seeded service's reads (each rate right after the ceiling's, when
    `ceiling_url` is given: on a shared machine only a ratio under the same load means
    anything)."""
    result: dict[str, Any] = {}
    base = service.server.url
    path, script = service.counts_request(folder)
    runs = {"thread_100": (base + service.thread_path(HUNDRED, False), None),
            "first_page_1000": (base + service.thread_path(THOUSAND, True), None),
            "counts_50": (base + path, script)}
    for key, (url, lua) in runs.items():
        if ceiling_url:
            result[f"{key}_ceiling"] = wrk(ceiling_url, seconds=seconds).as_dict()
        result[key] = wrk(url, seconds=seconds, script=lua).as_dict()

    samples = []
    for _ in range(10):
        begin = time.perf_counter()
        seen = service.whole_thread(THOUSAND)
        samples.append((time.perf_counter() - begin) * 1000)
    result["whole_thread_1000_ms"] = round(statistics.median(samples), 2)
    result["whole_thread_comments_seen"] = seen

    plain = packed = 0
    for path in service.embed_paths:
        status, _, body = request(base, "GET", path)
        assert status == 200, (path, status)
        plain += len(body)
        packed += len(gzip.compress(body, 9))  # each file compressed, as a server sends it
    result["embed_bytes"], result["embed_gzip_bytes"] = plain, packed
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql"],
                        help="our database (Isso only runs on SQLite)")
    args = parser.parse_args()
    require_wrk()
    ensure_isso()
    logging.disable(logging.INFO)
    (BENCH / "results").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="comments-compare-") as tmp:
        folder = Path(tmp)
        os.environ["COMMENTS_INSTANCE_PATH"] = str(folder / "instance")
        isso_folder = folder / "isso"
        isso_folder.mkdir()
        mine, isso = Ours(args.backend, folder), Isso(isso_folder)
        print("ceiling ...", flush=True)
        with Gunicorn("bench.ceiling:app") as roof, mine.server, isso.server:
            ceiling = wrk(roof.url + "/", seconds=args.seconds).as_dict()
            print("seeding both, one comment to each in turn ...", flush=True)
            posts = seed_side_by_side([mine, isso])
            print(f"comments ({args.backend}), each rate paired with the ceiling ...", flush=True)
            ours = {**posts[mine.name], **measure(mine, args.seconds, folder, roof.url + "/")}
            print("isso ...", flush=True)
            theirs = {**posts[isso.name], **measure(isso, args.seconds, isso_folder)}
        if args.backend == "postgresql":
            drop_postgres("comments_bench_compare")
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "backend": args.backend,
              "ceiling": ceiling, "comments": ours, "isso": theirs, "goals": GOALS}
    print_table(report)
    out = BENCH / "results" / f"compare-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {out}")


def print_table(report: dict[str, Any]) -> None:
    """Both services, the ratio, and ours against the ceiling."""
    ours, isso, roof = report["comments"], report["isso"], report["ceiling"]["requests_per_second"]

    def rps(key: str) -> tuple[float, float]:
        return ours[key]["requests_per_second"], isso[key]["requests_per_second"]

    def share(key: str, goal: int) -> str:
        paired = ours.get(f"{key}_ceiling", {}).get("requests_per_second", roof)
        return (f"{100 * ours[key]['requests_per_second'] / paired:.0f}% of ceiling "
                f"{paired:.0f} (>= {goal}%)")

    rows: list[tuple[str, float | None, float | None, bool, str]] = [
        ("100-comment thread, req/s", *rps("thread_100"), True, share("thread_100", 50)),
        ("1,000-comment thread, first page, req/s", *rps("first_page_1000"), True,
         share("first_page_1000", 50)),
        ("counts of 50 articles, req/s", *rps("counts_50"), True, share("counts_50", 70)),
        ("whole 1,000-comment thread, ms", ours["whole_thread_1000_ms"],
         isso["whole_thread_1000_ms"], False, "<= 50 ms"),
        ("post latency, median ms", ours["post_ms_median"], isso["post_ms_median"], False,
         f"{ours['post_ms_median'] / isso['post_ms_median']:.2f}x isso's (<= 0.7x)"),
        ("post latency, p95 ms", ours["post_ms_p95"], isso["post_ms_p95"], False, ""),
        ("embed bytes: loader + iframe assets (gzip)", ours["embed_gzip_bytes"],
         isso["embed_gzip_bytes"], False, ""),
    ]
    print(f"\nceiling (bare Flask, same gunicorn): {roof:.0f} req/s at the start; each rate "
          "below is compared with the ceiling measured right before it\n")
    print(f"{'':42}{'comments':>12}{'isso':>12}{'ratio':>10}   goal")
    for label, mine, theirs, higher_better, goal in rows:
        if mine is None or theirs is None:
            ratio = "n/a"
        else:
            better = mine / theirs if higher_better else theirs / mine
            ratio = f"{better:.1f}x"
        shown = [("n/a" if v is None else f"{v:.0f}" if v >= 100 else f"{v:.2f}")
                 for v in (mine, theirs)]
        print(f"{label:42}{shown[0]:>12}{shown[1]:>12}{ratio:>10}   {goal}")
    print("(ratio: how many times better comments is)")


if __name__ == "__main__":
    main()
