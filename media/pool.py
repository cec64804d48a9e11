"""A bounded worker pool for photos: a flood of uploads waits (or is told "busy"), never piles up.

At most ``workers`` photos are processed at once and at most ``max_pending`` are accepted
(running plus queued); ``submit`` blocks for a free slot, or gives up after ``timeout`` with
``PoolFull`` so a web request can answer 503 with Retry-After instead of holding a worker. Memory
is bounded by ``max_pending`` photos in flight (each at most ``Limits.max_bytes`` plus one
reduced decode). Threads suffice: sha256, the JPEG/HEIF decoders, Pillow's resampling and the
JPEG encoder all release the GIL.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

T = TypeVar("T")
A = TypeVar("A")


class PoolFull(Exception):
    """No free slot within the timeout: the caller should ask the sender to retry later."""


class BoundedPool:
    """Bounded concurrency plus a bounded queue in front of a thread pool."""

    def __init__(self, workers: int | None = None, max_pending: int | None = None) -> None:
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.max_pending = max_pending or 2 * self.workers
        if self.workers < 1 or self.max_pending < self.workers:
            raise ValueError("need workers >= 1 and max_pending >= workers")
        self._slots = threading.BoundedSemaphore(self.max_pending)
        self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="media")

    def submit(self, call: Callable[[], T], *, timeout: float | None = None) -> Future[T]:
        """Run ``call()`` in the pool; wait up to ``timeout`` s (None: as long as it takes) for a slot."""
        acquired = (
            self._slots.acquire() if timeout is None else self._slots.acquire(timeout=timeout)
        )
        if not acquired:
            raise PoolFull(f"{self.max_pending} photos already in flight")
        try:
            future = self._executor.submit(call)
        except BaseException:
            self._slots.release()
            raise
        future.add_done_callback(lambda _: self._slots.release())
        return future

    def map_unordered(
        self, function: Callable[[A], T], items: Iterable[A]
    ) -> Iterator[tuple[A, Future[T]]]:
        """Apply ``function`` to each item, yielding ``(item, done future)`` as each finishes.

        Items are drawn from ``items`` only as slots free up, so a long (or endless) stream is
        never read ahead by more than ``max_pending``; a failure stays in its future.
        """
        running: dict[Future[T], A] = {}
        for item in items:
            running[self.submit(partial(function, item))] = item
            while len(running) >= self.max_pending:  # make room before drawing the next item
                yield from self._drain(running)
        while running:
            yield from self._drain(running)

    @staticmethod
    def _drain(running: dict[Future[T], A]) -> Iterator[tuple[A, Future[T]]]:
        done, _ = wait(list(running), return_when=FIRST_COMPLETED)
        for future in done:
            yield running.pop(future), future

    def shutdown(self, wait: bool = True) -> None:
        self._executor.shutdown(wait=wait)

    def __enter__(self) -> BoundedPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


class DecodeBudget:
    """A cap on the pixels being decoded at once, across all threads of the process.

    A decode costs memory in proportion to its pixels (a 12-megapixel HEIC about 90 MB, a JPEG's
    1/4-scale draft about 3 MB), so the worker count alone does not bound memory: this does.
    A photo larger than the whole budget waits until it can run alone.
    """

    def __init__(self, max_pixels: int) -> None:
        if max_pixels < 1:
            raise ValueError("the budget needs at least one pixel")
        self.max_pixels = max_pixels
        self._used = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, pixels: int) -> Iterator[None]:
        """Hold ``pixels`` of the budget for the duration of the ``with`` block."""
        wanted = max(0, min(pixels, self.max_pixels))
        with self._changed:
            self._changed.wait_for(lambda: self._used + wanted <= self.max_pixels)
            self._used += wanted
        try:
            yield
        finally:
            with self._changed:
                self._used -= wanted
                self._changed.notify_all()

    @property
    def in_use(self) -> int:
        return self._used
