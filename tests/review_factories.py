"""Fixtures for the review, sampling and assignment tests: batches, workflow moves, inspectors.

Each of tests/review, tests/sampling and tests/assignments imports them in its conftest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.filings.models import Filing
from server.review.batches import create_batch
from server.review.decisions import confirm_decision, propose_decision
from server.review.models import ReviewBatch
from server.review.service import transition
from server.review.workflow import Action
from tests.factories import CITY, COUNTY, foundry_case

WINDOW_START = dt.datetime(2026, 9, 1, 0, 0, tzinfo=dt.UTC)
WINDOW_END = dt.datetime(2026, 9, 5, 0, 0, tzinfo=dt.UTC)


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
            extra = dict(kw)
            if action == "return_for_supplement":
                extra.setdefault("missing_items", ["排污许可证副本"])
            if action in ("withdraw", "downgrade"):
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
