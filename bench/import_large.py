"""Benchmark: import a generated Disqus export of 100,000 comments; report time and peak memory.

    .venv/bin/python bench/import_large.py [--comments 100000] [--database-url URL] [--gzip]

The import runs as `comments import disqus` in a child process on a fresh database (SQLite in a
temporary folder unless --database-url names an empty PostgreSQL database), so the figure is the
importer's own peak RSS. Budget: one run, peak memory under 200 MB.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_MB = 200
ROOT = Path(__file__).resolve().parent.parent
COMMENTS = Path(sys.executable).parent / "comments"


def generate(path: Path, comments: int, threads: int, compress: bool) -> None:
    """A Disqus export: threads, then posts; about a third are replies, some listed before
    their parents, a few deleted or spam, text in several scripts."""
    rng = random.Random(20190208)
    opener = gzip.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals">\n')
        for t in range(threads):
            out.write(f'<thread dsq:id="t{t}"><id/><forum>bench</forum>'
                      f"<link>https://old.example/{2000 + t % 20}/{t}/article-{t}/</link>"
                      f"<title>Article {t}</title><createdAt>2015-01-01T00:00:00Z</createdAt>"
                      f"<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n")
        per_thread: dict[int, list[int]] = {}
        order = list(range(comments))
        # Swap neighbours now and then so that some replies come before their parents.
        for i in range(0, comments - 1, 17):
            order[i], order[i + 1] = order[i + 1], order[i]
        parents = {}
        for n in range(comments):
            thread = n % threads
            earlier = per_thread.setdefault(thread, [])
            parents[n] = rng.choice(earlier[-20:]) if earlier and rng.random() < 0.35 else None
            earlier.append(n)
        words = ["news", "Nachrichten", "новости", "nouvelles", "ニュース", "<b>bold</b>",
                 "<a href='https://example.org/'>link</a>", "&amp;", "&lt;script&gt;"]
        for n in order:
            parent = parents[n]
            text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
            deleted = "true" if n % 97 == 0 else "false"
            spam = "true" if n % 89 == 0 else "false"
            parent_element = f'<parent dsq:id="{parent}"/>' if parent is not None else ""
            out.write(
                f'<post dsq:id="{n}"><id/><message><![CDATA[<p>{text}</p>]]></message>'
                f"<createdAt>2016-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
                f"</createdAt><isDeleted>{deleted}</isDeleted><isSpam>{spam}</isSpam>"
                f"<author><email>reader{n % 5000}@example.org</email><name>Reader {n % 5000}</name>"
                f"<isAnonymous>false</isAnonymous></author><ipAddress>192.0.2.{n % 250}</ipAddress>"
                f'<thread dsq:id="t{n % threads}"/>{parent_element}</post>\n')
        out.write("</disqus>\n")


def comments_command(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMMENTS), *args], env=env, cwd=ROOT, text=True,
                          capture_output=True, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--gzip", action="store_true", help="generate a .xml.gz")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        work = Path(folder)
        export = work / ("disqus.xml.gz" if options.gzip else "disqus.xml")
        started = time.perf_counter()
        generate(export, options.comments, options.threads, options.gzip)
        print(f"generated {export.name}: {export.stat().st_size / 1e6:.1f} MB "
              f"in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "COMMENTS_INSTANCE_PATH": str(work / "instance"),
               "COMMENTS_DATABASE_URL": options.database_url or f"sqlite:///{work / 'bench.db'}",
               "COMMENTS_SECRET_KEY": "bench-secret"}
        comments_command(["db", "upgrade"], env)
        comments_command(["sites", "add", "default", "--base-url", "https://news.example"], env)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
        started = time.perf_counter()
        result = comments_command(["import", "disqus", str(export), "--map",
                                   "https://old.example/=/"], env)
        elapsed = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime - cpu_before
        print(result.stdout.strip())
        # CPU seconds say more than wall time on a shared machine.
        print(f"import: {elapsed:.1f} s wall, {cpu:.1f} s CPU, "
              f"{options.comments / elapsed:,.0f} comments/s, "
              f"peak RSS {peak_mb:.0f} MB (budget {BUDGET_MB} MB)"
              + ("" if peak_mb >= before / 1024 else " (max over child processes)"))
        started = time.perf_counter()
        again = comments_command(["import", "disqus", str(export), "--map",
                                  "https://old.example/=/"], env)
        print(f"second import (no-op): {time.perf_counter() - started:.1f} s; "
              + again.stdout.strip().splitlines()[0])
        peak_both = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS over both imports {peak_both:.0f} MB")
        if peak_mb > BUDGET_MB:
            sys.exit(f"over budget: {peak_mb:.0f} MB > {BUDGET_MB} MB")


if __name__ == "__main__":
    main()
