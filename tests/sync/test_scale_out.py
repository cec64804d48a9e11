"""Scale-out, proven (issue 13): two workers over 50 inspector databases, one killed mid-batch.

On PostgreSQL + Apache CouchDB, the production engines: two ``python -m sync`` processes share
50 inspector databases holding 5,000 submitted inspections. One is killed with SIGKILL while
the work is under way and started again. Every document must be ingested exactly once (one
``IngestedRevision`` and one inspection row per document), none skipped, each answered with
feedback. Runs in ``make test``'s Apache CouchDB stage (``TEST_COUCHDB=apache`` with
``TEST_DATABASE_URL`` on PostgreSQL); skipped with a message elsewhere.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.inspections.models import Inspection
from server.syncstate.models import IngestedRevision, OutboxDocument
from sync.couch import CouchClient
from sync.provision import ensure_inspector_db, runs_validation
from tests.sync.conftest import ROOT, Live
from tests.sync.world import build_world

DATABASES = 50
PER_DATABASE = 100  # 5,000 documents
DEADLINE = 300.0  # seconds for the whole ingest: about 40 s of CPU, far less than this


@pytest.fixture(scope="module", autouse=True)
def production_engines(couch_url: str) -> None:
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("scale-out runs on PostgreSQL: set TEST_DATABASE_URL (make test-couchdb)")
    with CouchClient(couch_url) as client:
        if not runs_validation(client):
            pytest.skip("scale-out runs on Apache CouchDB: TEST_COUCHDB=apache (make test-couchdb)")


def _counts(live: Live, doc_ids: list[str]) -> tuple[int, int, int, int, int]:
    """(revisions ingested, distinct documents ingested, inspection rows, feedback rows,
    outbox documents not yet sent)."""
    with live.session() as session:
        revisions = session.scalar(select(func.count(IngestedRevision.id)))
        documents = session.scalar(select(func.count(func.distinct(IngestedRevision.doc_id))))
        inspections = session.scalar(
            select(func.count(Inspection.id)).where(Inspection.doc_id.in_(doc_ids))
        )
        feedback = session.scalar(
            select(func.count(func.distinct(OutboxDocument.doc_id))).where(
                OutboxDocument.doc_id.like("feedback:%")
            )
        )
        unsent = session.scalar(
            select(func.count(OutboxDocument.id)).where(OutboxDocument.sent_at.is_(None))
        )
    return revisions or 0, documents or 0, inspections or 0, feedback or 0, unsent or 0


def _worker(live: Live, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": live.database_url,
        "COUCHDB_URL": live.couch_url,
        "MEDIA_ROOT": str(live.tmp / "media"),
        "SECRET_KEY": "x",
        "INSTANCE_PATH": str(live.tmp / "instance"),
        "GRADING_ENV": "production",
    }
    command = [sys.executable, "-m", "sync", "--batch-size", "100", "--interval", "0.2"]
    with log.open("ab") as output:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)


def test_two_workers_one_killed_ingest_every_document_exactly_once(live: Live) -> None:
    inspectors = [live.inspector() for _ in range(DATABASES)]
    documents: list[str] = []
    with CouchClient(live.couch_url) as couch:
        for lead, second in zip(inspectors[::2], inspectors[1::2], strict=True):
            world = build_world(live, [lead, second])
            for member in (lead, second):
                docs = [world.document(member) for _ in range(PER_DATABASE)]
                db = ensure_inspector_db(couch, member.id)  # validate_doc_update installed
                answers = couch.bulk_docs(db, docs)
                assert all("rev" in answer for answer in answers), answers[:3]
                documents += [doc["_id"] for doc in docs]
    total = DATABASES * PER_DATABASE
    assert len(set(documents)) == total

    logs = [live.tmp / "worker-a.log", live.tmp / "worker-b.log"]
    workers = [_worker(live, logs[0]), _worker(live, logs[1])]
    started = time.monotonic()
    try:
        while time.monotonic() - started < DEADLINE:  # let them get properly under way
            if _counts(live, documents)[0] >= total // 5:
                break
            time.sleep(0.05)
        workers[0].send_signal(signal.SIGKILL)  # mid-batch: no chance to finish or clean up
        workers[0].wait()
        at_kill = _counts(live, documents)[0]
        assert 0 < at_kill < total, "the kill should land while work remains"
        workers[0] = _worker(live, logs[0])
        while time.monotonic() - started < DEADLINE:
            if _counts(live, documents) == (total, total, total, total, 0):
                break
            time.sleep(0.2)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    revisions, distinct, inspections, feedback, unsent = _counts(live, documents)
    tail = "\n".join(log.read_text(errors="replace")[-1500:] for log in logs)
    assert (revisions, distinct, inspections, feedback) == (total, total, total, total), tail
    assert unsent == 0, "every feedback document reached its tablet's database"
