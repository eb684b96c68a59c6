"""The public URL in real processes: `demo` sets it to its port; `serve` and `worker` say when unset."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

from tests.support.live import free_port, free_port_pair
from tests.support.mailing import COMMENTS


def _call(port: int, method: str, path: str, body: object = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - our own server
        return answer.status, json.loads(answer.read() or b"{}")


def _wait(condition, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "comments demo exited"
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_the_demo_mails_links_to_the_port_it_serves(tmp_path: Path):
    port = free_port_pair()  # the demo serves the article on P and its thread on P + 1
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COMMENTS_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(COMMENTS_INSTANCE_PATH=str(tmp_path / "instance"),
               COMMENTS_MAIL_IDLE_SECONDS="0.3")
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen([COMMENTS, "demo", "--port", str(port), "--workers", "1"],
                               env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        _wait(lambda: _call(port, "GET", "/readyz")[0] == 200, 60, process)
        status, share = _call(port, "POST", "/api/v1/shares/links",
                              {"uri": "/2026/11/28/night-ferry-returns/"})
        assert share["url"].startswith(f"http://127.0.0.1:{port}/s/")
        _call(port, "POST", "/api/v1/comments", {
            "uri": "/2026/11/28/night-ferry-returns/", "text": "Tell me of replies.",
            "author": "Ann", "email": "ann@example.org", "notify_replies": True})
        folder = tmp_path / "instance" / "mail"
        _wait(lambda: any(folder.glob("*.eml")), 30, process)
        [path] = list(folder.glob("*.eml"))
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert mail["List-Unsubscribe"].startswith(f"<http://127.0.0.1:{port}/mail/unsubscribe/")
        text = mail.get_body(("plain",)).get_content()
        assert f"http://127.0.0.1:{port}/mail/confirm/" in text
        assert "127.0.0.1:5000" not in str(mail) or port == 5000
        assert _call(port, "GET", "/readyz")[1]["mail"] is True
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


def _bare_env(tmp_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COMMENTS_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    env["COMMENTS_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def test_serve_without_a_public_url_says_why_in_its_log_and_at_readyz(tmp_path: Path):
    port = free_port()
    env = _bare_env(tmp_path)
    subprocess.run([COMMENTS, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=120)
    log_path = tmp_path / "serve.log"
    log = log_path.open("w")
    process = subprocess.Popen([COMMENTS, "serve", "--workers", "1", "--bind",
                                f"127.0.0.1:{port}"], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait(lambda: _call(port, "GET", "/readyz")[0] == 200, 60, process)
        ready = _call(port, "GET", "/readyz")[1]
        assert ready["mail"] is False
        assert "COMMENTS_PUBLIC_URL is not set" in ready["mail_problems"][0]
        _wait(lambda: "COMMENTS_PUBLIC_URL is not set" in log_path.read_text(), 10, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()


def test_a_worker_without_a_public_url_refuses_to_start_and_says_why(tmp_path: Path):
    env = _bare_env(tmp_path)
    subprocess.run([COMMENTS, "db", "upgrade"], env=env, check=True, capture_output=True,
                   timeout=120)
    worker = subprocess.run([COMMENTS, "worker"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert worker.returncode != 0
    assert "COMMENTS_PUBLIC_URL is not set" in worker.stdout + worker.stderr
