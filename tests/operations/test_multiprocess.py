"""Several real app processes, one truth: gunicorn with four workers on PostgreSQL and Redis."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.support.app import SECRET, backends, migrated_postgres_database
from tests.support.live import free_port
from tests.support.mailing import queue, start_worker, wait_for

# One xdist worker runs the whole module, so the four-process cluster boots once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("multiprocess")]

COMMENTS = str(Path(sys.executable).parent / "comments")
REDIS = os.environ.get("COMMENTS_TEST_REDIS", "redis://127.0.0.1:6379/0")



def _call(port: int, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, body=payload,
                     headers={"Content-Type": "application/json"} if payload else {})
        response = conn.getresponse()
        raw = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, json.loads(raw) if raw.startswith(b"{") else raw
    finally:
        conn.close()


class Cluster:
    """`comments serve -w 4` on a loopback port, stopped by the test."""

    def __init__(self, database_url: str, tmp: Path):
        self.database_url = database_url
        self.port = free_port()
        self.metrics_dir = tmp / "metrics"
        env = {
            **os.environ,
            "COMMENTS_DATABASE_URL": database_url,
            "COMMENTS_SECRET_KEY": SECRET,
            "COMMENTS_INSTANCE_PATH": str(tmp / "instance"),
            "COMMENTS_RATELIMIT_STORAGE_URI": REDIS,
            # Our own keys in the shared Redis: never another test's, never FLUSHALL.
            "COMMENTS_RATELIMIT_KEY_PREFIX": f"mp-test-{uuid.uuid4().hex}",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
        }
        self.log = (tmp / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [COMMENTS, "serve", "--workers", "4", "--bind", f"127.0.0.1:{self.port}",
             "--no-access-log"],
            env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            try:
                if _call(self.port, "GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("the cluster never became ready")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def processes_that_served(self) -> int:
        """Workers that answered at least one request (each keeps its own metrics file)."""
        return len({path.name.rsplit("_", 1)[-1] for path in self.metrics_dir.glob("counter_*.db")})


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Four app processes on a clean PostgreSQL database with two sites (one per module:
    booting four workers is the slow part; the tests use separate sites and threads)."""
    if "postgresql" not in backends():
        pytest.skip("runs on PostgreSQL only (COMMENTS_TEST_DATABASES excludes it)")
    # A database of its own: other tests in this worker truncate the shared one between tests.
    database = migrated_postgres_database(tmp_path_factory.mktemp("cluster-db"))
    url = database.__enter__()
    request.addfinalizer(lambda: database.__exit__(None, None, None))
    from comments import create_app
    from comments.extensions import db
    from comments.services.sites import create_site

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    with app.app_context():
        # Their hosts cannot be fetched from here: readers name their articles ("open").
        create_site("default", "https://news.example", settings={"article_facts": "open"})
        create_site("busy", "https://busy.example",
                    settings={"post_limit": "10000 per minute", "min_submit_seconds": 0,
                              "article_facts": "open", "new_threads_per_network": 100_000})
        db.session.remove()
        db.engine.dispose()
    running = Cluster(url, tmp_path_factory.mktemp("cluster"))
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def test_rate_limits_hold_across_processes(cluster):
    # The default site allows 5 posts a minute per client. Twelve posts go at once, each on its
    # own connection, so several of the four workers take some. A fast worker may still take a
    # whole wave (429s are quick), so waves go on until at least two workers have answered.
    def attempt(n: int) -> Any:
        return _call(cluster.port, "POST", "/api/v1/comments",
                     {"uri": "/limits/", "text": f"Attempt number {n}, all different."})

    answers: list[Any] = []
    with ThreadPoolExecutor(max_workers=12) as pool:
        for wave in range(8):
            answers += pool.map(attempt, range(wave * 12, wave * 12 + 12))
            if cluster.processes_that_served() >= 2:
                break

    statuses = [status for status, _, _ in answers]
    assert statuses.count(201) == 5, statuses
    assert statuses.count(429) == len(statuses) - 5, statuses
    assert all(headers.get("retry-after") for status, headers, _ in answers if status == 429)
    assert cluster.processes_that_served() >= 2


def test_counts_stay_exact_under_concurrent_posting(cluster):
    def post(n: int) -> int:
        parent = None
        if n % 3 and ids:
            parent = ids[n % len(ids)]
        status, _, body = _call(cluster.port, "POST", "/api/v1/comments", {
            "site": "busy", "uri": "/breaking/", "text": f"Reaction {n} to the news.",
            "parent_id": parent,
        })
        assert status == 201, body
        ids.append(body["id"])
        return status

    ids: list[int] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(post, range(80)))

    assert statuses.count(201) == 80
    status, _, counts = _call(cluster.port, "GET", "/api/v1/counts?site=busy&uri=/breaking/")
    assert status == 200
    assert counts["counts"]["/breaking/"] == 80
    seen, after = 0, None
    while True:
        path = "/api/v1/comments?site=busy&uri=/breaking/&limit=100"
        status, _, page = _call(cluster.port, "GET", path + (f"&after={after}" if after else ""))
        assert status == 200
        assert page["thread"]["count"] == 80
        stack = list(page["comments"])
        while stack:
            node = stack.pop()
            seen += 1
            stack.extend(node["replies"])
        after = page["next"]
        if not after:
            break
    assert seen == 80
    assert cluster.processes_that_served() >= 2


def test_two_mail_workers_beside_the_cluster_send_each_message_once(cluster, smtp_server, tmp_path):
    from comments import create_app
    from comments.extensions import db

    app = create_app({"DATABASE_URL": cluster.database_url, "SECRET_KEY": SECRET})
    queued = queue(app, count=60)
    with app.app_context():
        db.engine.dispose()
    smtp_server.mailbox.delay = 0.03  # slow enough that both workers are at it together
    # A realistic SMTP timeout: with start_worker's 1 s, a loaded machine times out after the
    # server took a message, and the retry (rightly) sends it again under the same Message-ID.
    workers = [start_worker(cluster.database_url, smtp_server.url, tmp_path / f"w{n}",
                            MAIL_BATCH_SIZE="5", SMTP_TIMEOUT="20") for n in range(2)]
    try:
        wait_for(lambda: len(set(smtp_server.mailbox.message_ids)) >= 60, timeout=90)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=20)[0] for worker in workers]

    delivered = Counter(smtp_server.mailbox.message_ids)
    assert sorted(delivered) == sorted(queued), outputs
    assert max(delivered.values()) == 1, outputs
    sent = [int(re.search(r"(\d+) sent", output).group(1)) for output in outputs]
    assert sum(sent) == 60
    assert min(sent) > 0, outputs  # both took their share
