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


DEFAULT_THREADS = 16
DEFAULT_READ_TIMEOUT = 10.0


def limits_storage() -> str:
    """Where rate limits are counted, read as the app will read it (defaults, file, environment)."""
    from flask import Config

    from comments.config import DEFAULTS

    settings = Config(os.getcwd())
    settings.update(DEFAULTS)
    if os.environ.get("COMMENTS_CONFIG"):
        settings.from_pyfile(os.environ["COMMENTS_CONFIG"])
    settings.from_prefixed_env(prefix="COMMENTS")
    if str(settings["RATELIMIT_ENABLED"]).strip().lower() in ("0", "false", "no", "off"):
        return "off"
    return str(settings["RATELIMIT_STORAGE_URI"])


def worker_processes(requested: int | None) -> int:
    """How many processes: one when limits are counted in memory, else as asked (or 2*cores+1).

    Memory storage is per process, so a limit of 5 would let 5 through each worker: several
    processes need a shared storage (Redis). One process with threads keeps memory exact.
    """
    shared = not limits_storage().startswith("memory:")
    if requested is None:
        env = os.environ.get("COMMENTS_WORKERS")
        requested = int(env) if env else (default_workers() if shared else 1)
    if requested > 1 and not shared:
        raise click.UsageError(
            f"{requested} worker processes would each count rate limits on their own "
            "(COMMENTS_RATELIMIT_STORAGE_URI is memory://). Serve with one process and more "
            "--threads, or point COMMENTS_RATELIMIT_STORAGE_URI at Redis.")
    return requested


@click.command()
@click.option("--bind", "-b", multiple=True, default=None,
              help="Address to listen on (repeatable). Default 127.0.0.1:5000 or $COMMENTS_BIND.")
@click.option("--workers", "-w", type=int, default=None,
              help="Worker processes (default 1 with in-memory limits, 2*cores+1 with Redis).")
@click.option("--threads", type=int, default=None,
              help=f"Threads per worker (default {DEFAULT_THREADS} or $COMMENTS_THREADS).")
@click.option("--timeout", type=int, default=30, show_default=True)
@click.option("--read-timeout", type=float, default=None,
              help="Seconds a client has to send a whole request once it started "
                   f"(default {DEFAULT_READ_TIMEOUT} or $COMMENTS_READ_TIMEOUT).")
@click.option("--access-log/--no-access-log", default=True, show_default=True)
def serve(bind: tuple[str, ...], workers: int | None, threads: int | None, timeout: int,
          access_log: bool, read_timeout: float | None = None) -> None:
    """Serve the application with gunicorn's gthread worker (see comments/cli/server_worker.py)."""
    from comments.cli.server_worker import DeadlineSocket

    binds = list(bind) or os.environ.get("COMMENTS_BIND", "127.0.0.1:5000").split(",")
    processes = worker_processes(workers)
    DeadlineSocket.request_seconds = read_timeout or float(
        os.environ.get("COMMENTS_READ_TIMEOUT", DEFAULT_READ_TIMEOUT))
    prepare_metrics_dir()
    json_logs = json_logs_enabled()
    options = {
        "bind": binds,
        "workers": processes,
        # Idle and kept-alive connections wait in each worker's poller, not in a thread.
        "worker_class": "comments.cli.server_worker.BoundedThreadWorker",
        "threads": threads or int(os.environ.get("COMMENTS_THREADS", DEFAULT_THREADS)),
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
