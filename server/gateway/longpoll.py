"""Long-poll ``_changes`` (PouchDB's live sync): held for a bounded time, and only so many at once.

A held long-poll occupies a server thread for as long as it waits. Three caps keep them from
starving the API:

* per inspector (``PER_USER``) and per host (``TOTAL``), across every gunicorn worker process:
  each held long-poll takes an exclusive ``flock`` on one of a fixed set of slot files in a
  directory of the instance. The kernel releases a lock when its process dies, so a killed
  worker never leaves a slot taken (a count in SQL or in a file would need leases for that);
  in-process counters would let each worker admit the full number.
* per process (``per_process``, set from the serving threads): an in-process semaphore, so every
  worker keeps threads for the API whatever the others hold.

Beyond a cap the answer is prompt: 429 with ``Retry-After``; PouchDB's live replication with
``retry: true`` backs off and asks again. A long-poll is held at most ``MAX_HOLD_SECONDS``
whatever ``timeout``/``heartbeat`` the client asks: the gateway asks CouchDB for heartbeats so it
wakes regularly, and at the deadline, if no change has started, it ends the feed itself with no
results and ``last_seq`` = the client's ``since``, which PouchDB takes as "nothing yet, ask again".
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import requests

from server.gateway.policy import Refused

PER_USER = 2
TOTAL = 48
MAX_HOLD_SECONDS = 25.0
HEARTBEAT_MS = 5000
RETRY_AFTER_SECONDS = 10
_OPENING = b'{"results":['


class Slots:
    """The long-poll slots of one app (one process); the files are shared by all processes."""

    def __init__(self, directory: Path, per_process: int) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.directory = directory
        self.local = threading.BoundedSemaphore(per_process)

    def take(self, user_id: int) -> list[int]:
        """File descriptors holding the slots; release() them. Raises Refused (429)."""
        if not self.local.acquire(blocking=False):
            raise _busy("this server is holding as many live feeds as it can")
        held: list[int] = []
        try:
            user = _lock_one(self.directory, f"user-{user_id}", PER_USER)
            if user is None:
                raise _busy(f"at most {PER_USER} live feeds per inspector at once")
            held.append(user)
            total = _lock_one(self.directory, "all", TOTAL)
            if total is None:
                raise _busy("the server is holding as many live feeds as it can")
            held.append(total)
        except BaseException:
            self.release(held)
            raise
        return held

    def release(self, held: list[int]) -> None:
        for fd in held:
            with suppress(OSError):
                os.close(fd)  # closing the descriptor drops its flock
        self.local.release()


def _lock_one(directory: Path, prefix: str, count: int) -> int | None:
    start = threading.get_ident() % count  # spread the tries so they rarely meet
    for step in range(count):
        path = directory / f"{prefix}.{(start + step) % count}.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


def _busy(reason: str) -> Refused:
    reason = f"{reason}; retry in {RETRY_AFTER_SECONDS} s"
    return Refused(429, "too_many_requests", reason, retry_after=RETRY_AFTER_SECONDS)


def upstream_params(args: dict[str, list[str]]) -> tuple[dict[str, list[str]], float]:
    """The parameters to send CouchDB for a long-poll, and how long to hold it (seconds)."""
    params = {k: v for k, v in args.items() if k not in ("timeout", "heartbeat")}
    asked = _milliseconds(args.get("timeout"))
    hold = min(asked / 1000 if asked else MAX_HOLD_SECONDS, MAX_HOLD_SECONDS)
    params["heartbeat"] = [str(HEARTBEAT_MS)]
    params["timeout"] = [str(int(hold * 1000))]
    return params, hold


def _milliseconds(values: list[str] | None) -> int | None:
    if not values or not values[-1].isdigit() or len(values[-1]) > 9:
        return None
    return int(values[-1]) or None


def relay(upstream: requests.Response, since: str | None, hold: float) -> Iterator[bytes]:
    """CouchDB's long-poll answer, passed on as it comes; ended by the gateway at the deadline
    when CouchDB has not started a change by then."""
    deadline = time.monotonic() + hold
    seen: bytes | None = b""  # what came so far, without whitespace, while only the opening
    try:
        while True:
            chunk = upstream.raw.read1(64 * 1024, decode_content=False)
            if not chunk:
                return
            yield chunk
            if seen is not None:
                seen += b"".join(chunk.split())
                if not _OPENING.startswith(seen):
                    seen = None  # a change is being sent: pass on the rest as it comes
            if seen is not None and time.monotonic() >= deadline:
                yield _ending(seen, since)
                return
    finally:
        upstream.close()


def _ending(seen: bytes, since: str | None) -> bytes:
    """The rest of an answer with no results, after the ``seen`` part of its opening."""
    last_seq = json.dumps(int(since) if since and since.isdigit() else (since or 0))
    return _OPENING[len(seen) :] + f'],\n"last_seq":{last_seq}}}\n'.encode()
