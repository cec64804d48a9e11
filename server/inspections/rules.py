"""Rules a device document must meet before anything is written for it.

- **Ownership.** A device document belongs to the inspector database it first arrived from,
  i.e. to the inspector who owns that database (``inspector_id`` on its row). A revision or a
  tombstone of the same id from any other database is refused (``document.not_yours``) and
  nothing of the owner's changes. Ids are never trusted to be secret.
- **Accepted evidence is immutable.** A photo once accepted keeps its bytes and what the
  tablet said of it when it was accepted; a later revision that changes either is refused
  (``photo.immutable``), the original kept.
- **The document itself.** ``status`` is ``draft`` or ``submitted``; a submission says when
  (``submitted_at``).
- **Assignment changes.** Work done while its sender was on the assignment, and before the
  assignment was cancelled, is kept and attributed to it; work done after is kept, attributed,
  and answered ``kept`` with the reason: it does not count and need not be sent again. "When the
  work was done" is the tablet's own time (``submitted_at``/``started_at``, a photo's
  ``taken_at``); "when the assignment changed" comes from the audit chain.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.assignments.models import AssignmentStatus
from server.audit.models import AuditEvent

STATUSES = ("draft", "submitted")


def problem(path: str, code: str, zh: str, en: str) -> dict[str, str]:
    return {"path": path, "code": code, "message_zh": zh, "message_en": en}


def not_yours(doc_id: str) -> dict[str, str]:
    return problem(
        "_id",
        "document.not_yours",
        "此编号的记录已由另一位核查员的平板先行提交，服务器未作任何更改。"
        "请在您的平板上为这条记录生成新的编号后再同步。",
        f"A document with the id {doc_id} arrived first from another inspector's database, "
        "so it is not yours to change or delete; the server changed nothing. "
        "Give your record a new id on the tablet and sync it again.",
    )


def photo_immutable(fields: list[str]) -> dict[str, str]:
    what = "照片文件" if "_attachments" in fields else "、".join(fields)
    what_en = "its picture" if "_attachments" in fields else ", ".join(fields)
    return problem(
        "_attachments" if "_attachments" in fields else fields[0],
        "photo.immutable",
        f"这张照片已被接受为证据，不能再修改（{what}）。服务器保留最初接受的版本，您无需重新提交；"
        "如需补充，请作为一张新照片提交。",
        f"This photo was already accepted as evidence and cannot change ({what_en}). The "
        "server keeps the version it accepted and you need not resend it; to add something, "
        "send it as a new photo.",
    )


def status_problems(doc: dict[str, Any], submitted_at: dt.datetime | None) -> list[dict[str, str]]:
    """What is wrong with the document's ``status`` and ``submitted_at``."""
    status = doc.get("status")
    if status not in STATUSES:
        return [
            problem(
                "status",
                "status.unknown",
                f"记录状态“{str(status)[:40]}”无法识别。状态只能是 draft（草稿）或 submitted（提交）。",
                f"The status {str(status)[:40]!r} is not one the server knows. "
                "Use draft or submitted.",
            )
        ]
    if status == "submitted" and submitted_at is None:
        return [
            problem(
                "submitted_at",
                "submitted_at.missing",
                "提交的记录必须带有提交时间（带时区的 ISO 8601 格式）。请补上提交时间后重新提交。",
                "A submitted record needs submitted_at, an ISO 8601 time with its offset. "
                "Add it and submit again.",
            )
        ]
    return []


@dataclass(frozen=True)
class Change:
    """How an assignment changed for one inspector, from the audit chain."""

    ever_member: bool
    removed_at: dt.datetime | None  # the inspector was taken off the team then
    cancelled_at: dt.datetime | None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def assignment_change(session: Session, assignment_id: int, user_id: int) -> Change:
    """Read the assignment's history for ``user_id`` (only asked when something changed)."""
    ever, removed_at, cancelled_at = False, None, None
    events = session.execute(
        select(AuditEvent.at, AuditEvent.action, AuditEvent.data)
        .where(AuditEvent.subject_type == "assignment", AuditEvent.subject_id == assignment_id)
        .order_by(AuditEvent.seq)
    )
    for at, action, data in events:
        if action == "assignment.created":
            ever = ever or user_id in (data.get("members") or [])
            continue
        if action != "assignment.updated":
            continue
        before, after = data.get("before") or {}, data.get("after") or {}
        was, now = user_id in (before.get("members") or []), user_id in (after.get("members") or [])
        ever = ever or was or now
        if was and not now:
            removed_at = _aware(at)
        elif now:
            removed_at = None
        if before.get("status") != "cancelled" and after.get("status") == "cancelled":
            cancelled_at = _aware(at)
    return Change(ever, removed_at, cancelled_at)


@dataclass(frozen=True)
class Standing:
    """Whether work on an assignment counts, and if not, the reason told to the tablet."""

    attributed: bool  # the row keeps the assignment id
    done_in_time: bool  # validated like any member's work
    reason: dict[str, str] | None  # set: the work is kept but does not count


def standing(
    session: Session,
    *,
    assignment_id: int,
    status: AssignmentStatus,
    member: bool,
    user_id: int,
    done_at: dt.datetime | None,
) -> Standing:
    """Judge work by ``user_id`` on an assignment that exists."""
    if member and status is not AssignmentStatus.cancelled:
        return Standing(True, True, None)
    change = assignment_change(session, assignment_id, user_id)
    if not member and not change.ever_member:
        return Standing(False, False, None)  # never theirs: assignment.not_yours
    at = _aware(done_at) if done_at is not None else None
    if not member and change.removed_at is not None:
        in_time = at is not None and at < change.removed_at
        if in_time and change.cancelled_at is None:
            return Standing(True, True, None)  # done while on the team: counts
        if not in_time:
            when = change.removed_at.isoformat(timespec="minutes")
            return Standing(
                True,
                False,
                problem(
                    "assignment_id",
                    "assignment.left",
                    f"您已于 {when}（UTC）被调离核查任务 {assignment_id}，这条记录的时间在此之后。"
                    "服务器已保留这条记录，但它不计入该任务；无需重新提交。",
                    f"You were taken off assignment {assignment_id} at {when} UTC and this "
                    "record is dated after that. The server keeps it, but it does not count "
                    "for the assignment; you need not resend it.",
                ),
            )
    cancelled_at = change.cancelled_at or dt.datetime.max.replace(tzinfo=dt.UTC)
    when = change.cancelled_at.isoformat(timespec="minutes") if change.cancelled_at else "?"
    in_time = at is not None and at < cancelled_at
    return Standing(
        True,
        in_time,
        problem(
            "assignment_id",
            "assignment.cancelled",
            f"核查任务 {assignment_id} 已于 {when}（UTC）取消。服务器已保留这条记录并归入该任务，"
            "但已取消的任务不参与评级核定；无需重新提交。",
            f"Assignment {assignment_id} was cancelled at {when} UTC. The server keeps this "
            "record with it, but a cancelled assignment does not count toward the grade; you "
            "need not resend it.",
        ),
    )
