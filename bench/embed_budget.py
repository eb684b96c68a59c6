"""The embed's budgets: loader and iframe asset sizes (gzipped) and 200 comments rendered in Chromium.

Run: .venv/bin/python bench/embed_budget.py [--runs N]
Budgets (issue 3): loader <= 2 KB gzipped; the iframe page's own script and styles with all
languages <= 15 KB gzipped; a 100-comment thread painted with no API call after the page.
Issue 16: the iframe page for 100 short comments <= 100 KB raw and <= 12 KB gzipped, sent
compressed by the service itself; its first contentful paint <= 150 ms (median of the runs).
Exits 1 when a size budget is exceeded.
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOADER_BUDGET = 2 * 1024
FRAME_BUDGET = 15 * 1024
CHROMIUM = os.environ.get("COMMENTS_TEST_CHROMIUM", "/usr/bin/chromium")
URI = "/bench/two-hundred/"
HUNDRED = "/bench/a-hundred-short/"
PAGE_RAW_BUDGET = 100 * 1024
PAGE_GZIP_BUDGET = 12 * 1024
PAINT_BUDGET_MS = 150


def gz(data: bytes) -> int:
    """Bytes gzipped at level 9, as a CDN or proxy would send them."""
    return len(gzip.compress(data, compresslevel=9))


def sizes() -> tuple[dict[str, int], int, int, int]:
    """Gzipped sizes as served: each file, the loader, the iframe with all languages, one page."""
    import json

    from comments.web.embed.assets import asset_body
    from comments.web.embed.languages import LANGUAGES, script_strings

    script, styles = asset_body("thread.js"), asset_body("thread.css")
    files = {"embed.js": gz(asset_body("embed.js")), "thread.js": gz(script), "thread.css": gz(styles)}
    tables = {lang: script_strings(lang) for lang in LANGUAGES}
    for lang, table in tables.items():
        files[f"strings {lang}"] = gz(json.dumps(table, ensure_ascii=False).encode())
    # All languages as one bundle with the script, the way Isso ships its 20 KB of script.
    everything = json.dumps(tables, ensure_ascii=False).encode()
    frame = gz(script + b"\n" + everything) + gz(styles)
    one_page = files["thread.js"] + files["thread.css"] + max(
        size for name, size in files.items() if name.startswith("strings"))
    return files, files["embed.js"], frame, one_page


def seeded_server(folder: Path):  # type: ignore[no-untyped-def]
    """The app on a fresh SQLite database with 100 top-level comments and 100 replies."""
    os.environ["COMMENTS_INSTANCE_PATH"] = str(folder / "instance")
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from comments import create_app
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.db'}", "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        create_site("default", "https://news.example",
                    settings={"max_depth": 5, "article_facts": "open",
                              "new_threads_per_network": 1_000_000})
    client = app.test_client()
    for n in range(100):
        body = {"uri": URI, "author": f"Reader {n}",
                "text": f"Comment {n} with **some** text and a [link](https://example.org/{n})."}
        top = client.post("/api/v1/comments", json=body, environ_base={"REMOTE_ADDR": f"10.0.{n}.1"})
        reply = {"uri": URI, "author": f"Replier {n}", "parent_id": top.json["id"],
                 "text": "A reply that quotes:\n\n> the comment above"}
        client.post("/api/v1/comments", json=reply, environ_base={"REMOTE_ADDR": f"10.1.{n}.1"})
    for n in range(100):
        body = {"uri": HUNDRED, "author": f"Reader {n % 9}", "text": f"Short comment {n}."}
        client.post("/api/v1/comments", json=body, environ_base={"REMOTE_ADDR": f"10.2.{n}.1"})
    short = f"/embed/thread?uri={HUNDRED}&limit=100"
    raw = client.get(short)
    gzipped = client.get(short, headers={"Accept-Encoding": "gzip"})
    brotli = client.get(short, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert gzipped.headers.get("Content-Encoding") == "gzip", "the service must compress itself"
    app.config["PAGE_SIZES"] = {"raw": len(raw.data), "gzip": len(gzipped.data),
                                "br": len(brotli.data)}
    page = f"/embed/thread?uri={URI}&limit=100"
    client.get(page)
    timings = []
    for _ in range(10):
        started = time.perf_counter()
        assert client.get(page).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    print(f"Server: the iframe page with 200 comments renders in {statistics.median(timings):.1f} ms "
          "(median of 10, SQLite)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_paint_of_hundred(server, runs: int) -> float:  # type: ignore[no-untyped-def]
    """Median first contentful paint (ms) of the iframe page of 100 short comments."""
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{server.server_port}/embed/thread?uri={HUNDRED}&limit=100"
    paints = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            for run in range(runs + 1):  # the first run warms caches and is not counted
                context = browser.new_context(viewport={"width": 800, "height": 900})
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector("html[data-ready]", state="attached")
                paint = page.evaluate("""() => new Promise(done => {
                    const found = performance.getEntriesByName('first-contentful-paint')[0];
                    if (found) { done(found.startTime); return; }
                    new PerformanceObserver(list => done(list.getEntries()[0].startTime))
                      .observe({type: 'paint', buffered: true});
                })""")
                if run > 0:
                    paints.append(paint)
                context.close()
        finally:
            browser.close()
    return statistics.median(paints)


def render_times(server, runs: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Median milliseconds to a painted, enhanced page of 200 comments, server- and client-drawn."""
    from playwright.sync_api import sync_playwright

    url = f"http://127.0.0.1:{server.server_port}/embed/thread?uri={URI}&limit=100"
    ready, paint, client_drawn, api_calls = [], [], [], 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            for _ in range(runs + 1):  # the first run warms caches and is not counted
                context = browser.new_context(viewport={"width": 800, "height": 900})
                page = context.new_page()
                calls: list[str] = []
                page.on("request", lambda r, calls=calls: "/api/" in r.url and calls.append(r.url))
                page.goto(url)
                page.wait_for_selector("html[data-ready]", state="attached")
                shown = page.eval_on_selector_all(".c-item", "items => items.length")
                assert shown == 200, shown
                timing = page.evaluate("""() => {
                    const nav = performance.getEntriesByType('navigation')[0];
                    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
                    const mark = performance.getEntriesByName('comments-ready')[0];
                    return {ready: mark.startTime, paint: fcp ? fcp.startTime : nav.domContentLoadedEventEnd};
                }""")
                started = time.perf_counter()
                page.select_option("#c-sort", "newest")
                page.wait_for_selector("#c-list > .c-item:first-child[id='comment-199']", state="attached")
                elapsed = (time.perf_counter() - started) * 1000
                if _ > 0:
                    ready.append(timing["ready"])
                    paint.append(timing["paint"])
                    client_drawn.append(elapsed)
                    api_calls += len([c for c in calls if "sort=newest" not in c])
                context.close()
        finally:
            browser.close()
    return {"first paint": statistics.median(paint), "enhanced (script ready)": statistics.median(ready),
            "re-sort via API, 200 drawn by script": statistics.median(client_drawn),
            "API calls before the sort": api_calls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files, loader, frame, one_page = sizes()
    print("Gzipped sizes as served, minified (bytes):")
    for name, size in files.items():
        print(f"  {name:12} {size:6}")
    print(f"Loader: {loader} B (budget {LOADER_BUDGET}) {'OK' if loader <= LOADER_BUDGET else 'OVER'}")
    print(f"Iframe script + styles + all languages: {frame} B (budget {FRAME_BUDGET}) "
          f"{'OK' if frame <= FRAME_BUDGET else 'OVER'}")
    print(f"What one reader's iframe loads (script + styles + its language): {one_page} B")
    with tempfile.TemporaryDirectory() as folder:
        server = seeded_server(Path(folder))
        try:
            times = render_times(server, args.runs)
            hundred_paint = first_paint_of_hundred(server, args.runs)
            page_sizes = server.app.config["PAGE_SIZES"]
        finally:
            server.shutdown()
            server.server_close()
    print(f"200 comments (100 top-level + 100 replies) in Chromium, median of {args.runs}:")
    for name, value in times.items():
        print(f"  {name}: {value:.0f}" + ("" if name.startswith("API") else " ms"))
    page_ok = page_sizes["raw"] <= PAGE_RAW_BUDGET and page_sizes["gzip"] <= PAGE_GZIP_BUDGET
    print(f"The iframe page of 100 short comments: {page_sizes['raw']} B raw (goal <= "
          f"{PAGE_RAW_BUDGET}), {page_sizes['gzip']} B gzip (goal <= {PAGE_GZIP_BUDGET}), "
          f"{page_sizes['br']} B br, as the service sends them {'OK' if page_ok else 'OVER'}")
    print(f"  its first contentful paint in Chromium: {hundred_paint:.0f} ms, median of "
          f"{args.runs} (goal <= {PAINT_BUDGET_MS} ms)")
    return 0 if loader <= LOADER_BUDGET and frame <= FRAME_BUDGET and page_ok else 1


if __name__ == "__main__":
    sys.exit(main())
