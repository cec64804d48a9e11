"""Ingesting what tablets send: inspection and photo documents become SQL rows.

Called by the sync worker inside its batch transaction; these functions flush, never commit.
A document the server will never accept is answered, not retried: it is stored as rejected
with reasons the inspector can act on, and the feedback says so (ANCHORS.md, CommCare).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspection_forms import PlantContext, Problem
from media import BlobStore
from media.checks import RegisteredDevice
from server.assignments.models import Assignment, AssignmentMember
from server.evidence import repository as evidence_repository
from server.evidence.evaluation import Visit, visit_of
from server.evidence.models import Photo
from server.evidence.service import receive_photo, refuse_document
from server.inspections.forms import dry_run, plant_context
from server.inspections.models import Inspection, InspectionRevision, InspectionStatus
from server.registry.models import Site

# Where photo bytes go: the media store (originals by sha256, derivatives beside them).
BlobSink = BlobStore


@dataclass
class AssignmentFacts:
    """What ingesting needs of an assignment, read once per batch."""

    assignment: Assignment
    members: frozenset[int]
    context: PlantContext
    pins: dict[tuple[Any, Any], str | None]  # (form id, version) -> sha256


class BatchContext:
    """Lookups shared by the documents of one batch, so each is read from SQL once."""

    def __init__(self, session: Session, doc_ids: list[str]) -> None:
        self.session = session
        self.now = dt.datetime.now(dt.UTC)
        # Rows the caller writes in bulk at the end of the batch (processed revisions, outbox).
        self.ingested: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        self._facts: dict[int, AssignmentFacts | None] = {}
        self._visits: dict[int, Visit] = {}
        self._devices: dict[int, list[RegisteredDevice]] = {}
        self.inspections = {
            i.doc_id: i
            for i in session.scalars(select(Inspection).where(Inspection.doc_id.in_(doc_ids)))
        }
        self.photos = {
            p.doc_id: p for p in session.scalars(select(Photo).where(Photo.doc_id.in_(doc_ids)))
        }

    def facts(self, assignment_id: int) -> AssignmentFacts | None:
        if assignment_id not in self._facts:
            self._facts[assignment_id] = self._load(assignment_id)
        return self._facts[assignment_id]

    def visit(self, facts: AssignmentFacts) -> Visit:
        """The assignment's site, geofence and window as the photo checks take them."""
        key = facts.assignment.id
        if key not in self._visits:
            self._visits[key] = visit_of(self.session, facts.assignment)
        return self._visits[key]

    def devices(self, user_id: int) -> list[RegisteredDevice]:
        if user_id not in self._devices:
            self._devices[user_id] = evidence_repository.registered_devices(self.session, user_id)
        return self._devices[user_id]

    def _load(self, assignment_id: int) -> AssignmentFacts | None:
        assignment = self.session.get(Assignment, assignment_id)
        if assignment is None:
            return None
        members = frozenset(
            self.session.scalars(
                select(AssignmentMember.user_id).where(
                    AssignmentMember.assignment_id == assignment_id
                )
            )
        )
        site = self.session.get(Site, assignment.site_id)
        assert site is not None  # an assignment's site is a foreign key
        pins = {(pin["form_id"], pin["version"]): pin.get("sha256") for pin in assignment.form_pins}
        return AssignmentFacts(assignment, members, plant_context(site), pins)


@dataclass
class Feedback:
    """What the tablet is told about one document revision."""

    status: str  # received | accepted | rejected | withdrawn
    problems: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def rejected(cls, path: str, code: str, zh: str, en: str) -> Feedback:
        return cls("rejected", [{"path": path, "code": code, "message_zh": zh, "message_en": en}])


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _assignment_problem(
    batch: BatchContext, owner_id: int, assignment_id: Any
) -> tuple[AssignmentFacts | None, Feedback | None]:
    if not isinstance(assignment_id, int):
        return None, Feedback.rejected(
            "assignment_id", "assignment.missing", "缺少核查任务编号", "assignment_id is missing"
        )
    facts = batch.facts(assignment_id)
    if facts is None or owner_id not in facts.members:
        return None, Feedback.rejected(
            "assignment_id",
            "assignment.not_yours",
            f"核查任务 {assignment_id} 不存在或未指派给您",
            f"assignment {assignment_id} does not exist or is not assigned to you",
        )
    return facts, None


def _validate(facts: AssignmentFacts, doc: dict[str, Any]) -> list[Problem]:
    if (doc.get("form_id"), doc.get("form_version")) not in facts.pins:
        pinned = ", ".join(f"{f} v{v}" for f, v in sorted(facts.pins))
        return [
            Problem(
                "form_version",
                "form.not_pinned",
                f"本任务使用的核查表为 {pinned}",
                f"this assignment uses {pinned}; form {doc.get('form_id')} "
                f"v{doc.get('form_version')} is not one of them",
            )
        ]
    return dry_run(doc, facts.context)


def ingest_inspection(
    session: Session,
    *,
    owner_id: int,
    doc: dict[str, Any],
    losers: list[dict[str, Any]],
    batch: BatchContext,
) -> Feedback:
    """Record the winning revision of an inspection document (and any losing ones).

    Everything that can fail is worked out before the session is touched, so a failure leaves
    no half-written inspection behind; the caller flushes the batch once.
    """
    facts, refusal = _assignment_problem(batch, owner_id, doc.get("assignment_id"))
    problems: list[dict[str, str]] = []
    if refusal is not None:
        status, problems = InspectionStatus.rejected, refusal.problems
    elif doc.get("status") == "submitted":
        assert facts is not None
        found = _validate(facts, doc)
        problems = [p.to_dict() for p in found]
        status = InspectionStatus.rejected if found else InspectionStatus.accepted
    else:
        status = InspectionStatus.draft
    answers = doc.get("answers")
    form_version = doc.get("form_version")
    fields = {
        "assignment_id": facts.assignment.id if facts else None,
        "device_id": _text(doc.get("device_id")),
        "form_id": _text(doc.get("form_id")),
        "form_version": form_version if isinstance(form_version, int) else None,
        "form_sha256": facts.pins.get((doc.get("form_id"), form_version)) if facts else None,
        "status": status,
        "started_at": _parse_time(doc.get("started_at")),
        "submitted_at": _parse_time(doc.get("submitted_at")),
        "current_rev": doc["_rev"],
        "answers": answers if isinstance(answers, dict) else {},
        "problems": problems,
    }
    inspection = batch.inspections.get(doc["_id"])
    if inspection is None:
        inspection = Inspection(
            doc_id=doc["_id"], inspector_id=owner_id, has_conflict=False, **fields
        )
        session.add(inspection)
        batch.inspections[doc["_id"]] = inspection
    else:
        for key, value in fields.items():
            setattr(inspection, key, value)
    inspection.has_conflict = bool(inspection.has_conflict) or bool(losers)
    _keep_revision(inspection, doc, winner=True)
    for loser in losers:
        _keep_revision(inspection, loser, winner=False)
    feedback_status = "received" if status is InspectionStatus.draft else status.value
    return Feedback(feedback_status, problems)


def _keep_revision(inspection: Inspection, body: dict[str, Any], *, winner: bool) -> None:
    revisions = inspection.revisions  # empty without a query for a new inspection
    existing = next((r for r in revisions if r.rev == body["_rev"]), None)
    if existing is None:
        revisions.append(InspectionRevision(rev=body["_rev"], winner=winner, body=body))
    else:
        existing.winner = winner
    if winner:  # at most one revision is the current winner
        for other in revisions:
            if other.rev != body["_rev"]:
                other.winner = False


def ingest_photo(
    session: Session,
    *,
    owner_id: int,
    doc: dict[str, Any],
    data: bytes | None,
    store: BlobSink,
    batch: BatchContext,
) -> Feedback:
    """Receive a photo document through the evidence pipeline (server.evidence.service).

    The photo is stored, read and checked, or kept as rejected with a reason the inspector can
    act on (not their assignment, no photo attached, not a photo we accept).
    """
    doc_id = doc["_id"]
    existing = batch.photos.get(doc_id)
    if existing is not None and existing.inspector_id != owner_id:
        return Feedback.rejected(  # someone else's row: never touched
            "_id",
            "photo.id_taken",
            "该照片编号已被使用，请重新生成编号",
            f"{doc_id} already names another inspector's photo; make a new id",
        )
    facts, refusal = _assignment_problem(batch, owner_id, doc.get("assignment_id"))
    attachments = doc.get("_attachments") or {}
    [meta] = attachments.values() if len(attachments) == 1 else [None]
    said = {
        "inspection_doc_id": _text(doc.get("inspection_id")),
        "item": _text(doc.get("item")),
        "device_id": _text(doc.get("device_id"), 100),
        "tablet_taken_at": _parse_time(doc.get("taken_at")),
        "content_type": _text(meta.get("content_type") if isinstance(meta, dict) else None, 40),
        "rev": doc["_rev"],
    }
    if facts is None or data is None or meta is None:
        refusal = refusal or Feedback.rejected(
            "_attachments", "photo.missing", "照片文件缺失", "the photo document has no photo"
        )
        batch.photos[doc_id] = refuse_document(
            session,
            existing=existing,
            doc_id=doc_id,
            door="sync",
            inspector_id=owner_id,
            assignment_id=facts.assignment.id if facts else None,
            problem=refusal.problems[0],
            received=data,
            **said,
        )
        return refusal
    photo, outcome = receive_photo(
        session,
        inspector_id=owner_id,
        data=data,
        door="sync",
        doc_id=doc_id,
        assignment_id=facts.assignment.id,
        store=store,
        existing=existing,
        visit=batch.visit(facts),
        devices=batch.devices(owner_id),
        **said,
    )
    batch.photos[doc_id] = photo
    if outcome.accepted:
        return Feedback("accepted")
    rejection = outcome.rejection or {}
    return Feedback.rejected(
        "_attachments", rejection["code"], rejection["message_zh"], rejection["message_en"]
    )


def withdraw(*, doc_id: str, rev: str, batch: BatchContext) -> Feedback:
    """A tablet deleted its document: keep everything, mark it withdrawn."""
    inspection = batch.inspections.get(doc_id)
    if inspection is not None:
        inspection.status = InspectionStatus.withdrawn
        inspection.current_rev = rev
    photo = batch.photos.get(doc_id)
    if photo is not None:
        photo.status, photo.current_rev = "withdrawn", rev
    return Feedback("withdrawn")


def _text(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None
