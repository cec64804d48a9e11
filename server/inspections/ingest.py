"""Ingesting what tablets send: inspection and photo documents become SQL rows.

Called by the sync worker inside its batch transaction; these functions flush, never commit.
A document the server will never accept is answered, not retried: it is stored as rejected
with reasons the inspector can act on, and the feedback says so (ANCHORS.md, CommCare).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from inspection_forms import Problem
from media import BlobStore
from server.evidence.service import PreparedPhoto, prepare_photo, record_photo, refuse_document
from server.inspections.batch import AssignmentFacts, BatchContext, Feedback
from server.inspections.forms import dry_run
from server.inspections.models import Inspection, InspectionRevision, InspectionStatus

# Where photo bytes go: the media store (originals by sha256, derivatives beside them).
BlobSink = BlobStore


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
    no half-written inspection behind; the caller flushes the batch once. Each revision ingested
    is an ``inspection.ingested`` audit event (status, form, problem codes, losing revisions).
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
    if inspection is None and batch.bulk and not losers and doc["_id"] not in batch.pending_ids:
        # The usual case: a new inspection with one revision, written with the whole batch.
        batch.pending_ids.add(doc["_id"])
        batch.new_inspections.append(
            {
                **fields,
                "doc_id": doc["_id"],
                "inspector_id": owner_id,
                "has_conflict": False,
                "received_at": batch.now,
                "version": 1,
            }
        )
        batch.new_revisions.append(
            {
                "doc_id": doc["_id"],
                "rev": doc["_rev"],
                "winner": True,
                "body": without_answers(doc),  # the answers are on the inspection row
                "received_at": batch.now,
            }
        )
    elif inspection is None:
        inspection = Inspection(
            doc_id=doc["_id"], inspector_id=owner_id, has_conflict=False, **fields
        )
        session.add(inspection)
        batch.inspections[doc["_id"]] = inspection
    else:
        _retire_winner(inspection, keep=doc["_rev"])  # before its answers are replaced
        for key, value in fields.items():
            setattr(inspection, key, value)
    if inspection is not None:
        inspection.has_conflict = bool(inspection.has_conflict) or bool(losers)
        _keep_revision(inspection, doc, winner=True)
        for loser in losers:
            _keep_revision(inspection, loser, winner=False)
    batch.audit(
        "inspection.ingested",
        "inspection",
        inspection if inspection is not None else doc["_id"],
        {
            "doc_id": doc["_id"],
            "rev": doc["_rev"],
            "status": status.value,
            "assignment_id": fields["assignment_id"],
            "form": [fields["form_id"], fields["form_version"]],  # its sha256 is pinned
            "problems": sorted({p["code"] for p in problems}),
            **({"losing_revs": sorted(loser["_rev"] for loser in losers)} if losers else {}),
        },
        actor_id=owner_id,
    )
    feedback_status = "received" if status is InspectionStatus.draft else status.value
    return Feedback(feedback_status, problems)


# Every answer set is stored once: the winning revision's answers are the inspection row's
# ``answers`` and its body leaves them out; a revision that stops winning gets them back into
# its body; losing revisions of a conflict always keep their whole body. ``full_body`` puts a
# revision's document back together.


def without_answers(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key != "answers"}


def full_body(inspection: Inspection, revision: InspectionRevision) -> dict[str, Any]:
    """The document as the tablet sent it, for any revision kept."""
    if revision.winner and "answers" not in revision.body:
        return {**revision.body, "answers": inspection.answers}
    return revision.body


def _retire_winner(inspection: Inspection, *, keep: str) -> None:
    """The current winner is about to be replaced: give its answers back to its body."""
    for revision in inspection.revisions:
        if revision.winner and revision.rev != keep and "answers" not in revision.body:
            revision.body = {**revision.body, "answers": inspection.answers}


def _keep_revision(inspection: Inspection, body: dict[str, Any], *, winner: bool) -> None:
    revisions = inspection.revisions  # empty without a query for a new inspection
    stored = without_answers(body) if winner else body
    existing = next((r for r in revisions if r.rev == body["_rev"]), None)
    if existing is None:
        revisions.append(InspectionRevision(rev=body["_rev"], winner=winner, body=stored))
    else:
        existing.winner, existing.body = winner, stored
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
    prepared: PreparedPhoto | None = None,
) -> Feedback:
    """Receive a photo document through the evidence pipeline (server.evidence.service).

    The photo is stored, read and checked, or kept as rejected with a reason the inspector can
    act on (not their assignment, no photo attached, not a photo we accept). The sync worker
    passes the photo ``prepared`` (decoded and stored) before its transaction opened; given
    only ``data``, it is prepared here (scripts, the demo).
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
    if prepared is None:
        prepared = prepare_photo(data, store, tablet_taken_at=said["tablet_taken_at"])
    photo, outcome = record_photo(
        session,
        prepared,
        inspector_id=owner_id,
        door="sync",
        doc_id=doc_id,
        assignment_id=facts.assignment.id,
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
        batch.audit(
            "inspection.withdrawn",
            "inspection",
            inspection,
            {"doc_id": doc_id, "rev": rev},
            actor_id=inspection.inspector_id,
        )
    photo = batch.photos.get(doc_id)
    if photo is not None:
        photo.status, photo.current_rev = "withdrawn", rev
        batch.audit(
            "photo.withdrawn",
            "photo",
            photo,
            {"doc_id": doc_id, "rev": rev, "sha256": photo.sha256},
            actor_id=photo.inspector_id,
        )
    return Feedback("withdrawn")


def _text(value: Any, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None
