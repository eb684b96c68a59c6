"""The gunicorn worker `comments serve` runs: gthread, with deadlines on slow and silent clients.

Idle and kept-alive connections wait in the worker's poller, not in a thread. A connection only
takes a thread once its first byte is in (after at most FIRST_BYTE_SECONDS of waiting there, it
goes back to the poller), and then has `request_seconds` in all to deliver its request line,
headers and body. A client that trickles bytes therefore holds a thread for a bounded time.
"""

from __future__ import annotations

import errno
import socket
import time
from typing import Any

from gunicorn.workers import gthread

# How long a fresh connection may hold a thread while it has sent nothing (gunicorn waits 5 s).
FIRST_BYTE_SECONDS = 0.25
# How long a response may take to leave, per send, once the app has answered.
SEND_SECONDS = 30.0


class DeadlineSocket(socket.socket):
    """A client socket whose request must arrive within `request_seconds` of its first byte."""

    request_seconds = 10.0
    _deadline = 0.0

    def setblocking(self, flag: bool) -> None:
        """gthread makes the socket blocking when a thread starts on a request: start its clock."""
        if not flag:
            super().setblocking(False)
            return
        self._deadline = time.monotonic() + self.request_seconds
        super().settimeout(self.request_seconds)

    def recv(self, size: int, flags: int = 0) -> bytes:
        """Read, but never past the request's deadline.

        A late client is dropped as a reset connection: gunicorn closes it and logs that at
        debug level, so a crowd of slow clients cannot fill the error log with tracebacks.
        """
        remaining = self._deadline - time.monotonic()
        if remaining > 0:
            super().settimeout(remaining)
            try:
                return super().recv(size, flags)
            except TimeoutError:
                pass
        raise ConnectionResetError(errno.ECONNRESET, "the request did not arrive in time")

    def send(self, data: Any, flags: int = 0) -> int:
        """Write with the response's own timeout, not what is left of the request's."""
        super().settimeout(SEND_SECONDS)
        return super().send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Write with the response's own timeout, not what is left of the request's."""
        super().settimeout(SEND_SECONDS)
        super().sendall(data, flags)


class BoundedThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker with the deadlines above."""

    def enqueue_req(self, conn: Any) -> None:
        """Give a fresh connection a DeadlineSocket before any thread reads from it."""
        if not isinstance(conn.sock, DeadlineSocket):
            raw = conn.sock
            conn.sock = DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """Send a connection that has sent nothing yet back to the poller quickly."""
        if (not conn.initialized and not conn.data_ready
                and not conn.wait_for_data(FIRST_BYTE_SECONDS)):
            return gthread._DEFER
        return super().handle(conn)
