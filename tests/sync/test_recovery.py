"""Crashes and restarts: the worker killed mid-run, CouchDB restarted mid-sync."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import func, select

from media.blobstore import FilesystemBlobStore
from server.db import make_sessionmaker
from server.inspections.models import Inspection
from server.syncstate.models import IngestedRevision, OutboxDocument
from sync.couch import CouchClient
from sync.worker import Worker
from tests.factories import PASSWORD
from tests.sync.conftest import ROOT
from tests.sync.world import build_world

pytestmark = pytest.mark.couch


@pytest.fixture(scope="module")
def couch_server(couch_server_factory):
    """A CouchDB of this module's own (PouchDB Server, or Apache CouchDB with
    TEST_COUCHDB=apache), so it can be stopped and started again."""
    return couch_server_factory()


@pytest.fixture(scope="module")
def couch_url(couch_server):  # overrides the session's shared server for this module
    return couch_server.url


def counts(live, db):
    with live.session() as session:
        ingested = session.scalar(
            select(func.count(IngestedRevision.id)).where(IngestedRevision.db_name == db)
        )
        feedback = session.scalar(
            select(func.count(OutboxDocument.id)).where(
                OutboxDocument.db_name == db, OutboxDocument.doc_id.like("feedback:%")
            )
        )
        return ingested, feedback


def test_worker_killed_mid_run_loses_nothing_and_duplicates_nothing(live):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    docs = [world.document(lead) for _ in range(300)]
    live.tablet(lead, [{"op": "put", "docs": docs}, {"op": "push", "batch_size": 100}])
    db = f"inspector-{lead.id}"
    env = {
        **os.environ,
        "DATABASE_URL": live.database_url,
        "COUCHDB_URL": live.couch_url,
        "MEDIA_ROOT": str(live.tmp / "media"),
        "SECRET_KEY": "x",
        "INSTANCE_PATH": str(live.tmp / "instance"),
    }
    command = [sys.executable, "-m", "sync", "--batch-size", "10", "--interval", "0.1"]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            done, _ = counts(live, db)
            if done >= 30:
                break
            time.sleep(0.02)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    done_at_kill, _ = counts(live, db)
    assert 0 < done_at_kill < 300, "the kill should land while work remains"
    finished = subprocess.run(
        [*command, "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    ingested, feedback = counts(live, db)
    assert (ingested, feedback) == (300, 300)
    with live.session() as session:
        assert (
            session.scalar(
                select(func.count(Inspection.id)).where(
                    Inspection.doc_id.in_([d["_id"] for d in docs])
                )
            )
            == 300
        )


def test_couchdb_restarted_mid_sync_recovers(live, couch_server):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])
    first = [world.document(lead) for _ in range(5)]
    live.tablet(lead, [{"op": "put", "docs": first}, {"op": "push"}])
    couch = CouchClient(live.couch_url)
    worker = Worker(
        make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"), batch_size=3
    )
    try:
        couch_server.stop()  # CouchDB goes away in the middle of things
        report = worker.run_once()
        assert report.interrupted and report.processed == 0
        down = requests.get(f"{live.db_url(lead)}/", auth=(lead.username, PASSWORD), timeout=10)
        assert down.status_code == 503
        couch_server.start()
        later = [world.document(lead) for _ in range(4)]
        [_, push] = live.tablet(lead, [{"op": "put", "docs": later}, {"op": "push"}])
        assert push["ok"] is True
        worker.run_once()
    finally:
        worker.close()
        couch.close()
    ingested, feedback = counts(live, f"inspector-{lead.id}")
    assert (ingested, feedback) == (9, 9)
