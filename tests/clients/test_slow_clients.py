"""Slow and idle connections do not starve `comments serve` (issue 13, finding 8): real sockets
that send nothing, or trickle a request byte by byte, against a real server process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.clients.servers import Served, call

pytestmark = pytest.mark.slow

HEAD = (b"POST /api/v1/comments HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 40\r\n")


class Crowd:
    """Idle sockets (connected, silent: a browser's speculative connections) and slow ones
    (a request trickled one byte at a time), kept up until `close()`."""

    def __init__(self, port: int, idle: int, slow: int, gap: float = 0.3):
        self.sockets: list[socket.socket] = []
        self.stopping = threading.Event()
        for _ in range(idle):
            self.sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        self.threads = []
        for _ in range(slow):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            self.sockets.append(sock)
            thread = threading.Thread(target=self._trickle, args=(sock, gap), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _trickle(self, sock: socket.socket, gap: float) -> None:
        message = HEAD * 50  # far longer than any deadline lets it get
        for byte in message:
            if self.stopping.wait(gap):
                return
            try:
                sock.send(bytes([byte]))
            except OSError:
                return  # the server gave up on us: that is the point

    def close(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(5)
        for sock in self.sockets:
            sock.close()


def _served_in(server: Served) -> float:
    started = time.monotonic()
    status, _ = call(server.port, "GET", "/healthz", timeout=60)
    assert status == 200
    return time.monotonic() - started


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    server = Served(database_url, tmp_path, "--read-timeout", "3").wait_ready()
    yield server
    server.stop()


def test_a_handful_of_idle_and_slow_sockets_do_not_delay_answers(served):
    crowd = Crowd(served.port, idle=12, slow=6)
    try:
        time.sleep(1.0)  # every slow socket is well into its request
        waits = [_served_in(served) for _ in range(5)]
    finally:
        crowd.close()
    assert max(waits) < 1.5, waits


def test_more_slow_sockets_than_threads_wait_no_longer_than_the_read_timeout(database_url,
                                                                             tmp_path):
    server = Served(database_url, tmp_path, "--threads", "4", "--read-timeout", "3").wait_ready()
    crowd = Crowd(server.port, idle=8, slow=12)
    try:
        time.sleep(0.5)
        waits = [_served_in(server) for _ in range(3)]
        alive = [t for t in crowd.threads if t.is_alive()]
    finally:
        crowd.close()
        log = server.output()
        server.stop()
    # The slow sockets are cut at 3 s after their first byte; a normal request gets a thread then.
    assert max(waits) < 3 + 2, waits
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log
    assert len(alive) < 12 or max(waits) < 5


def test_the_demo_answers_beside_a_browsers_idle_connections(tmp_path):
    """A returning visitor's browser opens speculative connections and sends nothing on them;
    the demo (one process, threads) must still show the thread at once, not after 30 s."""
    import os
    import signal
    import subprocess

    from tests.clients.servers import COMMENTS
    from tests.support.live import free_port

    port = free_port()
    env = {**os.environ, "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance")}
    for name in ("COMMENTS_DATABASE_URL", "COMMENTS_WORKERS", "COMMENTS_RATELIMIT_STORAGE_URI"):
        env.pop(name, None)
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen([COMMENTS, "demo", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    crowd = None
    try:
        deadline = time.monotonic() + 60
        while True:
            assert demo.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                if call(port, "GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "the demo never answered"
            time.sleep(0.2)
        crowd = Crowd(port, idle=24, slow=0)
        started = time.monotonic()
        status, body = call(port, "GET", "/embed/thread?uri=/&site=default", timeout=60)
        waited = time.monotonic() - started
    finally:
        if crowd is not None:
            crowd.close()
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
        log.close()
    assert status == 200, body[:300]
    assert waited < 2, waited
