"""Webhook workers as they run: an outage then recovery, a worker killed mid-batch, throughput."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.support.app import SECRET, sql
from tests.support.mailing import COMMENTS, wait_for


def start_deliverer(database_url, tmp_path, **settings):
    """`comments webhooks deliver` in its own process, with short timeouts and retries."""
    env = {**os.environ, "COMMENTS_DATABASE_URL": database_url, "COMMENTS_SECRET_KEY": SECRET,
           "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance"),
           "COMMENTS_WEBHOOKS_ALLOW_PRIVATE": "true", "COMMENTS_MAIL_IDLE_SECONDS": "0.2",
           "COMMENTS_WEBHOOKS_TIMEOUT": "1", "COMMENTS_WEBHOOKS_CONNECT_TIMEOUT": "1",
           "COMMENTS_MAIL_RETRY_BASE_SECONDS": "0.2", "COMMENTS_MAIL_RETRY_MAX_SECONDS": "0.4"}
    env.update({f"COMMENTS_{key}": value for key, value in settings.items()})
    return subprocess.Popen([COMMENTS, "webhooks", "deliver"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def queue_comments(app, post, receiver, count):
    from comments.extensions import db
    from comments.services.webhooks.endpoints import add_endpoint

    app.config["WEBHOOKS_ALLOW_PRIVATE"] = True
    with app.app_context():
        made = add_endpoint("default", receiver.url(), ["comment.created"])
        receiver.secrets.append(made.secret)
        db.session.remove()
    for n in range(count):
        assert post(text=f"comment number {n}").status_code == 201
    return {row[0] for row in sql(app, "SELECT message_id FROM webhook_deliveries")}


@pytest.mark.slow
def test_outage_then_recovery_with_a_worker_killed_mid_batch_loses_nothing(
        app, post, webhook_receiver, database_url, tmp_path):
    queued = queue_comments(app, post, webhook_receiver, 30)
    assert len(queued) == 30
    webhook_receiver.answer(503)  # the receiver is down
    first = start_deliverer(database_url, tmp_path, WEBHOOKS_BATCH_SIZE="8",
                            MAIL_LEASE_SECONDS="6")
    try:
        wait_for(lambda: len(webhook_receiver.received) >= 12)
        webhook_receiver.answer(200, delay=0.1)  # back, and slow
        wait_for(lambda: len(webhook_receiver.ids()) >= 5)
    finally:
        first.send_signal(signal.SIGKILL)  # mid-batch: its claims are simply left behind
        first.wait(timeout=10)
    assert len(set(webhook_receiver.ids())) < 30
    second = start_deliverer(database_url, tmp_path, WEBHOOKS_BATCH_SIZE="8",
                             MAIL_LEASE_SECONDS="6")
    delivered = "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'"
    try:
        # Every event reached the receiver (the killed worker may have sent one it never
        # recorded), and every delivery is recorded: the second worker takes over the killed
        # one's claims once their lease runs out.
        wait_for(lambda: set(webhook_receiver.ids()) >= queued
                 and sql(app, delivered) == [(30,)], timeout=60)
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=20)
    assert second.returncode == 0, output
    assert set(webhook_receiver.ids()) == queued  # every event, each id at least once
    assert all(item.verified_by for item in webhook_receiver.received)
    statuses = sql(app, "SELECT status, count(*) FROM webhook_deliveries GROUP BY status")
    assert statuses == [("delivered", 30)]


@pytest.mark.slow
def test_throughput_of_one_worker(app, post, webhook_receiver, capsys):
    """The figure in the notes: deliveries per second of one worker to a fast local receiver."""
    from comments.services.webhooks.delivery import run_webhook_worker

    queued = queue_comments(app, post, webhook_receiver, 200)
    started = time.perf_counter()
    with app.app_context():
        tally = run_webhook_worker(once=True)
    elapsed = time.perf_counter() - started
    assert tally.delivered == 200 and set(webhook_receiver.ids()) == queued
    with capsys.disabled():
        print(f"\nwebhook deliveries: {tally.delivered / elapsed:.0f}/s for one worker "
              f"({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})")


def test_comments_worker_delivers_webhooks_beside_mail(app, post, runner, webhook_receiver):
    queued = queue_comments(app, post, webhook_receiver, 3)
    result = runner.invoke(["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert set(webhook_receiver.ids()) == queued


def test_finished_deliveries_are_pruned_with_finished_mail(app, post, webhook_receiver):
    from comments.services.webhooks.delivery import prune_finished_deliveries, run_webhook_worker

    queue_comments(app, post, webhook_receiver, 2)
    with app.app_context():
        run_webhook_worker(once=True)
    sql(app, "UPDATE webhook_deliveries SET created_at = '2020-01-01 00:00:00+00:00' WHERE id = 1")
    with app.app_context():
        assert prune_finished_deliveries() == 1
    assert sql(app, "SELECT id FROM webhook_deliveries") == [(2,)]
