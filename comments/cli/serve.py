"""`comments serve`: the production server (gunicorn) with sensible defaults."""

from __future__ import annotations

import glob
import multiprocessing
import os
import tempfile
from typing import Any

import click
from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    """Gunicorn configured in code, serving `comments:create_app()`."""

    def __init__(self, options: dict[str, Any]):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if value is not None:
                self.cfg.set(key, value)

    def load(self) -> Any:
        import logging

        from comments import create_app
        from comments.services.readiness import mail_problems

        app = create_app()
        with app.app_context():
            for problem in mail_problems():
                logging.getLogger("gunicorn.error").warning("%s", problem)
        return app


SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn's heartbeat files, not data


def prepare_metrics_dir() -> str:
    """A clean PROMETHEUS_MULTIPROC_DIR shared by this server's workers (made if unset).

    Set before any worker imports prometheus_client, which reads it at import time; left-over
    files of an earlier run would otherwise be added to this run's counters.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
        prefix="comments-metrics-")
    os.makedirs(folder, exist_ok=True)
    for stale in glob.glob(os.path.join(folder, "*.db")):
        os.unlink(stale)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def _child_exit(_server: Any, worker: Any) -> None:
    """Gunicorn hook: a dead worker's live gauges must not linger in the merged figures."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def json_logging_config() -> dict[str, Any]:
    """Gunicorn's own log records as JSON lines, like the app's (COMMENTS_JSON_LOGS=true)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json",
               "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "comments.web.requestlog.JsonFormatter"}},
        "handlers": {"stderr": handler},
        # gunicorn merges this over its own defaults: name every logger it would configure.
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # The app logs each request itself, with its request id.
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def json_logs_enabled() -> bool:
    """Whether COMMENTS_JSON_LOGS asks for JSON lines."""
    return os.environ.get("COMMENTS_JSON_LOGS", "").strip().lower() in ("1", "true", "yes", "on")


def default_workers() -> int:
    """Two per core plus one, gunicorn's rule of thumb for I/O-bound work."""
    return multiprocessing.cpu_count() * 2 + 1


@click.command()
@click.option("--bind", "-b", multiple=True, default=None,
              help="Address to listen on (repeatable). Default 127.0.0.1:5000 or $COMMENTS_BIND.")
@click.option("--workers", "-w", type=int, default=None, help="Worker processes (default 2*cores+1).")
@click.option("--threads", type=int, default=None, help="Threads per worker (default 1).")
@click.option("--timeout", type=int, default=30, show_default=True)
@click.option("--access-log/--no-access-log", default=True, show_default=True)
def serve(bind: tuple[str, ...], workers: int | None, threads: int | None, timeout: int,
          access_log: bool) -> None:
    """Serve the application with gunicorn."""
    binds = list(bind) or os.environ.get("COMMENTS_BIND", "127.0.0.1:5000").split(",")
    prepare_metrics_dir()
    json_logs = json_logs_enabled()
    options = {
        "bind": binds,
        "workers": workers or int(os.environ.get("COMMENTS_WORKERS", default_workers())),
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        # With JSON logs the app writes the access line itself (with the request id).
        "accesslog": "-" if access_log and not json_logs else None,
        "errorlog": "-",
        "logconfig_dict": json_logging_config() if json_logs else None,
        "proc_name": "comments",
        "child_exit": _child_exit,
        # Heartbeat files on a container's overlay disk can stall workers; memory never does.
        "worker_tmp_dir": SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None,
    }
    _Server(options).run()
