"""Review batches: an industry batch of a city's year with its deadline (S0 §四, S2 §七)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.accounts.models import Role
from server.audit.service import record
from server.catalogue import catalogue
from server.db import paginate
from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.registry.models import Enterprise, Site
from server.review.errors import BatchOverlap
from server.review.models import ReviewBatch


class DuplicateBatch(Conflict):
    code = "batch.duplicate"


@dataclass(frozen=True)
class BatchFiling:
    """A filing of a batch as the draw sees it: its main industry case decides its stratum."""

    filing_id: int
    status: FilingStatus
    county: str
    industry_code: str
    claimed_grade: str


def create_batch(
    session: Session,
    *,
    actor: Actor,
    name: str,
    city: str,
    year: int,
    industries: list[str],
    deadline: dt.date,
) -> ReviewBatch:
    """Open a batch (city reviewers, admins). Raises ValidationFailed, DuplicateBatch, BatchOverlap."""
    actor.require(Role.city_reviewer, Role.admin)
    if not actor.sees_city(city):  # checked where the batch is written, not only by the pages
        raise Forbidden(f"you work for {actor.city}; a batch of {city} is opened by that city")
    known = catalogue().all_industry_codes()
    errors: dict[str, list[str]] = {}
    if not industries:
        errors["industries"] = ["a batch covers at least one industry"]
    unknown = sorted(set(industries) - known)
    if unknown:
        errors.setdefault("industries", []).append(f"unknown industries: {', '.join(unknown)}")
    if len(set(industries)) != len(industries):
        errors.setdefault("industries", []).append("an industry appears twice")
    if not name.strip():
        errors["name"] = ["must not be empty"]
    if errors:
        raise ValidationFailed("the batch has problems", errors=errors)
    if session.scalar(
        select(ReviewBatch.id).where(ReviewBatch.city == city, ReviewBatch.name == name)
    ):
        raise DuplicateBatch(f"{city} already has a batch named {name!r}")
    for other in session.scalars(
        select(ReviewBatch).where(ReviewBatch.city == city, ReviewBatch.year == year)
    ):
        shared = sorted(set(other.industries) & set(industries))
        if shared:
            raise BatchOverlap(
                f"{', '.join(shared)} already belong to batch {other.id} ({other.name}) of {year}; "
                "a filing may be in one batch only",
                errors={"industries": [f"already in batch {other.id}: {', '.join(shared)}"]},
            )
    batch = ReviewBatch(
        name=name.strip(),
        city=city,
        year=year,
        industries=sorted(industries),
        deadline=deadline,
        created_by=actor.user_id,
    )
    session.add(batch)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="batch.created",
        subject_type="review_batch",
        subject_id=batch.id,
        data={
            "name": batch.name,
            "city": city,
            "year": year,
            "industries": batch.industries,
            "deadline": deadline.isoformat(),
        },
    )
    return batch


def get_batch(session: Session, actor: Actor, batch_id: int) -> ReviewBatch:
    actor.require(*REVIEWER_ROLES)
    batch = session.get(ReviewBatch, batch_id)
    if batch is None or not actor.sees_city(batch.city):  # another city's: as if absent
        raise NotFound(f"batch {batch_id} not found")
    return batch


def list_batches(
    session: Session,
    actor: Actor,
    *,
    year: int | None = None,
    city: str | None = None,
    offset: int,
    limit: int,
) -> tuple[list[ReviewBatch], int]:
    actor.require(*REVIEWER_ROLES)
    query = select(ReviewBatch)
    if actor.city is not None:  # a reviewer sees their own city's batches
        query = query.where(ReviewBatch.city == actor.city)
    if year is not None:
        query = query.where(ReviewBatch.year == year)
    if city:
        query = query.where(ReviewBatch.city == city)
    return paginate(session, query, offset=offset, limit=limit, order_by=ReviewBatch.id)


def batch_filings(session: Session, batch: ReviewBatch) -> list[BatchFiling]:
    """Every filing of the batch (its year and city, its main industry in the batch), by id."""
    query = (
        select(
            Filing.id,
            Filing.status,
            Enterprise.county,
            IndustryCase.industry_code,
            IndustryCase.claimed_grade,
        )
        .join(Filing.site)
        .join(Site.enterprise)
        .join(IndustryCase, and_(IndustryCase.filing_id == Filing.id, IndustryCase.is_main))
        .where(
            Filing.year == batch.year,
            Enterprise.city == batch.city,
            IndustryCase.industry_code.in_(batch.industries),
        )
        .order_by(Filing.id)
    )
    return [BatchFiling(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class BatchSummary:
    batch: ReviewBatch
    status_counts: dict[str, int]  # how many of its filings are in each workflow state


def batch_summary(session: Session, actor: Actor, batch_id: int) -> BatchSummary:
    """The batch and where its filings stand. Raises NotFound, Forbidden."""
    batch = get_batch(session, actor, batch_id)
    counts = Counter(row.status.value for row in batch_filings(session, batch))
    return BatchSummary(batch, dict(sorted(counts.items())))
