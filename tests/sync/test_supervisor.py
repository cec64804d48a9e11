"""The run command supervises the sync worker: a killed worker is started again (issue 13 §2)."""

from __future__ import annotations

import os
import signal
import sys
import time

from devtools.supervise import Supervisor


def wait_for(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_killed_worker_is_restarted_with_growing_pauses(capsys):
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = Supervisor("sync worker", sleeper, first_backoff=0.1, max_backoff=1.0).start()
    try:
        first = wait_for(lambda: supervisor.pid)
        os.kill(first, signal.SIGKILL)
        second = wait_for(lambda: supervisor.pid if supervisor.pid not in (None, first) else None)
        os.kill(second, signal.SIGKILL)
        wait_for(lambda: supervisor.pid not in (None, second) and supervisor.pid)
        assert supervisor.restarts == 2
    finally:
        supervisor.stop()
    assert supervisor.pid is None  # stopping stops the child too, and it is not restarted
    said = capsys.readouterr().out
    assert "sync worker exited with signal 9" in said
    assert "restarting in 0 s" in said or "restarting in 1 s" in said


def test_the_worker_process_outlives_a_database_it_cannot_reach(tmp_path):
    """``python -m sync`` logs database errors and backs off; it does not exit on them."""
    import subprocess

    from tests.sync.conftest import ROOT

    env = {
        **os.environ,
        # nothing listens there (a SQLite path would be created empty at start-up)
        "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
        "COUCHDB_URL": "http://127.0.0.1:9",  # nothing listens
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test-only",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "sync", "--interval", "0.1", "--max-backoff", "0.4"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(3)
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
    finally:
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=10)
    assert worker.returncode == 0
    assert "database error" in err and "OperationalError" in err
    assert "failing pass(es) in a row" in err
