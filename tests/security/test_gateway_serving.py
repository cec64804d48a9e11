"""Issue 12 §4: held sync connections cannot take the app down.

The app is served exactly as the run command serves it (devtools.run.gunicorn_command: real
gunicorn, gunicorn.conf.py) on a free port, with PouchDB Server behind the gateway. 50 live
long-poll ``_changes`` (what PouchDB's live sync holds) and 5 sockets that send half a request
and stop are held open while ``/api/health`` is asked again and again: it answers within 1 s
every time. Long-polls beyond the caps are answered at once with 429 and Retry-After.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from devtools.run import REPO_ROOT, gunicorn_command
from server.accounts.models import Role
from server.accounts.service import create_user, issue_token
from server.db import make_engine, make_sessionmaker
from server.gateway import longpoll
from server.migrate import upgrade
from sync.couch import CouchClient
from sync.provision import ensure_inspector_db
from tests.factories import _PASSWORD_HASH, CITY

# gunicorn.conf.py: threads per worker less the API's reserve.
PER_PROCESS = 48 - 16

pytestmark = pytest.mark.couch
INSPECTORS = 25  # two live feeds each: 50
SLOW_SOCKETS = 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(base: str, web: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert web.poll() is None, "gunicorn exited"
        try:
            requests.get(f"{base}/api/health", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 30 s")


@pytest.fixture
def served(couch_url: str, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'serving.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_sessionmaker(engine)() as session:
        users = [
            create_user(
                session,
                actor=None,
                username=f"serve-{n}-{os.getpid()}",
                password_hash=_PASSWORD_HASH,
                display_name="Inspector",
                role=Role.inspector,
                city=CITY,
            )
            for n in range(INSPECTORS)
        ]
        session.commit()
        # Bearer tokens and databases made here: the test is about serving, not about
        # checking 25 passwords at once.
        users = [(u.id, issue_token("serving-test", u)) for u in users]
    engine.dispose()
    with CouchClient(couch_url) as couch:
        for user_id, _ in users:
            ensure_inspector_db(couch, user_id)
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "COUCHDB_URL": couch_url,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "serving-test",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    web = subprocess.Popen(gunicorn_command(port), cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, web)
        yield base, users
    finally:
        web.send_signal(signal.SIGINT)  # stop now, not after the held feeds
        try:
            web.wait(timeout=5)
        except subprocess.TimeoutExpired:
            web.kill()
            web.wait()
        log.close()


def test_long_polls_and_slow_clients_do_not_starve_the_api(served):
    base, users = served
    tokens = {user_id: {"Authorization": f"Bearer {token}"} for user_id, token in users}
    answers: list[tuple[int, float, str | None]] = []
    lock = threading.Lock()

    def live_feed(user_id: int, _token: str) -> None:
        started = time.monotonic()
        try:
            response = requests.get(
                f"{base}/sync/inspector-{user_id}/_changes",
                params={"feed": "longpoll", "since": "now", "heartbeat": "10000"},
                headers=tokens[user_id],
                timeout=60,
            )
            outcome = (response.status_code, response.headers.get("Retry-After"))
        except requests.RequestException:
            outcome = (0, None)  # the server was stopped while the feed was held
        with lock:
            answers.append((outcome[0], time.monotonic() - started, outcome[1]))

    feeds = [
        threading.Thread(target=live_feed, args=user, daemon=True)
        for user in users
        for _ in range(2)
    ]
    for feed in feeds:
        feed.start()
    port = int(base.rsplit(":", 1)[1])
    slow = []
    for _ in range(SLOW_SOCKETS):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and nothing more
        slow.append(sock)
    try:
        # Let the feeds reach their wait (each one authenticates, finds its database, opens
        # its upstream request), then ask for health throughout the time they are held.
        time.sleep(3.0)
        timings: list[float] = []
        for _ in range(24):  # about 6 s while everything is held
            started = time.monotonic()
            health = requests.get(f"{base}/api/health", timeout=5)
            took = time.monotonic() - started
            timings.append(round(took, 3))
            assert health.status_code in (200, 503), health.text
            assert took < 1.0, f"/api/health took {took:.2f} s (all: {timings})"
            time.sleep(0.25)
        with lock:
            early = list(answers)
        # Beyond the caps (per process, per host): answered at once, 429 with Retry-After.
        # The others are still held: at least one process's worth.
        assert all(status == 429 and retry for status, _, retry in early), early
        assert all(took < 2.0 for _, took, _ in early), early
        assert 2 * INSPECTORS - len(early) >= min(PER_PROCESS, longpoll.TOTAL), early
    finally:
        for sock in slow:
            sock.close()
