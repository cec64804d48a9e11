"""The bounded pool: never more than ``workers`` running or ``max_pending`` accepted."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from media import BoundedPool, PoolFull
from media.pool import DecodeBudget


class Gauge:
    """Counts calls running at once, and the most ever seen."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def work(self, value: int) -> int:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.01)
        with self.lock:
            self.now -= 1
        if value == 13:
            raise ValueError("unlucky photo")
        return value * 2


def test_map_unordered_is_bounded_and_keeps_failures() -> None:
    gauge = Gauge()
    pulled: list[int] = []

    def items() -> Iterator[int]:
        for i in range(40):
            pulled.append(i)
            yield i

    results: dict[int, int] = {}
    failures: list[int] = []
    with BoundedPool(workers=3, max_pending=5) as pool:
        for item, future in pool.map_unordered(gauge.work, items()):
            assert len(pulled) - len(results) - len(failures) <= 5  # never read far ahead
            if future.exception() is not None:
                failures.append(item)
            else:
                results[item] = future.result()
    assert gauge.peak == 3
    assert failures == [13]
    assert results == {i: 2 * i for i in range(40) if i != 13}


def test_submit_gives_up_when_full() -> None:
    release = threading.Event()
    with BoundedPool(workers=1, max_pending=2) as pool:
        first = pool.submit(release.wait)
        second = pool.submit(release.wait)
        with pytest.raises(PoolFull):
            pool.submit(release.wait, timeout=0.05)
        release.set()
        assert first.result() and second.result()
        assert pool.submit(lambda: "again", timeout=1).result() == "again"  # slots came back


def test_bad_sizes() -> None:
    with pytest.raises(ValueError):
        BoundedPool(workers=4, max_pending=2)


def test_decode_budget_caps_pixels_in_flight_and_lets_a_giant_run_alone() -> None:
    budget = DecodeBudget(10)
    seen: list[int] = []
    lock = threading.Lock()

    def decode(pixels: int) -> None:
        with budget.reserve(pixels):
            with lock:
                seen.append(budget.in_use)
            time.sleep(0.005)

    with BoundedPool(workers=4, max_pending=8) as pool:
        for _, future in pool.map_unordered(decode, [4, 4, 4, 3, 25, 4, 6, 1] * 3):
            future.result()
    assert max(seen) <= 10
    assert budget.in_use == 0


def test_decode_budget_is_returned_when_a_decode_fails() -> None:
    budget = DecodeBudget(5)
    with pytest.raises(RuntimeError), budget.reserve(5):
        raise RuntimeError("decoder error")
    assert budget.in_use == 0
    with budget.reserve(5):  # would block forever if the failed reservation had leaked
        assert budget.in_use == 5
