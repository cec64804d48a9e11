"""Ingesting what tablets send: inspection and photo documents become SQL rows.

Called by the sync worker inside its batch transaction; these functions flush, never commit.
A document the server will never accept is answered, not retried: it is stored as rejected
with reasons the inspector can act on, and the feedback says so (ANCHORS.md, CommCare).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from inspection_forms import Problem, validate
from inspection_forms.claims import GENERATED_FORM_ID
from media import BlobStore
from server.assignments.checklist import pinned_form
from server.evidence.service import (
    PreparedPhoto,
    accepted_changes,
    holds_evidence,
    prepare_photo,
    record_photo,
    refuse_document,
    stated_position,
)
from server.inspections import rules
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


@dataclass
class _Verdict:
    """What one revision of an inspection amounts to."""

    status: InspectionStatus
    problems: list[dict[str, str]]
    facts: AssignmentFacts | None  # set when the row is attributed to the assignment
    feedback: str  # received | accepted | rejected | kept

    def answer(self) -> Feedback:
        return Feedback(self.feedback, self.problems)


def _assignment(
    session: Session, batch: BatchContext, owner_id: int, doc: dict[str, Any], done_at: Any
) -> tuple[AssignmentFacts | None, rules.Standing | None, dict[str, str] | None]:
    """The assignment a document names and how its sender stands on it, or the refusal."""
    assignment_id = doc.get("assignment_id")
    if type(assignment_id) is not int:
        missing = rules.problem(
            "assignment_id",
            "assignment.missing",
            "记录缺少核查任务编号（assignment_id，整数）。请选择核查任务后重新提交。",
            "The document has no assignment_id (an integer). Choose the assignment and "
            "submit again.",
        )
        return None, None, missing
    facts = batch.facts(assignment_id)
    standing = None
    if facts is not None:
        standing = rules.standing(
            session,
            assignment_id=assignment_id,
            status=facts.assignment.status,
            member=owner_id in facts.members,
            user_id=owner_id,
            done_at=done_at,
        )
    if facts is None or standing is None or not standing.attributed:
        return (
            None,
            None,
            rules.problem(
                "assignment_id",
                "assignment.not_yours",
                f"核查任务 {assignment_id} 不存在或未指派给您。请选择指派给您的核查任务后重新提交。",
                f"Assignment {assignment_id} does not exist or was never assigned to you. Choose "
                "one of your assignments and submit again.",
            ),
        )
    return facts, standing, None


def _judge(session: Session, batch: BatchContext, owner_id: int, doc: dict[str, Any]) -> _Verdict:
    submitted_at = _parse_time(doc.get("submitted_at"))
    done_at = submitted_at if doc.get("status") == "submitted" else None
    done_at = done_at or _parse_time(doc.get("started_at"))
    facts, standing, refusal = _assignment(session, batch, owner_id, doc, done_at)
    if refusal is not None:
        return _Verdict(InspectionStatus.rejected, [refusal], None, "rejected")
    assert facts is not None and standing is not None
    wrong = rules.status_problems(doc, submitted_at)
    if wrong:
        return _Verdict(InspectionStatus.rejected, wrong, facts, "rejected")
    reason = [standing.reason] if standing.reason else []
    if not standing.done_in_time:
        return _Verdict(InspectionStatus.rejected, reason, facts, "kept")
    if doc.get("status") != "submitted":
        return _Verdict(InspectionStatus.draft, reason, facts, "kept" if reason else "received")
    found = [p.to_dict() for p in _validate(facts, doc, batch)]
    status = InspectionStatus.rejected if found else InspectionStatus.accepted
    return _Verdict(status, reason + found, facts, "kept" if reason else status.value)


def _validate(facts: AssignmentFacts, doc: dict[str, Any], batch: BatchContext) -> list[Problem]:
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
    ahead = batch.validated.get((doc.get("_id"), doc.get("_rev")))  # type: ignore[arg-type]
    if ahead is not None and ahead.context == facts.context:
        return ahead.problems
    if doc.get("form_id") == GENERATED_FORM_ID:  # the checklist generated for this assignment
        pin = next(p for p in facts.assignment.form_pins if p["form_id"] == GENERATED_FORM_ID)
        return validate(pinned_form(pin), doc, facts.context)
    return dry_run(doc, facts.context)


def _content(doc: dict[str, Any], losers: list[dict[str, Any]]) -> dict[str, Any]:
    """The revision the inspection's row holds. CouchDB's winner, unless it is not submitted
    and a conflicting leaf is: a submission never loses silently to a draft (the latest
    ``submitted_at``, then the greater revision, among the submitted leaves)."""
    if doc.get("status") == "submitted":
        return doc
    submitted = [leaf for leaf in losers if leaf.get("status") == "submitted"]
    if not submitted:
        return doc
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return max(submitted, key=lambda d: (_parse_time(d.get("submitted_at")) or epoch, d["_rev"]))


def _conflict_extra(
    doc_id: str, kept: str, leaves: list[dict[str, Any]], verdicts: dict[str, _Verdict]
) -> dict[str, Any]:
    """Each leaf of a conflict gets its own answer, so each tablet finds its revision."""
    return {
        "about": {"id": doc_id, "rev": kept},
        "conflict": {
            "kept": kept,
            "message_zh": f"此记录在不同平板上有互相冲突的修改，服务器采用修订 {kept}。"
            "请在平板上删除不需要的版本以解决冲突。",
            "message_en": f"This record was changed on more than one tablet; the server took "
            f"revision {kept}. Resolve the conflict on the tablet by deleting the revisions "
            "you do not want.",
        },
        "revisions": [
            {
                "rev": leaf["_rev"],
                "status": verdicts[leaf["_rev"]].feedback,
                "problems": verdicts[leaf["_rev"]].problems,
            }
            for leaf in leaves
        ],
    }


def ingest_inspection(
    session: Session,
    *,
    owner_id: int,
    doc: dict[str, Any],
    losers: list[dict[str, Any]],
    batch: BatchContext,
) -> Feedback:
    """Record an inspection document: the revision it stands at (and any conflicting ones).

    Everything that can fail is worked out before the session is touched, so a failure leaves
    no half-written inspection behind; the caller flushes the batch once. Each revision ingested
    is an ``inspection.ingested`` audit event (status, form, problem codes, losing revisions).
    Another inspector's document is refused untouched (server.inspections.rules).
    """
    inspection = batch.inspections.get(doc["_id"])
    if inspection is not None and inspection.inspector_id != owner_id:
        return Feedback("rejected", [rules.not_yours(doc["_id"])])
    chosen = _content(doc, losers)
    leaves = [doc, *losers]
    verdicts = {leaf["_rev"]: _judge(session, batch, owner_id, leaf) for leaf in leaves}
    verdict = verdicts[chosen["_rev"]]
    facts, status, problems = verdict.facts, verdict.status, verdict.problems
    answers = chosen.get("answers")
    form_version = chosen.get("form_version")
    fields = {
        "assignment_id": facts.assignment.id if facts else None,
        "device_id": _text(chosen.get("device_id")),
        "form_id": _text(chosen.get("form_id")),
        "form_version": form_version if isinstance(form_version, int) else None,
        "form_sha256": facts.pins.get((chosen.get("form_id"), form_version)) if facts else None,
        "status": status,
        "started_at": _parse_time(chosen.get("started_at")),
        "submitted_at": _parse_time(chosen.get("submitted_at")),
        "current_rev": chosen["_rev"],
        "answers": answers if isinstance(answers, dict) else {},
        "problems": problems,
    }
    doc_id = doc["_id"]
    if inspection is None and batch.bulk and not losers and doc_id not in batch.pending_ids:
        # The usual case: a new inspection with one revision, written with the whole batch.
        batch.pending_ids.add(doc_id)
        batch.new_inspections.append(
            {
                **fields,
                "doc_id": doc_id,
                "inspector_id": owner_id,
                "has_conflict": False,
                "received_at": batch.now,
                "version": 1,
            }
        )
        batch.new_revisions.append(
            {
                "doc_id": doc_id,
                "rev": doc["_rev"],
                "winner": True,
                "body": without_answers(doc),  # the answers are on the inspection row
                "received_at": batch.now,
            }
        )
    elif inspection is None:
        inspection = Inspection(doc_id=doc_id, inspector_id=owner_id, has_conflict=False, **fields)
        session.add(inspection)
        batch.inspections[doc_id] = inspection
    else:
        _retire_winner(inspection, keep=chosen["_rev"])  # before its answers are replaced
        for key, value in fields.items():
            setattr(inspection, key, value)
    if inspection is not None:
        # Flagged while the document has several live leaves; cleared once a tablet resolves
        # the conflict (deletes the leaves it does not want).
        inspection.has_conflict = bool(losers)
        _keep_revision(inspection, chosen, winner=True)
        for leaf in leaves:
            if leaf is not chosen:
                _keep_revision(inspection, leaf, winner=False)
    batch.audit(
        "inspection.ingested",
        "inspection",
        inspection if inspection is not None else doc_id,
        {
            "doc_id": doc_id,
            "rev": chosen["_rev"],
            "status": status.value,
            "assignment_id": fields["assignment_id"],
            "form": [fields["form_id"], fields["form_version"]],  # its sha256 is pinned
            "problems": sorted({p["code"] for p in problems}),
            **(
                {"losing_revs": sorted(leaf["_rev"] for leaf in leaves if leaf is not chosen)}
                if losers
                else {}
            ),
        },
        actor_id=owner_id,
    )
    answer = verdict.answer()
    if losers:
        answer.extra = _conflict_extra(doc_id, chosen["_rev"], leaves, verdicts)
    return answer


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
        return Feedback("rejected", [rules.not_yours(doc_id)])  # never touched
    attachments = doc.get("_attachments") or {}
    [meta] = attachments.values() if len(attachments) == 1 else [None]
    said = {
        "inspection_doc_id": _text(doc.get("inspection_id")),
        "item": _text(doc.get("item")),
        "device_id": _text(doc.get("device_id"), 100),
        "tablet_taken_at": _parse_time(doc.get("taken_at")),
        "device_position": stated_position(doc.get("device_position")),
        "content_type": _text(meta.get("content_type") if isinstance(meta, dict) else None, 40),
        "rev": doc["_rev"],
    }
    if existing is not None and holds_evidence(existing):
        # Accepted evidence never changes: the same bytes and the same statements are the
        # same evidence (answered as before); anything else is refused, the original kept.
        stated = {k: v for k, v in said.items() if k not in ("content_type", "rev")}
        raw_assignment = doc.get("assignment_id")
        stated["assignment_id"] = raw_assignment if type(raw_assignment) is int else None
        changed = accepted_changes(existing, data=data, said=stated)
        if changed:
            return Feedback("rejected", [rules.photo_immutable(changed)])
        return Feedback("accepted" if existing.status == "accepted" else existing.status)
    facts, standing, refused = _assignment(session, batch, owner_id, doc, said["tablet_taken_at"])
    refusal = Feedback("rejected", [refused]) if refused else None
    if standing is not None and standing.reason is not None and not standing.done_in_time:
        refusal = Feedback("kept", [standing.reason])  # attributed, kept, does not count
    if facts is None or refusal is not None or data is None or meta is None:
        refusal = refusal or Feedback.rejected(
            "_attachments",
            "photo.missing",
            "照片记录中没有照片文件。请附上一张照片后重新提交。",
            "The photo document has no photo attached. Attach exactly one photo and send it again.",
        )
        batch.photos[doc_id] = refuse_document(
            session,
            existing=existing,
            doc_id=doc_id,
            door="sync",
            inspector_id=owner_id,
            assignment_id=facts.assignment.id if facts else None,
            problem=refusal.problems[-1],
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
    notice = [standing.reason] if standing is not None and standing.reason else []
    if outcome.accepted:
        return Feedback("kept", notice) if notice else Feedback("accepted")
    rejection = outcome.rejection or {}
    refused_photo = rules.problem(
        "_attachments", rejection["code"], rejection["message_zh"], rejection["message_en"]
    )
    return Feedback("kept" if notice else "rejected", [*notice, refused_photo])


def withdraw(*, owner_id: int, doc_id: str, rev: str, batch: BatchContext) -> Feedback:
    """A tablet deleted its document: keep everything, mark it withdrawn. A tombstone from
    another inspector's database changes nothing (``document.not_yours``)."""
    inspection = batch.inspections.get(doc_id)
    photo = batch.photos.get(doc_id)
    if any(row is not None and row.inspector_id != owner_id for row in (inspection, photo)):
        return Feedback("rejected", [rules.not_yours(doc_id)])
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
