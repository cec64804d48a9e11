"""Running media's checks on a stored photo: the visit's context from SQL, findings into SQL.

The checks read only the stored metadata (``Photo.meta``), never the original, so they run at
ingest and again whenever the context changes (a corrected boundary, a moved window, a device
registered late) at the cost of a few queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from media.checks import CheckContext, DevicePosition, RegisteredDevice, SiteBoundary, evaluate
from media.findings import Finding
from media.metadata import PhotoMetadata
from media.phash import from_signed
from server.assignments.models import Assignment
from server.audit.service import record
from server.db import utcnow
from server.errors import NotFound
from server.evidence import repository
from server.evidence.models import Photo, PhotoFinding
from server.registry.models import Site


@dataclass(frozen=True)
class Visit:
    """What the checks need of an assignment: the plant (site), its geofence, the window."""

    assignment_id: int
    site_id: int
    window_start: dt.datetime
    window_end: dt.datetime
    created_at: dt.datetime
    boundary: SiteBoundary | None


def visit_of(session: Session, assignment: Assignment) -> Visit:
    site = session.get(Site, assignment.site_id)
    assert site is not None  # an assignment's site is a foreign key
    boundary = SiteBoundary(site.boundary, site.datum or "WGS84") if site.boundary else None
    return Visit(
        assignment_id=assignment.id,
        site_id=site.id,
        window_start=assignment.window_start,
        window_end=assignment.window_end,
        created_at=assignment.created_at,
        boundary=boundary,
    )


def load_visit(session: Session, assignment_id: int) -> Visit:
    """Raises NotFound when there is no such assignment."""
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"assignment {assignment_id} not found")
    return visit_of(session, assignment)


def evaluate_photo(
    session: Session,
    photo: Photo,
    *,
    visit: Visit,
    devices: Sequence[RegisteredDevice] | None = None,
) -> list[Finding]:
    """Run every check on a read photo, replace its findings with the result and append them
    to the audit chain (``photo.evaluated``: each finding's code and severity).

    Queries for the reuse candidates (and the inspector's devices when not given); the photo
    itself is flushed by that query, so photos of the same batch see each other.
    """
    if photo.meta is None or photo.sha256 is None:
        raise ValueError(f"photo {photo.doc_id} was not read; there is nothing to check")
    if devices is None:
        devices = repository.registered_devices(session, photo.inspector_id)
    phash = from_signed(photo.phash) if photo.phash is not None else None
    context = CheckContext(
        plant_id=visit.site_id,
        visit_id=visit.assignment_id,
        visit_start=visit.window_start,
        visit_end=visit.window_end,
        boundary=visit.boundary,
        assignment_created_at=visit.created_at,
        recorded_at=photo.tablet_taken_at,
        device_position=DevicePosition.from_dict(photo.device_position),
        sender_device_id=photo.device_id,
        registered_devices=devices,
        prior_uses=repository.reuse_candidates(
            session, sha256=photo.sha256, phash=phash, exclude_doc_id=photo.doc_id
        ),
    )
    findings = evaluate(
        PhotoMetadata.from_dict(photo.meta), sha256=photo.sha256, phash=phash, context=context
    )
    now = utcnow()
    photo.findings = [
        PhotoFinding(
            code=f.code,
            severity=f.severity.value,
            message_zh=f.message_zh,
            message_en=f.message_en,
            data=f.data,
            evaluated_at=now,
        )
        for f in findings
    ]
    photo.evaluated_at = now
    if photo.id is None:
        session.flush()  # the photo's id is the audit event's subject
    record(
        session,
        actor_id=None,  # the checks ran; whoever caused it is in the custody event
        action="photo.evaluated",
        subject_type="photo",
        subject_id=photo.id,
        data={
            "doc_id": photo.doc_id,
            "sha256": photo.sha256,
            "findings": sorted([f.code, f.severity.value] for f in findings),
        },
    )
    return findings
