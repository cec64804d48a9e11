"""Fixtures for the review, sampling and assignment tests: batches, workflow moves, inspectors.

Each of tests/review, tests/sampling and tests/assignments imports them in its conftest.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.assignments.models import Assignment
from server.assignments.service import create_assignment
from server.filings.models import Filing
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation.models import DataImport, ElectricityMeter, MeteringReading
from server.review.batches import create_batch
from server.review.decision_rules import main_case, scale_of
from server.review.decisions import confirm_decision, propose_decision
from server.review.downgrades import downgrade_filing
from server.review.grades import latest_grades
from server.review.models import ReviewBatch
from server.review.service import transition
from server.review.workflow import Action
from tests.factories import CITY, COUNTY, foundry_case

_meters = itertools.count(1)
WINDOW_START = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.UTC)
WINDOW_END = dt.datetime(2026, 9, 5, 0, 0, tzinfo=dt.UTC)


def lower_grade(filing: Filing) -> str:
    """The grade one step below the filing's decided grade on its main industry's scale."""
    session = Session.object_session(filing)
    assert session is not None
    scale = scale_of(main_case(filing))
    current = latest_grades(session, [filing.id])[filing.id].grade
    return scale[scale.index(current) + 1]


@pytest.fixture
def city_actor(make_user: Callable[..., User]) -> Actor:
    return Actor.of(make_user(Role.city_reviewer))


@pytest.fixture
def move(
    session: Session, admin_actor: Actor, make_user: Callable[..., User]
) -> Callable[..., Filing]:
    """Apply workflow actions to a filing as the admin, e.g. move(f, "start_county_review").

    ``decide`` is no step anyone takes alone: two new city reviewers propose and confirm."""

    def apply(filing: Filing, *actions: str, on: dt.date | None = None, **kw: Any) -> Filing:
        for action in actions:
            if action == "decide":
                proposer, confirmer = (Actor.of(make_user(Role.city_reviewer)) for _ in "ab")
                decision = propose_decision(
                    session,
                    actor=proposer,
                    filing_id=filing.id,
                    outcome="confirm",
                    grade=None,
                    reason_codes=["documents_verified"],
                    comment="现场核查情况与申报一致",
                )
                confirm_decision(session, actor=confirmer, decision_id=decision.id)
                continue
            if action == "downgrade":  # rule 14: a new grade, a reason and the check's evidence
                downgrade_filing(
                    session,
                    actor=Actor.of(make_user(Role.city_reviewer)),
                    filing_id=filing.id,
                    grade=kw.get("grade") or lower_grade(filing),
                    check_kind=kw.get("check_kind", "sampled_check"),
                    reason=kw.get("reason", "test"),
                    evidence=kw.get("evidence", "抽查记录"),
                    on=on,
                )
                continue
            extra = dict(kw)
            if action == "return_for_supplement":
                extra.setdefault("missing_items", ["排污许可证副本"])
            if action == "withdraw":
                extra.setdefault("reason", "test")
            transition(
                session, actor=admin_actor, filing=filing, action=Action(action), on=on, **extra
            )
        return filing

    return apply


@pytest.fixture
def at_city(move: Callable[..., Filing]) -> Callable[[Filing], Filing]:
    """Bring a received filing to the city (forwarded)."""

    def forward(filing: Filing) -> Filing:
        return move(filing, "start_county_review", "forward")

    return forward


@pytest.fixture
def make_batch(session: Session, admin_actor: Actor) -> Callable[..., ReviewBatch]:
    counter = iter(range(1, 10_000))

    def make(**kw: Any) -> ReviewBatch:
        data: dict[str, Any] = {
            "name": f"第{next(counter)}批",
            "city": CITY,
            "year": 2026,
            "industries": ["foundry"],
            "deadline": dt.date(2026, 8, 10),
        }
        data.update(kw)
        return create_batch(session, actor=admin_actor, **data)

    return make


@pytest.fixture
def make_city_filing(
    make_filing: Callable[..., Filing],
    make_site: Callable[..., Any],
    make_enterprise: Callable[..., Any],
    at_city: Callable[[Filing], Filing],
) -> Callable[..., Filing]:
    """A filing claiming ``grade`` in ``industry`` (foundry) in ``county``, forwarded to the city."""

    def make(
        grade: str = "B", county: str = COUNTY, industry: str = "foundry", **kw: Any
    ) -> Filing:
        site = make_site(enterprise=make_enterprise(county=county))
        filing = make_filing(site=site, cases=[foundry_case(grade, industry_code=industry)], **kw)
        return at_city(filing)

    return make


@pytest.fixture
def make_inspector(make_user: Callable[..., User]) -> Callable[..., User]:
    def make(county: str | None = COUNTY, **kw: Any) -> User:
        return make_user(Role.inspector, county=county, **kw)

    return make


def metering_at(session: Session, site_id: int, *, producing: bool = True) -> None:
    """Separate electricity metering of the site over two hours of the visit window: production
    at 80 kW and treatment at 30 kW (normal production, rules 5 and 21), or production idle."""
    upload = DataImport(
        kind="metering", site_id=site_id, sha256="0" * 64, accepted=16, duplicates=0, rejected=0
    )
    meters = [
        ElectricityMeter(site_id=site_id, code=f"M{site_id}-{role}-{next(_meters)}", role=role)
        for role in ("production", "treatment")
    ]
    session.add_all([upload, *meters])
    session.flush()
    for slot in range(8):  # a reading every 15 minutes
        at = WINDOW_START + dt.timedelta(hours=1, minutes=15 * slot)
        for meter, kw in zip(meters, (80.0 if producing else 0.0, 30.0), strict=True):
            session.add(
                MeteringReading(
                    meter_id=meter.id, site_id=site_id, import_id=upload.id, at=at, kw=kw
                )
            )
    session.flush()


@pytest.fixture
def visit_at(
    session: Session, city_actor: Actor, make_user: Callable[..., User]
) -> Callable[..., Assignment]:
    """A finished on-site visit of a filing: two inspectors' accepted inspections (the common
    form, with ``answers``) and metering that shows normal production, or production idle with
    ``producing=False`` (the visit is then void, rule 5)."""

    def make(
        filing: Filing,
        answers: dict[str, Any] | None = None,
        *,
        producing: bool = True,
        draw_id: int | None = None,
    ) -> Assignment:
        team = [make_user(Role.inspector, county=COUNTY) for _ in "ab"]
        assignment = create_assignment(
            session,
            actor=city_actor,
            filing_id=filing.id,
            members=[u.id for u in team],
            window_start=WINDOW_START,
            window_end=WINDOW_END,
            draw_id=draw_id,
        )
        for n, user in enumerate(team):
            session.add(
                Inspection(
                    doc_id=f"inspection:{assignment.id}-{n}",
                    assignment_id=assignment.id,
                    inspector_id=user.id,
                    form_id="common",
                    form_version=1,
                    status=InspectionStatus.accepted,
                    current_rev="1-a",
                    answers={"production_normal": True, **(answers or {})},
                )
            )
        metering_at(session, filing.site_id, producing=producing)
        return assignment

    return make
