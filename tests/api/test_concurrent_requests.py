"""Requests at once against a real threaded server on a database file (issue 13 §1, §9).

Not the rolled-back test transaction: each request has its own connection, as in production.
On SQLite a transaction that reads and then writes must not fail "database is locked" (500)
when another one writes: writers take the lock up front and wait their turn; readers never
write in their own transaction. Every write must be kept.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server.accounts.models import Role
from server.api.scope import close_couch_clients
from server.app import create_app
from server.audit.models import AuditEvent
from server.compliance.models import Penalty
from server.config import Settings
from server.reconciliation.models import ReconciliationResult
from tests.factories import PASSWORD
from tests.sync.conftest import fresh_database

THREADS = 8


@dataclass
class Served:
    url: str
    engine: Engine

    def token(self, username: str) -> dict[str, str]:
        response = requests.post(
            f"{self.url}/api/auth/token",
            json={"username": username, "password": PASSWORD},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp_path)
    yield url, engine
    drop()


@pytest.fixture
def session(database: tuple[str, Engine]) -> Iterator[Session]:
    """The factories' session, committed for real (the server reads the same database)."""
    session = Session(bind=database[1], expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def served(database: tuple[str, Engine], tmp_path: Path) -> Iterator[Served]:
    url, engine = database
    settings = Settings(
        database_url=url,
        couchdb_url="http://127.0.0.1:9",
        media_root=tmp_path / "media",
        secret_key="concurrency-test-secret",
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_port}", engine)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["engine"].dispose()
        close_couch_clients(app)


def at_once(count: int, call: Callable[[int], requests.Response]) -> list[requests.Response]:
    """``count`` calls started together (a barrier), each in its own thread."""
    barrier = threading.Barrier(count)

    def run(index: int) -> requests.Response:
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def statuses(responses: list[requests.Response]) -> list[int]:
    return [r.status_code for r in responses]


def count(engine: Engine, query: Any) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)


class Writer:
    """Another connection that writes now and then, holding its write lock a moment each time
    (the sync worker committing a batch)."""

    def __init__(self, engine: Engine, hold: float = 0.15) -> None:
        self.engine, self.hold, self.written = engine, hold, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self.engine.begin() as connection:
                connection.execute(
                    text("UPDATE users SET display_name = display_name WHERE id = 1")
                )
                self._stop.wait(self.hold)
            self.written += 1
            self._stop.wait(0.02)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def test_evidence_packages_downloaded_at_once_all_answer_and_all_are_audited(
    served: Served, session: Session, make_user: Any, make_filing: Any
) -> None:
    reviewer = make_user(Role.city_reviewer)
    filing = make_filing()
    session.commit()
    headers = served.token(reviewer.username)
    before = count(served.engine, select(func.count()).select_from(AuditEvent))

    responses = at_once(
        THREADS,
        lambda _i: requests.get(
            f"{served.url}/api/filings/{filing.id}/evidence-package", headers=headers, timeout=60
        ),
    )

    assert statuses(responses) == [200] * THREADS, [r.text[:200] for r in responses]
    packaged = select(func.count()).where(AuditEvent.action == "export.evidence_package")
    assert count(served.engine, packaged) == THREADS  # every download recorded
    assert count(served.engine, select(func.count()).select_from(AuditEvent)) > before


def test_writes_at_once_all_kept(
    served: Served, session: Session, make_user: Any, make_enterprise: Any
) -> None:
    reviewer = make_user(Role.city_reviewer)
    enterprise = make_enterprise()
    session.commit()
    headers = served.token(reviewer.username)

    def penalty(index: int) -> requests.Response:
        return requests.post(
            f"{served.url}/api/penalties",
            headers=headers,
            json={
                "enterprise_id": enterprise.id,
                "kind": "downgraded",
                "decided_on": f"2026-05-{index + 1:02d}",
                "document_no": f"驻环罚〔2026〕{index}号",
            },
            timeout=60,
        )

    with Writer(served.engine):
        responses = at_once(THREADS, penalty)

    assert statuses(responses) == [201] * THREADS, [r.text[:200] for r in responses]
    assert count(served.engine, select(func.count()).select_from(Penalty)) == THREADS


def test_exports_while_another_connection_writes(
    served: Served, session: Session, make_user: Any, make_filing: Any
) -> None:
    reviewer = make_user(Role.city_reviewer)
    for _ in range(3):
        make_filing()
    session.commit()
    headers = served.token(reviewer.username)

    with Writer(served.engine) as writer:
        responses = at_once(
            THREADS,
            lambda i: requests.get(
                f"{served.url}/api/exports/results.{'xlsx' if i % 2 else 'csv'}",
                headers=headers,
                timeout=60,
            ),
        )
    assert statuses(responses) == [200] * THREADS, [r.text[:200] for r in responses]
    assert writer.written > 0


def test_reconciliation_answers_while_the_database_is_locked_and_stores_later(
    served: Served, session: Session, make_user: Any, make_filing: Any
) -> None:
    """A read whose cache cannot be written answers all the same (§9); a later one stores it."""
    reviewer = make_user(Role.city_reviewer)
    filing = make_filing()
    session.commit()
    headers = served.token(reviewer.username)
    url = f"{served.url}/api/filings/{filing.id}/reconciliation"
    stored = select(func.count()).select_from(ReconciliationResult)

    with Writer(served.engine, hold=0.5):
        responses = at_once(THREADS, lambda _i: requests.get(url, headers=headers, timeout=60))
    assert statuses(responses) == [200] * THREADS, [r.text[:200] for r in responses]
    assert {r.json()["supported_grade"] for r in responses} == {
        responses[0].json()["supported_grade"]
    }

    again = requests.get(url, headers=headers, timeout=60)
    assert again.status_code == 200
    assert count(served.engine, stored) == 1  # stored once the database was free
