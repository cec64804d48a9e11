"""The generated checklist goes to the tablets and comes back through the real sync: PouchDB
Server, a tablet's PouchDB, the worker (issue 17)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inspection_forms.claims import GENERATED_FORM_ID
from media.blobstore import FilesystemBlobStore
from server.assignments.checklist import pinned_form
from server.assignments.models import Assignment
from server.inspections.models import Inspection, InspectionStatus
from sync.couch import CouchClient
from sync.worker import Worker
from tests.claims.filler import filled
from tests.factories import foundry_case
from tests.sync.conftest import live  # noqa: F401  (the running system, shared with tests/sync)
from tests.sync.docs import inspection
from tests.sync.world import build_world

pytestmark = pytest.mark.couch

CLAIM = {
    "category": "emission_limits",
    "indicator_code": "emission_limits.so2_mg_m3",
    "claimed_value": "≤35 mg/m³",
    "statement": "熔炼炉二氧化硫排放浓度",
}


@pytest.fixture
def worker(live):  # noqa: F811
    from server.db import make_sessionmaker

    couch = CouchClient(live.couch_url)
    worker = Worker(
        make_sessionmaker(live.engine),
        couch,
        FilesystemBlobStore(live.tmp / "media"),
        batch_size=50,
        max_attempts=3,
    )
    yield worker
    worker.close()
    couch.close()


def test_the_tablet_gets_the_generated_checklist_and_its_answers_are_validated(
    live,  # noqa: F811
    worker,
):
    lead, second = live.inspector(), live.inspector()
    case = foundry_case("A", claims=[foundry_case()["claims"][0], CLAIM])
    world = build_world(live, [lead, second], cases=[case])
    with live.session() as session:
        assignment = session.get(Assignment, world.assignment_id)
        pin = next(p for p in assignment.form_pins if p["form_id"] == GENERATED_FORM_ID)
    form = pinned_form(pin)
    worker.run_once()
    doc_id = f"form:{GENERATED_FORM_ID}:{world.assignment_id}"
    [_, got] = live.tablet(lead, [{"op": "pull"}, {"op": "get", "id": doc_id}])
    assert got["doc"]["form"] == form.to_dict()  # exactly what was pinned
    observed = next(i for i in got["doc"]["form"]["sections"][0]["items"])
    assert observed["claim"]["pollutant"] == "a21026" and observed["claim"]["limit"] == 35

    good = filled(form, "A", world.context)
    bad = filled(form, "A", world.context)
    bad["answers"][observed["id"]] = {"value": 20, "unit": "mg/m3"}  # the screen not photographed
    docs = [
        inspection(
            owner.id,
            assignment_id=world.assignment_id,
            status="submitted",
            form_id=body["form_id"],
            form_version=body["form_version"],
            answers=body["answers"],
            started_at="2026-07-16T09:05:00+08:00",
            submitted_at="2026-07-16T11:40:00+08:00",
        )
        for owner, body in ((lead, good), (second, bad))
    ]
    live.tablet(lead, [{"op": "put", "docs": [docs[0]]}, {"op": "push"}])
    live.tablet(second, [{"op": "put", "docs": [docs[1]]}, {"op": "push"}])
    worker.run_once()
    with live.session() as session:
        rows = {
            r.doc_id: r
            for r in session.scalars(
                select(Inspection).where(Inspection.assignment_id == world.assignment_id)
            )
        }
    accepted, rejected = rows[docs[0]["_id"]], rows[docs[1]["_id"]]
    assert accepted.status is InspectionStatus.accepted, accepted.problems
    assert accepted.form_sha256 == form.sha256
    assert rejected.status is InspectionStatus.rejected
    assert {p["code"] for p in rejected.problems} == {"answer.missing_field"}
