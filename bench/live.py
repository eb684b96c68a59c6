"""Live threads at scale: 2,000 open readers polling one hot thread the way the embed does
(embed/thread/live.js: the thread's newest page, with If-None-Match, every 10 s) while 5 new
comments a second arrive; the requests per second that reach the origin and the origin's CPU,
straight and behind a real caching proxy (Debian's nginx, started here on 127.0.0.1).

    .venv/bin/python bench/live.py [--readers 2000] [--rate 5] [--seconds 30]
                                   [--backend postgresql|sqlite] [--proxy both|none|nginx]

Needs nginx (`apt-get install -y nginx`), PostgreSQL as the other benchmarks do, and the dev
group (httpx). Every server it starts listens on 127.0.0.1 and is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import BENCH, VENV_BIN, free_port, request  # noqa: E402

URI = "/2026/12/03/breaking/"
POLL_SECONDS = 10.0  # the embed's default (COMMENTS_LIVE_POLL_SECONDS)
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 8192; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  proxy_cache_path {tmp}/cache levels=1:2 keys_zone=comments:10m max_size=100m inactive=10m
                   use_temp_path=off;
  upstream origin {{ server 127.0.0.1:{origin}; }}
  server {{
    listen 127.0.0.1:{port};
    # The public reads: cached as the origin's Cache-Control says (s-maxage=5,
    # stale-while-revalidate=30), revalidated with the ETag, one request to the origin at a time.
    location = /api/v1/comments {{
      proxy_pass http://origin;
      proxy_cache comments;
      proxy_cache_methods GET HEAD;
      proxy_cache_key $scheme$host$request_uri;
      proxy_cache_revalidate on;
      proxy_cache_lock on;
      proxy_cache_use_stale updating error timeout http_503;
      proxy_cache_background_update on;
      add_header X-Cache $upstream_cache_status always;
    }}
    location / {{ proxy_pass http://origin; }}
  }}
}}
"""


class Origin:
    """`comments` under gunicorn (sync workers, as deployed), with an access log to count."""

    def __init__(self, database_url: str, folder: Path, workers: int) -> None:
        self.port = free_port()
        self.access = folder / "access.log"
        env = {**os.environ, "COMMENTS_DATABASE_URL": database_url,
               "COMMENTS_SECRET_KEY": "bench-secret-not-for-production",
               "COMMENTS_RATELIMIT_ENABLED": "false", "COMMENTS_INSTANCE_PATH": str(folder)}
        self.log = open(folder / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
             "--access-logfile", str(self.access), "--access-logformat", "%(m)s %(s)s",
             "comments:create_app()"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.url, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def cpu_seconds(self) -> float:
        """User and system CPU of the master and its workers so far."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()]
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def requests_logged(self) -> Counter[str]:
        counted: Counter[str] = Counter()
        for line in self.access.read_text().splitlines():
            counted[line.strip()] += 1
        return counted

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


class Nginx:
    """Debian's nginx as a caching proxy in front of the origin."""

    def __init__(self, origin_port: int, folder: Path) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            sys.exit("bench/live.py needs nginx: `apt-get install -y nginx`.")
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        # nginx's workers drop root: they must reach and write their cache and temp folders.
        folder.parent.chmod(0o755)
        folder.chmod(0o777)
        conf = folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=folder, origin=origin_port, port=self.port))
        self.process = subprocess.Popen([binary, "-c", str(conf), "-p", str(folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                request(self.url, "GET", "/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not start; see {folder}/error.log")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def fetch(host: str, port: int, path: str, etag: str | None) -> tuple[int, str | None, str]:
    """One GET on a fresh connection, as light as asyncio allows: status, ETag, X-Cache."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        condition = f"If-None-Match: {etag}\r\n" if etag else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{condition}"
                     "Connection: close\r\n\r\n".encode())
        await writer.drain()
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip()
                   for line in head[1:] if ":" in line}
        await reader.read()  # the body, to the end (the server closes)
        return int(head[0].split()[1]), headers.get("etag"), headers.get("x-cache", "origin")
    finally:
        writer.close()


async def run_load(front: str, origin: str, readers: int, rate: float,
                   seconds: float) -> dict[str, object]:
    """Readers polling `front` as the embed does, and a writer posting to the origin."""
    import httpx

    host, port = front.removeprefix("http://").split(":")
    path = f"/api/v1/comments?site=default&uri={URI.replace('/', '%2F')}&sort=newest&limit=20"
    stop_at = time.monotonic() + seconds
    answers: Counter[str] = Counter()
    latencies: list[float] = []
    open_connections = asyncio.Semaphore(256)  # the load generator's own ceiling

    async def reader() -> None:
        # Readers opened at random times.
        await asyncio.sleep(min(random.uniform(0, POLL_SECONDS), max(0.0, stop_at - time.monotonic())))
        etag = None
        while time.monotonic() < stop_at:
            began = time.monotonic()
            try:
                async with open_connections:
                    status, new_etag, cache = await fetch(host, int(port), path, etag)
                answers[str(status)] += 1
                answers[cache] += 1
                if status == 200:
                    etag = new_etag
                latencies.append(time.monotonic() - began)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
                answers[type(error).__name__] += 1
            now = time.monotonic()
            await asyncio.sleep(max(0.0, min(POLL_SECONDS - (now - began), stop_at - now)))

    async def one_post(client: httpx.AsyncClient, n: int) -> None:
        try:
            response = await client.post("/api/v1/comments", json={
                "uri": URI, "title": "Breaking", "author": f"Writer {n}",
                "text": f"Live comment number {n} on the breaking story."})
        except httpx.HTTPError as error:  # an origin too busy to accept counts, it does not stop the run
            answers[f"post {type(error).__name__}"] += 1
            return
        answers[f"post {response.status_code}"] += 1

    async def writer(client: httpx.AsyncClient) -> None:
        # On a schedule, not one after another: a slow answer must not lower the rate.
        began, n, sent = time.monotonic(), 0, []
        while time.monotonic() < stop_at:
            sent.append(asyncio.create_task(one_post(client, n)))
            n += 1
            await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        await asyncio.gather(*sent)

    async with httpx.AsyncClient(base_url=origin, timeout=30) as posting:
        await asyncio.gather(writer(posting), *(reader() for _ in range(readers)))
    latencies.sort()
    return {"answers": dict(answers),
            "poll_p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
            "poll_p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 1) if latencies else None}


def scenario(name: str, database_url: str, args: argparse.Namespace) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix=f"comments-live-{name}-"))
    origin = Origin(database_url, folder, args.workers)
    proxy = Nginx(origin.port, folder / "nginx") if name == "nginx" else None
    try:
        for n in range(30):  # a thread already under way
            request(origin.url, "POST", "/api/v1/comments",
                    {"uri": URI, "title": "Breaking", "text": f"Earlier comment {n}."})
        before_log = origin.requests_logged()
        cpu_before, began = origin.cpu_seconds(), time.monotonic()
        load = asyncio.run(run_load(proxy.url if proxy else origin.url, origin.url,
                                    args.readers, args.rate, args.seconds))
        elapsed = time.monotonic() - began
        cpu = origin.cpu_seconds() - cpu_before
        logged = origin.requests_logged() - before_log
    finally:
        if proxy:
            proxy.stop()
        origin.stop()
        shutil.rmtree(folder, ignore_errors=True)
    reads = sum(n for key, n in logged.items() if key.startswith("GET"))
    posts = sum(n for key, n in logged.items() if key.startswith("POST"))
    return {
        "proxy": name, "readers": args.readers, "new_comments_per_s": args.rate,
        "seconds": round(elapsed, 1),
        "origin_reads_per_s": round(reads / elapsed, 1),
        "origin_posts_per_s": round(posts / elapsed, 1),
        "origin_answers": {key: n for key, n in logged.items()},
        "origin_cpu_percent_of_a_core": round(100 * cpu / elapsed, 1),
        "reader_polls_per_s": round(sum(v for k, v in load["answers"].items()  # type: ignore[union-attr]
                                        if k.isdigit()) / elapsed, 1),
        **load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", default="postgresql", choices=("postgresql", "sqlite"))
    parser.add_argument("--proxy", default="both", choices=("both", "none", "nginx"))
    args = parser.parse_args()

    from bench.databases import drop_postgres, fresh_database

    results = []
    folder = Path(tempfile.mkdtemp(prefix="comments-live-db-"))
    try:
        for name in (("none", "nginx") if args.proxy == "both" else (args.proxy,)):
            url = fresh_database(args.backend, "comments_bench_live", folder)
            results.append(scenario(name, url, args))
    finally:
        if args.backend == "postgresql":
            drop_postgres("comments_bench_live")
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{args.readers} readers polling every {POLL_SECONDS:g} s, {args.rate:g} new comments/s, "
          f"{args.backend}, gunicorn {args.workers} sync workers")
    print(f"{'proxy':8} {'reader polls/s':>15} {'origin reads/s':>15} {'origin posts/s':>15} "
          f"{'origin CPU':>11} {'poll p50':>9} {'poll p99':>9}")
    for row in results:
        print(f"{row['proxy']:8} {row['reader_polls_per_s']:>15} {row['origin_reads_per_s']:>15} "
              f"{row['origin_posts_per_s']:>15} {row['origin_cpu_percent_of_a_core']:>10}% "
              f"{row['poll_p50_ms']:>7}ms {row['poll_p99_ms']:>7}ms")
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    (out / "live.json").write_text(json.dumps(results, indent=2))
    print(f"(details in {out / 'live.json'}; a shared, noisy machine: figures as measured)")


if __name__ == "__main__":
    main()
