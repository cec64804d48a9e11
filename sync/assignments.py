"""Pushing assignments (and the form versions they pin) to each team member's database, and
withdrawing them when cancelled or when a member leaves the team."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.assignments.checklist import pinned_form
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.payload import assignment_payload
from server.syncstate.models import AssignmentPush
from sync import outbox
from sync.contract import SCHEMA_VERSION, db_name, photo_limits

PUSHED = (AssignmentStatus.published, AssignmentStatus.cancelled, AssignmentStatus.done)


def push_assignments(session: Session) -> int:
    """Queue what each member's tablet is missing; returns the number of documents queued."""
    queued = 0
    assignments = session.scalars(select(Assignment).where(Assignment.status.in_(PUSHED)))
    for assignment in assignments:
        pushes = {
            p.user_id: p
            for p in session.scalars(
                select(AssignmentPush).where(AssignmentPush.assignment_id == assignment.id)
            )
        }
        members = {m.user_id for m in assignment.members}
        live = assignment.status is AssignmentStatus.published
        for user_id in sorted(members if live else set()):
            push = pushes.get(user_id)
            if (
                push is not None
                and push.pushed_version == assignment.version
                and not (push.withdrawn)
            ):
                continue
            queued += _send(session, assignment, user_id)
            if push is None:
                session.add(
                    AssignmentPush(
                        assignment_id=assignment.id,
                        user_id=user_id,
                        pushed_version=assignment.version,
                    )
                )
            else:
                push.pushed_version, push.withdrawn = assignment.version, False
        for user_id, push in pushes.items():
            if push.withdrawn or (live and user_id in members):
                continue
            outbox.enqueue(
                session,
                db_name=db_name(user_id),
                doc_id=f"assignment:{assignment.id}",
                body={"_deleted": True},
            )
            push.withdrawn = True
            queued += 1
    return queued


def _send(session: Session, assignment: Assignment, user_id: int) -> int:
    db = db_name(user_id)
    payload = assignment_payload(session, assignment)
    outbox.enqueue(
        session,
        db_name=db,
        doc_id=f"assignment:{assignment.id}",
        body={
            "type": "assignment",
            "schema_version": SCHEMA_VERSION,
            **payload,
            "photo_limits": photo_limits(),  # so the app downscales only what would be refused
        },
    )
    for pin in assignment.form_pins:
        form = pinned_form(pin)  # a generated checklist from its stored definition
        outbox.enqueue(
            session,
            db_name=db,
            doc_id=f"form:{form.id}:{form.version}",
            body={"type": "form", "schema_version": SCHEMA_VERSION, "form": form.to_dict()},
        )
    return 1 + len(assignment.form_pins)
