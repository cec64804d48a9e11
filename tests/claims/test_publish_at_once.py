"""Two reviewers publish the same assignment at the same moment, through a real threaded server
on its own database (issue 17): one publication wins, one checklist definition is pinned."""

from __future__ import annotations

from typing import Any

import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspection_forms.claims import GENERATED_FORM_ID
from server.accounts.actor import Actor
from server.accounts.models import Role
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.service import create_assignment
from server.audit.models import AuditEvent
from tests.api.test_concurrent_requests import (  # noqa: F401 (fixtures)
    Served,
    at_once,
    database,
    served,
    session,
)
from tests.claims.test_publish_rules import CLAIM
from tests.review_factories import WINDOW_END, WINDOW_START


def test_two_publishes_at_once_pin_one_definition(
    served: Served,  # noqa: F811
    session: Session,  # noqa: F811
    make_user: Any,
    make_filing: Any,
    make_site: Any,
) -> None:
    city = make_user(Role.city_reviewer)
    other = make_user(Role.city_reviewer)
    team = [make_user(Role.inspector, county="驿城区") for _ in "ab"]
    site = make_site(lines=[{"code": "L01", "name": "窑线", "industry_code": "lime_kiln"}])
    case = {
        "guide_version": "MEE2020",
        "industry_code": "lime_kiln",
        "claimed_grade": "A",
        "claims": [CLAIM],
    }
    filing = make_filing(site=site, cases=[case])
    assignment = create_assignment(
        session,
        actor=Actor.of(city),
        filing_id=filing.id,
        members=[u.id for u in team],
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    session.commit()
    tokens = [served.token(city.username), served.token(other.username)]
    url = f"{served.url}/api/assignments/{assignment.id}"
    etag = requests.get(url, headers=tokens[0], timeout=30).headers["ETag"]

    def publish(index: int) -> requests.Response:
        headers = {**tokens[index], "If-Match": etag}
        return requests.patch(url, json={"status": "published"}, headers=headers, timeout=60)

    responses = at_once(2, publish)
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200 and codes[1] in (409, 412, 428), [r.text[:300] for r in responses]

    with Session(served.engine) as check:
        stored = check.get(Assignment, assignment.id)
        assert stored is not None and stored.status is AssignmentStatus.published
        generated = [p for p in stored.form_pins if p["form_id"] == GENERATED_FORM_ID]
        assert len(generated) == 1 and generated[0]["version"] == assignment.id
        published = check.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "assignment.updated",
                AuditEvent.subject_id == assignment.id,
            )
        ).all()
        assert len(published) == 1
        assert published[0].data["after"]["form_pins"][-1]["sha256"] == generated[0]["sha256"]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert winner["form_pins"][-1] == {
        "form_id": GENERATED_FORM_ID,
        "version": assignment.id,
        "sha256": generated[0]["sha256"],
    }
