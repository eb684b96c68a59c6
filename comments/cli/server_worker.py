"""The gunicorn worker `comments serve` runs: gthread, with deadlines on slow and silent clients.

Idle and kept-alive connections wait in the worker's poller, not in a thread. A connection only
takes a thread once its first byte is in (after at most FIRST_BYTE_SECONDS of waiting there, it
goes back to the poller). From the moment a request is queued for a thread it has
`request_seconds` in all to deliver its request line, headers and body, however long it waited
for the thread: a client that trickles bytes holds a thread for a bounded time, and a queue of
them drains within that time.
"""

from __future__ import annotations

import errno
import socket
import time
from typing import Any

from gunicorn.workers import gthread

# How long a fresh connection may hold a thread while it has sent nothing (gunicorn waits 5 s).
FIRST_BYTE_SECONDS = 0.25
# gthread's answer for "no data yet: back to the poller" (a private sentinel of gunicorn's).
DEFER: object = getattr(gthread, "_DEFER")  # noqa: B009 - private name, typed here once
# How long a response may take to leave, per send, once the app has answered.
SEND_SECONDS = 30.0


class DeadlineSocket(socket.socket):
    """A client socket whose request must arrive within `request_seconds` of its first byte."""

    request_seconds = 10.0
    _deadline = 0.0

    def start_clock(self) -> None:
        """The request begins now (the connection is queued for a thread): its time starts."""
        self._deadline = time.monotonic() + self.request_seconds

    def setblocking(self, flag: bool) -> None:
        """gthread makes the socket blocking in the thread: reads then wait at most until the
        deadline, which started when the connection was queued, not when a thread was free."""
        if not flag:
            super().setblocking(False)
            return
        super().settimeout(max(self._deadline - time.monotonic(), 0.001))

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
        """Give a fresh connection a DeadlineSocket, and start the clock of each request (new,
        kept alive or back from the poller) when it is queued for a thread."""
        if not isinstance(conn.sock, DeadlineSocket):
            raw = conn.sock
            conn.sock = DeadlineSocket(raw.family, raw.type, raw.proto, fileno=raw.detach())
        conn.sock.start_clock()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        """Send a connection that has sent nothing yet back to the poller quickly."""
        if (not conn.initialized and not conn.data_ready
                and not conn.wait_for_data(FIRST_BYTE_SECONDS)):
            return DEFER
        return super().handle(conn)
