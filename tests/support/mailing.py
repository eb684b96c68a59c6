"""Small steps for mail tests: queue a message, run a worker pass, read the outbox."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from tests.support.app import SECRET, sql

COMMENTS = str(Path(sys.executable).parent / "comments")

SHARE_CONTEXT = {"thread_id": 1, "title": "Summit <b>talks</b>", "article_url":
                 "https://news.example/a/", "link": "http://127.0.0.1:5000/s/x",
                 "from_name": "Ann <script>", "note": "Read this & <that>"}


def queue(app: Flask, recipient: str = "friend@example.org", template: str = "share",
          context: dict[str, Any] | None = None, kind: str = "share", language: str = "en",
          count: int = 1, site_key: str = "default") -> list[str]:
    """Queue `count` mails for a site (the default one) in one transaction; their Message-IDs."""
    from comments.database.engine import write_transaction
    from comments.services.mail.outbox import queue_mail
    from comments.services.sites import get_site

    with app.app_context(), write_transaction():
        site = get_site(site_key)
        return [queue_mail(site=site, recipient=recipient, template=template,
                           context=dict(SHARE_CONTEXT if context is None else context),
                           kind=kind, language=language).message_id for _ in range(count)]


def run_once(app: Flask, **kwargs: Any) -> Any:
    """One `comments worker --once` pass in this process."""
    from comments.services.mail.worker import run_worker

    with app.app_context():
        return run_worker(once=True, **kwargs)


def outbox(app: Flask) -> list[Any]:
    """Every outbox row: (id, status, attempts, recipient, message_id, last_error, kind)."""
    return sql(app, "SELECT id, status, attempts, recipient, message_id, last_error, kind "
                    "FROM outbox ORDER BY id")


def start_worker(database_url: str, smtp_url: str, tmp_path: Path, *args: str,
                 **settings_: str) -> subprocess.Popen[str]:
    """`comments worker` in its own process, delivering to `smtp_url` with short retries."""
    env = {**os.environ, "COMMENTS_DATABASE_URL": database_url, "COMMENTS_SECRET_KEY": SECRET,
           "COMMENTS_INSTANCE_PATH": str(tmp_path / "instance"), "COMMENTS_SMTP_URL": smtp_url,
           "COMMENTS_PUBLIC_URL": "http://localhost",
           "COMMENTS_MAIL_IDLE_SECONDS": "0.2", "COMMENTS_SMTP_TIMEOUT": "2",
           "COMMENTS_MAIL_RETRY_BASE_SECONDS": "0.2", "COMMENTS_MAIL_RETRY_MAX_SECONDS": "0.4"}
    env.update({f"COMMENTS_{key}": value for key, value in settings_.items()})
    return subprocess.Popen([COMMENTS, "worker", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def wait_for(condition: Callable[[], Any], timeout: float = 30.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)
