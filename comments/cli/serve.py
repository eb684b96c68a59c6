"""`comments serve`: the production server (gunicorn) with sensible defaults."""

from __future__ import annotations

import multiprocessing
import os
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
        from comments import create_app

        return create_app()


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
    options = {
        "bind": binds,
        "workers": workers or int(os.environ.get("COMMENTS_WORKERS", default_workers())),
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 20,
        "keepalive": 5,
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "proc_name": "comments",
    }
    _Server(options).run()
