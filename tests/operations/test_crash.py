"""SIGKILL while forty clients post: every answered comment survives, nothing half-written does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.support.app import sql
from tests.support.live import free_port

CLIENTS = 40



def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "comments:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError("server did not start")


@pytest.mark.slow
def test_comments_answered_before_a_sigkill_are_all_there_after_restart(app, database_url, tmp_path):
    env = {**os.environ, "COMMENTS_DATABASE_URL": database_url, "COMMENTS_SECRET_KEY": "crash",
           "COMMENTS_RATELIMIT_ENABLED": "false", "COMMENTS_INSTANCE_PATH": str(tmp_path / "i")}
    port = free_port()
    server = _serve(env, port)
    answered: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def client_loop(n: int) -> None:
        with httpx.Client(timeout=5) as http:
            i = 0
            while not stop.is_set():
                text = f"client {n} comment {i}"
                i += 1
                try:
                    response = http.post(f"http://127.0.0.1:{port}/api/v1/comments",
                                         json={"uri": f"/t{n % 5}/", "text": text})
                except httpx.HTTPError:
                    continue
                if response.status_code in (201, 202):
                    with lock:
                        answered[text] = response.json()["id"]

    try:
        _wait_ready(port)
        threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 20
        while len(answered) < 150 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
        stop.set()
        for thread in threads:
            thread.join(10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)

    assert len(answered) >= 100
    restarted = _serve(env, port)
    try:
        _wait_ready(port)
        counts = httpx.get(f"http://127.0.0.1:{port}/api/v1/counts",
                           params={"uri": [f"/t{n}/" for n in range(5)]}).json()["counts"]
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(20)

    stored = {text: cid for cid, text in sql(app, "SELECT id, text FROM comments")}
    missing = {text for text in answered if stored.get(text) != answered[text]}
    assert not missing, sorted(missing)[:5]
    # Nothing half-written: every thread's count equals its approved comments.
    for uri, count in counts.items():
        actual = sql(app, "SELECT count(*) FROM comments c JOIN threads t ON t.id = c.thread_id "
                          "WHERE t.uri = :u AND c.status = 'approved'", u=uri)[0][0]
        assert count == actual, uri
