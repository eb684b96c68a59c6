"""Mail budgets: one worker's delivery rate to a local SMTP server (goal >= 200 mails/s, issue 16), and
share requests never waiting on SMTP (measured while the SMTP server accepts connections but
never answers).

    .venv/bin/python bench/mail_worker.py [--messages 2000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import logging
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.smtp import free_port  # noqa: E402


class SinkServer:
    """aiosmtpd in its own process (as a real relay would be), discarding what it accepts."""

    def __init__(self) -> None:
        import subprocess

        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.port}",
             "-c", "aiosmtpd.handlers.Sink"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def build_app(backend: str, folder: Path, smtp_url: str):  # type: ignore[no-untyped-def]
    from bench.databases import SECRET, fresh_database
    from comments import create_app
    from comments.services.sites import update_site

    url = fresh_database(backend, "comments_bench_mail", folder)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False,
                      "SMTP_URL": smtp_url, "PUBLIC_URL": "https://comments.news.example"})
    with app.app_context():
        update_site("default", settings={
            "share_by_email": True, "share_limit_per_client": 10**6,
            "share_limit_per_sender": 10**6, "share_limit_per_recipient": 10**6,
            "share_limit_per_site": 10**6})
    return app


def delivery_rate(app, messages: int) -> float:  # type: ignore[no-untyped-def]
    from comments.database.engine import write_transaction
    from comments.services.mail.outbox import queue_mail
    from comments.services.mail.worker import run_worker
    from comments.services.sites import get_site

    context = {"thread_id": 1, "title": "A story", "article_url": "https://news.example/a/",
               "link": "https://comments.news.example/s/x", "from_name": "Ann", "note": "Hi"}
    with app.app_context(), write_transaction():
        site = get_site("default")
        for n in range(messages):
            queue_mail(site=site, recipient=f"r{n}@example.org", template="share",
                       context=context, kind="share")
    started = time.perf_counter()
    with app.app_context():
        tally = run_worker(once=True)
    elapsed = time.perf_counter() - started
    assert tally.sent == messages, tally
    return messages / elapsed


def share_latency(app, requests: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from comments.services import tokens

    client = app.test_client()
    timings = []
    for n in range(requests):
        with app.test_request_context():
            # A form shown a minute ago; each token is spent once, as the embed's are.
            token = tokens.sign("form", {"t": int(time.time()) - 60, "j": secrets.token_hex(12)})
        started = time.perf_counter()
        response = client.post("/api/v1/shares", json={
            "uri": "/a/", "to": f"f{n}@example.org", "from_name": "Ann", "form_token": token})
        timings.append(time.perf_counter() - started)
        assert response.status_code == 202, response.json
    timings.sort()
    return statistics.median(timings) * 1000, timings[int(len(timings) * 0.95)] * 1000


def blackhole() -> tuple[socket.socket, int]:
    """A listener that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(100)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    server = SinkServer()
    try:
        for backend in args.backends.split(","):
            with tempfile.TemporaryDirectory() as folder:
                app = build_app(backend, Path(folder), server.url)
                rate = delivery_rate(app, args.messages)
                print(f"{backend}: one worker sends {rate:.0f} mails/s "
                      f"({args.messages} to aiosmtpd on loopback; goal >= 200)")
                listener, port = blackhole()
                app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
                p50, p95 = share_latency(app, args.requests)
                print(f"{backend}: POST /api/v1/shares while SMTP hangs: "
                      f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")
                listener.close()
                with app.app_context():
                    from comments.extensions import db

                    db.engine.dispose()
            if backend == "postgresql":
                from bench.databases import drop_postgres

                drop_postgres("comments_bench_mail")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
