"""Workers as they run in production: in parallel, killed, stopped, and under random faults."""

from __future__ import annotations

import signal
import threading
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy.exc import OperationalError

from tests.support.app import sql
from tests.support.mailing import outbox, queue, run_once, start_worker, wait_for


@pytest.fixture
def config(config, smtp_server):
    config.update(SMTP_URL=smtp_server.url, MAIL_RETRY_BASE_SECONDS=0, SMTP_TIMEOUT=2,
                  MAIL_BATCH_SIZE=10)
    return config


def test_parallel_workers_never_send_a_message_twice(app, smtp_server):
    queued = queue(app, count=120)
    tallies = []

    def work(n: int) -> None:
        from comments.services.mail.worker import run_worker

        with app.app_context():
            tallies.append(run_worker(once=True, worker=f"worker-{n}"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    delivered = smtp_server.mailbox.message_ids
    assert sorted(delivered) == sorted(queued)  # every one, and none twice
    assert sum(t.sent for t in tallies) == 120
    assert {row[1] for row in outbox(app)} == {"sent"}


def test_one_worker_sends_a_batch_over_several_connections_each_mail_once(app, smtp_server):
    smtp_server.mailbox.delay = 0.05  # a relay that takes its time: the connections overlap
    app.config["MAIL_CONNECTIONS"] = 4
    # Mail to one address stays on one connection, in order; forty readers spread out.
    queued = [mid for n in range(40) for mid in queue(app, recipient=f"reader{n}@example.org")]
    tally = run_once(app)
    assert tally.sent == 40
    assert sorted(smtp_server.mailbox.message_ids) == sorted(queued)
    assert {row[1] for row in outbox(app)} == {"sent"}
    assert smtp_server.mailbox.peak_in_data > 1  # the relay was answering several at once


@pytest.mark.parametrize("connections", [1, 4])
def test_a_killed_worker_loses_nothing_and_resends_at_most_the_ones_in_flight(
        app, smtp_server, database_url, tmp_path, connections):
    smtp_server.mailbox.delay = 0.05
    queued = queue(app, count=40)
    # A lease of 6 s leaves 2 s of sending per batch after the 2 x 2 s safety margin.
    first = start_worker(database_url, smtp_server.url, tmp_path, MAIL_BATCH_SIZE="8",
                         MAIL_LEASE_SECONDS="6", MAIL_CONNECTIONS=str(connections))
    try:
        wait_for(lambda: len(smtp_server.mailbox.messages) >= 10)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    second = start_worker(database_url, smtp_server.url, tmp_path,
                          MAIL_BATCH_SIZE="8", MAIL_LEASE_SECONDS="6")
    try:
        wait_for(lambda: all(row[1] == "sent" for row in outbox(app)), timeout=60)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
    delivered = Counter(smtp_server.mailbox.message_ids)
    assert set(delivered) == set(queued)
    attempts = {row[4]: row[2] for row in outbox(app)}
    # A send that timed out after the server took it is sent again by SMTP's nature (the
    # row then shows the extra attempt); apart from those, only the ones in flight at the
    # kill (one per connection) may arrive twice, and always under their own Message-ID.
    twice = [mid for mid, n in delivered.items() if n > 1 and attempts[mid] == 1]
    assert len(twice) <= connections and all(delivered[mid] == 2 for mid in twice)


def test_sigterm_stops_a_worker_cleanly_and_hands_back_its_claims(
        app, smtp_server, database_url, tmp_path):
    smtp_server.mailbox.delay = 0.3
    queued = queue(app, count=10)
    worker = start_worker(database_url, smtp_server.url, tmp_path, MAIL_BATCH_SIZE="10")
    wait_for(lambda: len(smtp_server.mailbox.messages) >= 1)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=10)
    assert worker.returncode == 0, output
    assert "worker stopped" in output
    sent_before = len(smtp_server.mailbox.messages)
    assert sent_before < 10
    rows = sql(app, "SELECT status, claimed_by FROM outbox WHERE status = 'pending'")
    assert rows and all(claimed is None for _status, claimed in rows)  # nobody has to wait
    run_once(app)
    assert sorted(smtp_server.mailbox.message_ids) == sorted(queued)


def test_worker_once_sends_what_is_due_and_exits(app, smtp_server, database_url, tmp_path):
    queue(app, count=3)
    worker = start_worker(database_url, smtp_server.url, tmp_path, "--once")
    output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0 and "3 sent" in output
    assert len(smtp_server.mailbox.messages) == 3


def test_the_outbox_under_random_faults_loses_nothing_and_sends_nothing_twice(app,
                                                                            smtp_server):
    mailbox = smtp_server.mailbox

    class OutboxMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            sql(app, "DELETE FROM outbox")
            sql(app, "DELETE FROM suppressions")
            with mailbox.lock:
                mailbox.messages.clear()
                mailbox.envelopes.clear()
                mailbox.script.clear()
            self.queued: set[str] = set()

        @rule(count=st.integers(1, 3), who=st.sampled_from(["a", "b", "c"]))
        def queue_mail(self, count: int, who: str) -> None:
            self.queued.update(queue(app, recipient=f"{who}@example.org", count=count))

        @rule(answers=st.lists(st.sampled_from(
            ["ok", "451 4.3.0 busy", "421 4.3.2 bye", "550 5.1.1 unknown", "drop"]),
            min_size=1, max_size=4))
        def server_misbehaves(self, answers: list[str]) -> None:
            with mailbox.lock:
                mailbox.script.extend(answers)

        @rule()
        def worker_pass(self) -> None:
            run_once(app)

        @invariant()
        def nothing_sent_twice_and_sent_means_delivered(self) -> None:
            delivered = Counter(mailbox.message_ids)
            assert all(n == 1 for n in delivered.values())
            assert set(delivered) <= self.queued
            sent = {row[4] for row in outbox(app) if row[1] == "sent"}
            assert sent == set(delivered)

        def teardown(self) -> None:
            with mailbox.lock:
                mailbox.script.clear()
            for _ in range(3):
                run_once(app)
            rows = outbox(app)
            assert {row[4] for row in rows} == self.queued  # nothing lost
            assert all(row[1] in ("sent", "failed", "suppressed") for row in rows)
            assert sorted(mailbox.message_ids) == sorted(r[4] for r in rows if r[1] == "sent")

    run_state_machine_as_test(OutboxMachine, settings=settings(
        max_examples=8, stateful_step_count=12, deadline=None,
        suppress_health_check=list(HealthCheck)))


def test_a_running_worker_rides_out_a_database_outage(app, smtp_server, backend, database_url):
    from comments.extensions import db
    from comments.services.mail.worker import run_worker

    app.config.update(MAIL_IDLE_SECONDS=0.05, DATABASE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        db.engine.dispose()  # new connections take the short busy timeout
    stop = threading.Event()
    failures: list[BaseException] = []
    tallies = []

    def work() -> None:
        try:
            with app.app_context():
                tallies.append(run_worker(stop, worker="steady"))
        except BaseException as error:  # noqa: BLE001 - the test reports it
            failures.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    try:
        queue(app)
        wait_for(lambda: len(smtp_server.mailbox.messages) == 1)
        if backend == "sqlite":
            import sqlite3

            blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"),
                                      isolation_level=None)
            blocker.execute("BEGIN EXCLUSIVE")  # the worker's claims now fail fast
            time.sleep(0.6)
            blocker.execute("ROLLBACK")
            blocker.close()
        else:
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        try:
            queue(app)
        except OperationalError:
            # PostgreSQL, no ping before use: the first statement on a dropped connection
            # fails and SQLAlchemy renews the pool (a web request would answer 503 once).
            queue(app)
        wait_for(lambda: len(smtp_server.mailbox.messages) == 2, timeout=20)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert failures == [] and not thread.is_alive()
    if backend == "sqlite":  # PostgreSQL's pool reconnects before the worker notices
        assert tallies[0].outages >= 1
