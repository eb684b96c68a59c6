"""Benchmark plumbing: gunicorn processes on loopback, wrk runs, and plain HTTP calls."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_wrk() -> str:
    """The wrk binary, or a clear message on how to get it."""
    found = shutil.which("wrk")
    if not found:
        sys.exit("bench needs wrk: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`.")
    return found


class Gunicorn:
    """A gunicorn serving `app` with the settings every benchmarked service shares."""

    def __init__(self, app: str, env: dict[str, str] | None = None, *,
                 gunicorn: str | None = None, workers: int = WORKERS, cwd: Path = ROOT,
                 probe: str = "/"):
        self.port = free_port()
        self.probe = probe
        self.log = open(BENCH / "results" / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115
        command = [gunicorn or str(VENV_BIN / "gunicorn"), "--workers", str(workers),
                   "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
                   "--log-level", "warning", "--timeout", "60", app]
        self.process = subprocess.Popen(command, env={**os.environ, **(env or {})}, cwd=cwd,
                                        stdout=self.log, stderr=subprocess.STDOUT)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, seconds: float = 30) -> Gunicorn:
        """Block until the server answers its probe path."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                status, _, _ = request(self.url, "GET", self.probe)
                if status < 500:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in {seconds} s; see {self.log.name}")

    def stop(self) -> None:
        """Stop gracefully, then for sure."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> Gunicorn:
        return self.wait()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def request(base: str, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request on a fresh connection (gunicorn's sync workers close after each)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers={**sent, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data
    finally:
        conn.close()


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests_per_second: float
    latency_p50_ms: float
    latency_p99_ms: float
    non_2xx: int
    errors: int

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def _millis(text: str) -> float:
    """wrk's `1.23ms`, `456.00us`, `2.01s`, `1.50m` in milliseconds (nan if it printed none)."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not found:
        return float("nan")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}[unit]


def wrk(url: str, *, seconds: int, connections: int = 8, headers: dict[str, str] | None = None,
        script: Path | None = None) -> WrkResult:
    """Run wrk with one thread against `url` and parse its summary."""
    # A generous timeout: a slow peer's answers must count as slow, not as errors.
    command = [require_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "20s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50_text = re.search(r"50%\s+(\S+)", output)
    p99_text = re.search(r"99%\s+(\S+)", output)
    p50 = _millis(p50_text.group(1)) if p50_text else float("nan")
    p99 = _millis(p99_text.group(1)) if p99_text else float("nan")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(rps, round(p50, 2), round(p99, 2), int(non_2xx.group(1)) if non_2xx else 0,
                     sum(int(n) for n in errors.groups()) if errors else 0)


def post_script(body: str, folder: Path) -> Path:
    """A wrk Lua script that POSTs `body` as JSON."""
    script = folder / f"post-{abs(hash(body))}.lua"
    quoted = body.replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        'wrk.method = "POST"\n'
        f'wrk.body = "{quoted}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def percentile(samples: list[float], fraction: float) -> float:
    """The sample at `fraction` of the sorted list (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]
