"""Fixtures of the export tests: filings at every stage, confirmed decisions through the real
four-eyes service, visits with real JPEGs received through the upload door."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.clock import china_today
from server.filings.models import Filing
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation.loading import load_inputs
from server.reconciliation.models import ReconciliationResult
from server.review.decisions import confirm_decision, propose_decision
from server.review.models import DecisionOutcome, ReviewDecision
from server.review.reasons import allowed_for
from tests.evidence.conftest import Visit, make_visit, photo_bytes, store, upload  # noqa: F401
from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_batch,
    make_city_filing,
    make_inspector,
    move,
    visit_at,
)


@pytest.fixture
def fetch(client: FlaskClient, login: Callable[[User], dict[str, str]]) -> Callable[..., Any]:
    """GET ``url`` as ``user`` (None: no token); the body read and the stream closed."""

    def get(url: str, user: User | None, **query: Any) -> Any:
        headers = login(user) if user is not None else {}
        with client.get(url, headers=headers, query_string=query) as response:
            response.get_data()  # kept on the response: the streamed file can be closed
            return response

    return get


@pytest.fixture
def decide(
    session: Session,
    make_user: Callable[..., User],
    move: Callable[..., Filing],  # noqa: F811
) -> Callable[..., ReviewDecision]:
    """Decide a filing forwarded to the city: one city reviewer proposes, another confirms."""

    def run(
        filing: Filing, outcome: str = "confirm", grade: str | None = None, **kw: Any
    ) -> ReviewDecision:
        move(filing, "start_city_review")
        proposer, confirmer = (
            Actor.of(make_user(Role.city_reviewer)),
            Actor.of(make_user(Role.city_reviewer)),
        )
        chosen = DecisionOutcome(outcome)
        decision = propose_decision(
            session,
            actor=proposer,
            filing_id=filing.id,
            outcome=chosen,
            grade=grade,
            reason_codes=[allowed_for(chosen)[0]],
            comment=kw.get("comment", "现场核查情况与申报一致"),
        )
        return confirm_decision(
            session, actor=confirmer, decision_id=decision.id, comment=kw.get("confirm_comment")
        )

    return run


@pytest.fixture
def stored_result(session: Session) -> Callable[..., ReconciliationResult]:
    """A reconciliation result for a filing as if computed from its current evidence (the
    fingerprint matches, so reading it does not recompute it)."""

    def store_(
        filing: Filing,
        supported: str | None,
        *,
        confirmed: bool = True,
        needs_new_visit: bool = False,
    ) -> ReconciliationResult:
        [(_inputs, fingerprint)] = load_inputs(session, [filing.id], on=china_today()).values()
        result = ReconciliationResult(
            filing_id=filing.id,
            fingerprint=fingerprint,
            supported_grade=supported,
            confirmed=confirmed,
            needs_new_visit=needs_new_visit,
            result={
                "filing_id": filing.id,
                "supported_grade": supported,
                "confirmed": confirmed,
                "needs_new_visit": needs_new_visit,
                "cases": [],
                "visits": [],
            },
        )
        session.add(result)
        session.flush()
        return result

    return store_


@dataclass
class Photographed:
    visit: Visit
    photos: dict[str, tuple[dict[str, Any], bytes]]  # name -> (the upload's answer, the bytes)

    @property
    def filing_id(self) -> int:
        return self.visit.assignment.filing_id


@pytest.fixture
def photographed(session: Session, make_visit, upload) -> Callable[..., Photographed]:  # noqa: F811
    """A visit with three real photos from the lead's tablet: one inside the yard, one 300 m
    east of it, one without a position; and the lead's accepted inspection."""

    def make(county: str | None = None) -> Photographed:
        visit = make_visit(county=county) if county else make_visit()
        photos: dict[str, tuple[dict[str, Any], bytes]] = {}
        shots = {
            "inside": photo_bytes(east_m=100, north_m=50),
            "outside": photo_bytes(east_m=500, north_m=50),
            "unplaced": photo_bytes(lon=None, lat=None),
        }
        for name, data in shots.items():
            doc_id = f"photo:{visit.assignment.id}-{name}"
            response = upload(
                visit.lead, data, visit.assignment.id, doc_id=doc_id, item=f"yard.{name}"
            )
            assert response.status_code == 201, response.json
            photos[name] = (response.json, data)
        session.add(
            Inspection(
                doc_id=f"inspection:{visit.assignment.id}",
                assignment_id=visit.assignment.id,
                inspector_id=visit.lead.id,
                form_id="common",
                form_version=1,
                status=InspectionStatus.accepted,
                current_rev="1-a",
                answers={"production_normal": True},
            )
        )
        session.flush()
        return Photographed(visit, photos)

    return make
