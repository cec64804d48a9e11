"""The gunicorn worker the app is served with (see gunicorn.conf.py).

gunicorn's threaded worker waits up to five seconds for a new connection's first bytes outside
its thread pool, but once a request has begun, a thread reads the rest of its headers and body
from a blocking socket with no timeout: a client that stops half-way holds that thread for ever.
This worker gives every connection's socket an idle timeout, so a stalled client (slow headers, a
body that stops, a reader that stops reading) frees its thread after ``SOCKET_TIMEOUT`` seconds.
"""

from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker

SOCKET_TIMEOUT = 15.0


class ThreadWorker(_ThreadWorker):
    def handle(self, conn: Any) -> Any:
        if "init" not in vars(conn):
            original = conn.init

            def init() -> None:
                # handle() makes the socket blocking (no timeout) before each request and then
                # calls init(): the timeout is set again every time, after that.
                original()
                conn.sock.settimeout(SOCKET_TIMEOUT)

            conn.init = init
        return super().handle(conn)
