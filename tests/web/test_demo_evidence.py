"""The demo city's finished visits: the dossiers a person clicks through after `make run`."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from media import FilesystemBlobStore
from server.assignments.models import Assignment
from server.demo.load import load_demo_city
from server.evidence.models import Photo, PhotoStatus
from server.filings.models import Filing, FilingStatus
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation.service import current_result
from server.syncstate.models import IngestedRevision


def test_demo_visits_are_finished_through_the_real_pipeline(session, tmp_path):
    store = FilesystemBlobStore(tmp_path / "media")
    result = load_demo_city(session, plants=60, media=store)
    assert result.finished_visits == 3
    at_city = session.scalars(
        select(Filing).where(Filing.status == FilingStatus.city_review).order_by(Filing.id)
    ).all()
    assert len(at_city) == 3
    for n, filing in enumerate(at_city):
        [visit] = session.scalars(select(Assignment).where(Assignment.filing_id == filing.id))
        members = {m.user_id for m in visit.members}
        inspections = session.scalars(
            select(Inspection).where(Inspection.assignment_id == visit.id)
        ).all()
        # Every member filled every pinned form, and each was accepted against its version.
        assert {(i.inspector_id, i.form_id) for i in inspections} == {
            (uid, pin["form_id"]) for uid in members for pin in visit.form_pins
        }
        assert {i.status for i in inspections} == {InspectionStatus.accepted}
        photos = session.scalars(select(Photo).where(Photo.assignment_id == visit.id)).all()
        assert len(photos) >= 10 and {p.status for p in photos} == {PhotoStatus.accepted}
        for photo in photos:  # real JPEGs in the store, read with their EXIF position
            assert store.read(photo.sha256)[:2] == b"\xff\xd8"
            assert photo.latitude is not None and photo.gps_accuracy_m == 5.0
            assert visit.window_start <= photo.exif_taken_at <= visit.window_end
        codes = Counter(f.code for p in photos for f in p.findings)
        assert codes == {"geo.outside_boundary": 1}, codes  # one from the road; nothing else
        told = session.scalars(
            select(IngestedRevision.outcome).where(
                IngestedRevision.doc_id.in_([p.doc_id for p in photos])
            )
        ).all()
        assert told and set(told) == {"accepted"}
        reconciled = current_result(session, filing.id)
        assert reconciled is not None
        verdicts = {
            i["indicator"]: i["verdict"]
            for case in reconciled.result["cases"]
            for i in case["indicators"]
        }
        if reconciled.result["visits"][0]["void"]:
            # The demo's last visit found the treatment switched off (server.demo.production):
            # not normal production, so nothing of it counts and a new visit is needed.
            assert reconciled.needs_new_visit
            assert verdicts["fugitive_emissions.no_visible_dust"] == "unverifiable"
            continue
        assert verdicts["fugitive_emissions.no_visible_dust"] == "verified"
        expected = "contradicted" if n == 1 else "verified"  # the plant with a gate unwatched
        assert verdicts["transport_control.gate_plate_recognition"] == expected
