"""Keep a child process running: restart it when it exits, after a growing pause, logged.

The run command supervises the sync worker with this: a worker that dies (a bug, the OOM
killer, ``kill -9``) is started again after 1 s, then 2, 4 … at most ``max_backoff`` s while it
keeps dying quickly; a run that lasted ``healthy_after`` s resets the pause.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Sequence

log = logging.getLogger("devtools.supervise")


class Supervisor:
    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        first_backoff: float = 1.0,
        max_backoff: float = 60.0,
        healthy_after: float = 60.0,
    ) -> None:
        self.name, self.command, self.env = name, list(command), env
        self.first_backoff, self.max_backoff = first_backoff, max_backoff
        self.healthy_after = healthy_after
        self.restarts = 0
        self.child: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"supervise-{name}", daemon=True)

    def start(self) -> Supervisor:
        self._thread.start()
        return self

    @property
    def pid(self) -> int | None:
        child = self.child
        return child.pid if child is not None and child.poll() is None else None

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:
            if self._stopping.is_set():
                return None
            self.child = subprocess.Popen(self.command, env=self.env)
            return self.child

    def _run(self) -> None:
        backoff = self.first_backoff
        while not self._stopping.is_set():
            started = time.monotonic()
            child = self._spawn()
            if child is None:
                return
            code = child.wait()
            if self._stopping.is_set():
                return
            lasted = time.monotonic() - started
            if lasted >= self.healthy_after:
                backoff = self.first_backoff
            how = f"signal {-code}" if code < 0 else f"status {code}"
            log.warning(
                "%s (pid %d) exited with %s after %.0f s; restarting in %.0f s",
                self.name, child.pid, how, lasted, backoff,
            )  # fmt: skip
            print(
                f"{self.name} exited with {how} after {lasted:.0f} s; "
                f"restarting in {backoff:.0f} s",
                flush=True,
            )
            if self._stopping.wait(backoff):
                return
            self.restarts += 1
            backoff = min(self.max_backoff, backoff * 2)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop supervising, then stop the child (SIGTERM, then SIGKILL after ``timeout``)."""
        with self._lock:
            self._stopping.set()
            child = self.child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._thread.join(timeout=timeout)
