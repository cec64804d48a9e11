"""Two connections appending in parallel transactions still make one linear chain (PostgreSQL:
the head row's lock; SQLite serialises writers by itself, so the test is PostgreSQL's).

The transactions commit, so the test removes what it appended and puts the head back.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, text

from server.audit.service import chain_head, record, verify_chain
from server.db import make_sessionmaker

ROUNDS = 8


def test_parallel_transactions_append_one_linear_chain(db_engine: Engine):
    if db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time")
    sessions = make_sessionmaker(db_engine)
    with sessions() as session:
        start = chain_head(session)
    assert start is not None
    barrier = threading.Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for round_ in range(ROUNDS):
                with sessions() as session:
                    for n in range(3):  # several events, two flushes, one transaction
                        record(
                            session,
                            actor_id=None,
                            action="test.parallel",
                            subject_type="worker",
                            subject_id=worker,
                            data={"round": round_, "n": n},
                        )
                        if n == 1:
                            barrier.wait()  # both are about to take the head at once
                            session.flush()
                            time.sleep(0.01)  # hold the lock while the other waits for it
                    session.commit()
        except BaseException as exc:
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in (1, 2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures
        with db_engine.connect() as connection:
            rows = connection.execute(
                text("SELECT seq, subject_id, data FROM audit_events WHERE seq > :s ORDER BY seq"),
                {"s": start[0]},
            ).all()
        assert [row.seq for row in rows] == list(range(start[0] + 1, start[0] + 1 + 2 * 3 * ROUNDS))
        # A transaction's events are consecutive: its first flush holds the head to commit.
        for first in range(0, len(rows), 3):
            group = rows[first : first + 3]
            assert len({(row.subject_id, row.data["round"]) for row in group}) == 1
            assert [row.data["n"] for row in group] == [0, 1, 2]
        with sessions() as session:
            report = verify_chain(session)
        assert report.ok, report.first_break
        assert report.head_seq == start[0] + 2 * 3 * ROUNDS
    finally:
        with db_engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_events WHERE seq > :s"), {"s": start[0]})
            connection.execute(
                text("UPDATE audit_chain_head SET seq = :s, hash = :h WHERE id = 1"),
                {"s": start[0], "h": start[1]},
            )
