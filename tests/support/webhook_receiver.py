"""A real HTTP webhook receiver on 127.0.0.1 that checks every signature with `standardwebhooks`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks import Webhook


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: int
    verified_by: list[str] = field(default_factory=list)  # the secrets that verify it

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """Answers `status` (after `delay` seconds) and records every request with its checks."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.status = 204
        self.delay = 0.0
        self.body = b""
        self.location: str | None = None
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {key.lower(): value for key, value in self.headers.items()}
                with receiver.lock:
                    status, delay = receiver.status, receiver.delay
                    answer, location = receiver.body, receiver.location
                    secrets = list(receiver.secrets)
                verified = []
                for secret in secrets:
                    try:
                        Webhook(secret).verify(body, headers)
                        verified.append(secret)
                    except Exception:
                        pass
                item = Received(self.path, headers, body, status, verified)
                with receiver.lock:
                    receiver.received.append(item)
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    if location:
                        self.send_header("Location", location)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def answer(self, status: int, delay: float = 0.0, body: bytes = b"",
               location: str | None = None) -> None:
        with self.lock:
            self.status, self.delay, self.body, self.location = status, delay, body, location

    def ids(self, ok_only: bool = True) -> list[str]:
        with self.lock:
            return [item.webhook_id for item in self.received
                    if not ok_only or 200 <= item.answered < 300]

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A receiver on a free loopback port for one test."""
    receiver = WebhookReceiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()
