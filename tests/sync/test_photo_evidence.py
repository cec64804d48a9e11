"""Photo evidence end to end: a tablet pushes photos, the worker stores, reads and checks
them, and each photo's feedback (accepted, or rejected with its reason) reaches the tablet."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select

from media import FilesystemBlobStore
from media.geo import gcj02_to_wgs84
from server.assignments.models import Assignment
from server.db import make_sessionmaker
from server.evidence.models import Device, Photo
from server.reconciliation.models import ReconciliationResult
from sync.couch import CouchClient
from sync.worker import Worker
from tests.media.photos import make_jpeg, sample, textured
from tests.sync.docs import photo
from tests.sync.world import build_world

pytestmark = pytest.mark.couch


@pytest.fixture
def worker(live):
    couch = CouchClient(live.couch_url)
    worker = Worker(make_sessionmaker(live.engine), couch, FilesystemBlobStore(live.tmp / "media"))
    yield worker
    worker.close()
    couch.close()


def prepare(live, world, inspector):
    """The assignment made before the visit, and the inspector's tablet registered."""
    with live.session() as session:
        assignment = session.get(Assignment, world.assignment_id)
        assignment.created_at = assignment.window_start - dt.timedelta(days=3)
        session.add(
            Device(
                user_id=inspector.id,
                device_id="tablet-A",
                make="Apple",
                model="iPad (9th generation)",
                active=True,
            )
        )
        session.commit()


def test_tablet_photos_are_read_checked_and_answered(live, worker):
    lead, second = live.inspector(), live.inspector()
    world = build_world(live, [lead, second])  # a GCJ-02 square at (114.0, 33.0), 16 July
    prepare(live, world, lead)
    worker.run_once()
    lon, lat = gcj02_to_wgs84(114.002, 33.002)  # the middle of the yard, as GPS reads it
    fields = {"taken": "2026:07:16 10:12:00", "offset": "+08:00", "accuracy": 5.0}
    good = make_jpeg(textured(11, 480, 360), lon=lon, lat=lat, **fields)
    blind = make_jpeg(textured(12, 480, 360), **fields)  # the picker stripped the position
    visit = world.document(lead)
    docs = [
        photo(lead.id, visit["_id"], data, assignment_id=world.assignment_id)
        for data in (good, blind, sample("corrupted.jpg"))
    ]
    live.tablet(lead, [{"op": "put", "docs": [visit, *docs]}, {"op": "push"}])
    report = worker.run_once()
    assert report.processed == 4 and not report.interrupted
    assert report.reconciled == 1  # the visit's filing, reconciled with the new evidence
    with live.session() as session:
        assignment = session.get(Assignment, world.assignment_id)
        result = session.scalar(
            select(ReconciliationResult).where(
                ReconciliationResult.filing_id == assignment.filing_id
            )
        )
        assert result is not None
        [shown] = result.result["visits"]
        assert [i["doc_id"] for i in shown["inspections"]] == [visit["_id"]]
        rows = {
            p.doc_id: p
            for p in session.scalars(select(Photo).where(Photo.inspection_doc_id == visit["_id"]))
        }
        kept, stripped, broken = (rows[d["_id"]] for d in docs)
        assert (kept.status, kept.door, kept.sha256) == (
            "accepted",
            "sync",
            hashlib.sha256(good).hexdigest(),
        )
        assert (kept.make, kept.model) == ("Apple", "iPad (9th generation)")
        assert (kept.longitude, kept.latitude) == pytest.approx((lon, lat), abs=1e-6)
        assert kept.exif_taken_at == dt.datetime(2026, 7, 16, 2, 12, tzinfo=dt.UTC)
        assert kept.meta["offset_source"] == "exif"
        assert [f.code for f in kept.findings] == []
        assert [f.code for f in stripped.findings] == ["gps.missing"]
        assert (broken.status, broken.rejection_code) == ("rejected", "photo.corrupt")
        assert [c.event for c in kept.custody] == ["received"]
        assert [c.event for c in broken.custody] == ["refused"]
    store = FilesystemBlobStore(live.tmp / "media")
    assert store.read(kept.sha256) == good
    assert store.read_derivative(kept.sha256, "thumb")[:2] == b"\xff\xd8"
    steps = [{"op": "pull"}] + [{"op": "get", "id": f"feedback:{d['_id']}"} for d in docs]
    _, *answers = live.tablet(lead, steps)
    statuses = [a["doc"]["status"] for a in answers]
    assert statuses == ["accepted", "accepted", "rejected"]
    [problem] = answers[2]["doc"]["problems"]
    assert problem["code"] == "photo.corrupt"
    assert problem["message_zh"].startswith("照片文件已损坏")
    assert problem["message_en"].startswith("The photo file is damaged")
