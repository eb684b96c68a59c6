"""Issue 14, item 1: a returning reader sees the thread at once. The real `comments demo` (its
own server layout: gunicorn on two loopback ports of one site) and a Chromium profile that comes
back three times; each visit must show the thread within 5 seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live import CHROMIUM, CHROMIUM_ARGS, free_port_pair

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COMMENTS = str(Path(sys.executable).parent / "comments")
VISITS = 3
WITHIN_SECONDS = 5.0


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[str]:
    """`comments demo` as a reader's machine runs it, on a fresh instance; its article's URL."""
    port = free_port_pair()
    env = {**os.environ, "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance")}
    for name in ("COMMENTS_DATABASE_URL", "COMMENTS_CONFIG", "COMMENTS_DEMO_EMBED_ORIGIN"):
        env.pop(name, None)
    log = (tmp_path / "demo.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own command
        [COMMENTS, "demo", "--port", str(port)], env=env, cwd=tmp_path,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "demo.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port + 1}/readyz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "demo.log").read_text()
            time.sleep(0.3)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _visit(chromium: Any, profile: Path, url: str) -> float:
    """Open the article in the profile, scroll to the comments; seconds until the thread shows."""
    context = chromium.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900}, timeout=30_000)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        started = time.monotonic()
        page.goto(url, timeout=30_000)
        page.locator("#comments").scroll_into_view_if_needed()
        frame = page.wait_for_selector("#comments iframe", timeout=30_000).content_frame()
        frame.wait_for_selector("#c-count", timeout=30_000)
        frame.wait_for_selector("html[data-ready]", state="attached", timeout=30_000)
        return time.monotonic() - started
    finally:
        context.close()


def test_a_returning_reader_sees_the_thread_within_five_seconds_each_visit(demo, chromium, tmp_path):
    profile = tmp_path / "profile"
    times = [_visit(chromium, profile, demo) for _ in range(VISITS)]
    print("seconds to the thread, per visit:", [round(t, 2) for t in times])
    assert all(t < WITHIN_SECONDS for t in times), times
