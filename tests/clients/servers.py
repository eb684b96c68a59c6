"""`comments serve` as a real process on a loopback port, for the layout and slow-client tests."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from tests.support.app import SECRET
from tests.support.live import free_port

COMMENTS = str(Path(sys.executable).parent / "comments")
REDIS = os.environ.get("COMMENTS_TEST_REDIS", "redis://127.0.0.1:6379/0")


class Served:
    """`comments serve ARGS` with the test's database, stopped by `stop()`."""

    def __init__(self, database_url: str, tmp: Path, *args: str, **env: str):
        self.port = free_port()
        self.log_path = tmp / f"serve-{self.port}.log"
        self.log = self.log_path.open("w")
        environment = {
            **os.environ,
            "COMMENTS_DATABASE_URL": database_url,
            "COMMENTS_SECRET_KEY": SECRET,
            "COMMENTS_INSTANCE_PATH": str(tmp / "instance"),
            "COMMENTS_RATELIMIT_KEY_PREFIX": f"serve-{uuid.uuid4().hex}",
            "COMMENTS_ARGON2_TIME_COST": "1",
            "COMMENTS_ARGON2_MEMORY_KIB": "1024",
            "PROMETHEUS_MULTIPROC_DIR": str(tmp / f"metrics-{self.port}"),
            **env,
        }
        environment.pop("COMMENTS_WORKERS", None)
        self.process = subprocess.Popen(
            [COMMENTS, "serve", "--bind", f"127.0.0.1:{self.port}", "--no-access-log", *args],
            env=environment, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 30) -> Served:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited: {self.output()}")
            try:
                if call(self.port, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"serve never became ready: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def call(port: int, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 20) -> tuple[int, bytes]:
    """One request on its own connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def post_json(port: int, path: str, body: Any) -> int:
    import json

    return call(port, "POST", path, json.dumps(body).encode(),
                {"Content-Type": "application/json"})[0]
