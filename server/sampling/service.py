"""Drawing a batch, publishing the draw, reading it back, and re-drawing it to verify.

Eligible: the batch's filings that have reached the city (forwarded or in city review) and whose
main industry claims a drawn grade. A batch is drawn once; filings forwarded after that get a
supplementary draw over exactly those filings, with the same rules.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.audit.service import record
from server.clock import china_today
from server.db import utcnow
from server.errors import ValidationFailed
from server.filings.models import FilingStatus
from server.review.batches import batch_filings, get_batch
from server.review.errors import RateTooLow
from server.review.jurisdiction import parse_rate, rules_for
from server.review.models import ReviewBatch
from server.sampling.draw import ALGORITHM_V1, Candidate, DrawResult, draw, is_candidate
from server.sampling.errors import AlreadyDrawn, AlreadyPublished, NoFilings, NotDrawn
from server.sampling.models import Draw, DrawEntry
from server.sampling.repository import get_draw

AT_CITY = frozenset({FilingStatus.forwarded, FilingStatus.city_review})
MAIN, SUPPLEMENTARY = "main", "supplementary"


def new_seed() -> str:
    """256 bits from the operating system's CSPRNG, as hex: nobody picks the seed."""
    return secrets.token_hex(32)


def _rate(
    session: Session, batch: ReviewBatch, asked: str | Decimal | None
) -> tuple[Decimal, int | None]:
    rules = rules_for(session, batch.city, china_today())
    if asked is None:
        return rules.sampling_rate, rules.version
    rate = parse_rate(asked)
    if rate < rules.sampling_rate:
        raise RateTooLow(
            f"sampling rate {rate} is below {batch.city}'s rate {rules.sampling_rate} "
            f"(settings version {rules.version or 'default'})",
            errors={"sampling_rate": [f"must be at least {rules.sampling_rate}"]},
        )
    return rate, rules.version


def _candidates(
    session: Session, batch: ReviewBatch, exclude: set[int]
) -> tuple[list[Candidate], Counter[str]]:
    """The eligible candidates, and how many of the batch's filings are where (for messages)."""
    where: Counter[str] = Counter()
    found = []
    for row in batch_filings(session, batch):
        where[row.status.value] += 1
        if (
            row.status in AT_CITY
            and is_candidate(row.claimed_grade)
            and row.filing_id not in exclude
        ):
            found.append(Candidate(row.filing_id, row.county, row.industry_code, row.claimed_grade))
    return found, where


def create_draw(
    session: Session,
    *,
    actor: Actor,
    batch_id: int,
    supplementary: bool = False,
    sampling_rate: str | Decimal | None = None,
    seed: str | None = None,
) -> Draw:
    """Draw the batch (or, supplementary, its filings not in any earlier draw).

    Raises NotFound, Forbidden, RateTooLow, AlreadyDrawn, NotDrawn, NoFilings.
    """
    actor.require(Role.city_reviewer, Role.admin)
    batch = get_batch(session, actor, batch_id)
    rate, settings_version = _rate(session, batch, sampling_rate)
    earlier = list(
        session.scalars(select(Draw).where(Draw.batch_id == batch.id).order_by(Draw.sequence))
    )
    if earlier and not supplementary:
        first = earlier[0]
        raise AlreadyDrawn(
            f"batch {batch.id} was drawn already (draw {first.id}, {first.drawn_at:%Y-%m-%d %H:%M} UTC); "
            "a draw is never repeated: filings that reached the city since get a supplementary draw"
        )
    if supplementary and not earlier:
        raise NotDrawn(
            f"batch {batch.id} has never been drawn; make its main draw before a supplementary one"
        )
    drawn_before = set(
        session.scalars(
            select(DrawEntry.filing_id).join(DrawEntry.draw).where(Draw.batch_id == batch.id)
        )
    )
    candidates, where = _candidates(session, batch, drawn_before)
    if not candidates:
        summary = ", ".join(f"{n} {status}" for status, n in sorted(where.items())) or "none"
        scope = "not in an earlier draw and " if supplementary else ""
        raise NoFilings(
            f"batch {batch.id} has no filing {scope}at the city (forwarded or in city review) "
            f"claiming a grade that is drawn (A+, A, leading, advanced, B, B-); "
            f"its filings by state: {summary}"
        )
    result = draw(
        seed=seed or new_seed(), rate=rate, candidates=candidates, algorithm_version=ALGORITHM_V1
    )
    row = _store(session, actor, batch, result, len(earlier) + 1, settings_version)
    record(
        session,
        actor_id=actor.user_id,
        action="draw.created",
        subject_type="draw",
        subject_id=row.id,
        data={
            "batch_id": batch.id,
            "kind": row.kind,
            "sequence": row.sequence,
            "algorithm_version": row.algorithm_version,
            "seed": row.seed,
            "sampling_rate": row.sampling_rate,
            "eligible_hash": row.eligible_hash,
            "eligible_count": row.eligible_count,
            "selected_hash": row.selected_hash,
            "selected": result.selected_ids,
        },
    )
    return row


def _store(
    session: Session,
    actor: Actor,
    batch: ReviewBatch,
    result: DrawResult,
    sequence: int,
    settings_version: int | None,
) -> Draw:
    row = Draw(
        batch_id=batch.id,
        sequence=sequence,
        kind=MAIN if sequence == 1 else SUPPLEMENTARY,
        algorithm_version=result.algorithm_version,
        seed=result.seed,
        sampling_rate=str(result.rate),
        settings_version=settings_version,
        eligible_hash=result.eligible_hash,
        eligible_count=len(result.entries),
        selected_hash=result.selected_hash,
        selected_count=len(result.selected_ids),
        drawn_by=actor.user_id,
    )
    session.add(row)
    session.flush()  # the entries below need the draw's id
    # One multi-row INSERT: a city's batch has thousands of candidates.
    session.execute(
        insert(DrawEntry),
        [
            {
                "draw_id": row.id,
                "filing_id": e.candidate.filing_id,
                "county": e.candidate.county,
                "industry_code": e.candidate.industry_code,
                "claimed_grade": e.candidate.claimed_grade,
                "score": e.score,
                "rank": e.rank,
                "selected": e.selected,
                "reason": e.reason,
            }
            for e in result.entries
        ],
    )
    return row


def publish_draw(
    session: Session, *, actor: Actor, draw_id: int, disclose_after: dt.datetime
) -> Draw:
    """Publish to county reviewers; the plants may learn of the selection from ``disclose_after``.

    Raises NotFound, Forbidden, AlreadyPublished, ValidationFailed (naive or before the draw).
    """
    actor.require(Role.city_reviewer, Role.admin)
    draw_row = get_draw(session, actor, draw_id)
    if draw_row.published_at is not None:
        raise AlreadyPublished(
            f"draw {draw_row.id} was published on {draw_row.published_at:%Y-%m-%d %H:%M} UTC "
            "and can no longer change"
        )
    if disclose_after.tzinfo is None:
        raise ValidationFailed(
            "disclose_after needs a timezone", errors={"disclose_after": ["give a UTC offset"]}
        )
    if disclose_after < draw_row.drawn_at:
        raise ValidationFailed(
            "disclose_after is before the draw",
            errors={"disclose_after": ["must not be before the draw was made"]},
        )
    draw_row.published_at = utcnow()
    draw_row.published_by = actor.user_id
    draw_row.disclose_after = disclose_after
    session.flush()  # a concurrent publication fails here (version) rather than at commit
    record(
        session,
        actor_id=actor.user_id,
        action="draw.published",
        subject_type="draw",
        subject_id=draw_row.id,
        data={
            "disclose_after": disclose_after.isoformat(),
            "selected_hash": draw_row.selected_hash,
        },
    )
    return draw_row


@dataclass(frozen=True)
class Verification:
    draw_id: int
    matches: bool
    problems: tuple[str, ...]
    selected_count: int
    eligible_count: int


def verify_draw(session: Session, draw_row: Draw) -> Verification:
    """Re-draw from the recorded seed, algorithm, rate and eligible set; compare with the record
    (the entries, the two hashes, and the list in the audit event)."""
    entries = list(
        session.scalars(
            select(DrawEntry).where(DrawEntry.draw_id == draw_row.id).order_by(DrawEntry.filing_id)
        )
    )
    candidates = [
        Candidate(e.filing_id, e.county, e.industry_code, e.claimed_grade) for e in entries
    ]
    problems: list[str] = []
    try:
        again = draw(
            seed=draw_row.seed,
            rate=Decimal(draw_row.sampling_rate),
            candidates=candidates,
            algorithm_version=draw_row.algorithm_version,
        )
    except ValueError as exc:
        return Verification(draw_row.id, False, (f"cannot re-draw: {exc}",), 0, len(entries))
    if again.eligible_hash != draw_row.eligible_hash:
        problems.append("the stored candidates do not hash to the recorded eligible-set hash")
    if again.selected_hash != draw_row.selected_hash:
        problems.append("re-drawing selects a different list than the recorded selected hash")
    recorded = {e.filing_id: (e.selected, e.reason, e.score) for e in entries}
    for entry in again.entries:
        fid = entry.candidate.filing_id
        if recorded[fid] != (entry.selected, entry.reason, entry.score):
            problems.append(f"filing {fid}: recorded {recorded[fid][1]}, re-drawn {entry.reason}")
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_type == "draw",
            AuditEvent.subject_id == draw_row.id,
            AuditEvent.action == "draw.created",
        )
    ).first()
    if event is None:
        problems.append("no draw.created audit event")
    elif sorted(event.data.get("selected", [])) != again.selected_ids:
        problems.append("the audit event's selected list differs from the re-drawn one")
    return Verification(
        draw_row.id, not problems, tuple(problems), len(again.selected_ids), len(entries)
    )


def verify(session: Session, actor: Actor, draw_id: int) -> Verification:
    """Verify a draw the actor may see. Raises NotFound."""
    return verify_draw(session, get_draw(session, actor, draw_id))
