"""What the county pages show: the county's queue by stage, and one filing's completeness check.

Reads only, through the services and repositories the API uses; every step a page takes is a
service call in ``server.web.views.county``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments import repository as assignments
from server.assignments.county import COUNTY_CHECK, COUNTY_CHECK_GRADES
from server.assignments.models import Assignment
from server.filings.models import Filing, FilingStatus, IndicatorClaim, IndustryCase
from server.filings.repository import get_filing
from server.review import service
from server.review.models import ReviewTransition
from server.web.queue import QueueFilter, QueuePage, review_queue

# The county's desk: new filings, those being checked (a supplement back among them), returned.
COUNTY_STAGES = (FilingStatus.received, FilingStatus.county_review, FilingStatus.returned)
QUEUE_SIZE = 100


def county_queue(session: Session, actor: Actor) -> list[tuple[FilingStatus, QueuePage]]:
    """The first page of each county stage, in the actor's scope, with the 7-day clock."""
    return [
        (status, review_queue(session, actor, QueueFilter(status=status), page_size=QUEUE_SIZE))
        for status in COUNTY_STAGES
    ]


@dataclass(frozen=True)
class ClaimCheck:
    """One claimed indicator and whether the filing carries a document for it."""

    case: IndustryCase
    claim: IndicatorClaim

    @property
    def complete(self) -> bool:
        return bool(self.claim.documents)


@dataclass(frozen=True)
class Candidate:
    """An inspector of the city for the county's check, and why not, when they may not go."""

    user: User
    conflicted: bool

    @property
    def may_go(self) -> bool:
        return not (self.conflicted or self.user.blacklisted)


@dataclass(frozen=True)
class CountyFiling:
    filing: Filing
    state: service.ReviewState
    steps: list[ReviewTransition]
    claims: list[ClaimCheck]
    told_before: list[str]  # every item of every earlier list, in order
    needs_check: bool  # the county checks this filing on site (A, B, leading claimed)
    checks: list[Assignment]  # the county's own checks of it
    inspectors: list[Candidate]

    @property
    def missing_documents(self) -> int:
        return sum(1 for c in self.claims if not c.complete)

    @property
    def open_check(self) -> Assignment | None:
        return next((a for a in self.checks if a.status.value in ("planned", "published")), None)


def county_filing(session: Session, actor: Actor, filing_id: int) -> CountyFiling:
    """The filing as the county checks it. Raises NotFound outside the actor's county."""
    filing = get_filing(session, actor, filing_id)
    state = service.review_state(session, filing)
    steps, _ = service.list_transitions(session, actor, filing.id, offset=0, limit=500)
    claims = [ClaimCheck(case, claim) for case in filing.cases for claim in case.claims]
    told = [item for step in steps for item in (step.missing_items or [])]
    main = next((c for c in filing.cases if c.is_main), None)
    checks, _ = assignments.list_assignments(
        session, actor, filing_id=filing.id, offset=0, limit=50
    )
    enterprise = filing.site.enterprise
    conflicted = assignments.conflicted_users(session, [enterprise.id]).get(enterprise.id, set())
    inspectors = [
        Candidate(user, user.id in conflicted)
        for user in assignments.inspectors_of(session, enterprise.city)
    ]
    return CountyFiling(
        filing=filing,
        state=state,
        steps=steps,
        claims=claims,
        told_before=list(dict.fromkeys(told)),
        needs_check=main is not None and main.claimed_grade in COUNTY_CHECK_GRADES,
        checks=[a for a in checks if a.reason == COUNTY_CHECK],
        inspectors=inspectors,
    )


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(User.id, User.display_name).where(User.id.in_(sorted(ids)))
    return {uid: name for uid, name in session.execute(query)}


def is_county_reviewer(actor: Actor) -> bool:
    return actor.role in (Role.county_reviewer, Role.admin)
