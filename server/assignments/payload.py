"""What a tablet needs to check a plant offline, as one JSON-able document.

The sync worker (issue 5) writes it into each member's database. Keys are sorted at every level
and lists have a fixed order, so the same assignment always gives the same bytes
(``json.dumps(payload, sort_keys=True)``) and a change shows as a change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.assignments.models import Assignment, AssignmentMember
from server.assignments.repository import get_assignment
from server.filings.models import Filing, IndustryCase
from server.registry.models import Site

PAYLOAD_TYPE = "assignment"
SCHEMA_VERSION = 1


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _filing(session: Session, filing_id: int) -> Filing:
    query = (
        select(Filing)
        .where(Filing.id == filing_id)
        .options(
            selectinload(Filing.cases).selectinload(IndustryCase.claims),
            selectinload(Filing.site).selectinload(Site.enterprise),
            selectinload(Filing.site).selectinload(Site.lines),
            selectinload(Filing.site).selectinload(Site.gates),
            selectinload(Filing.site).selectinload(Site.cems_points),
        )
    )
    filing = session.scalar(query)
    assert filing is not None  # a foreign key
    return filing


def assignment_payload(session: Session, assignment: Assignment) -> dict[str, Any]:
    """Everything the team's tablets need offline: window, team, plant, site, lines, gates, CEMS
    points, the claims to verify and the pinned form versions."""
    filing = _filing(session, assignment.filing_id)
    site, enterprise = filing.site, filing.site.enterprise
    members = session.scalars(
        select(AssignmentMember)
        .where(AssignmentMember.assignment_id == assignment.id)
        .options(selectinload(AssignmentMember.user))
        .order_by(AssignmentMember.is_lead.desc(), AssignmentMember.user_id)
    )
    payload = {
        "type": PAYLOAD_TYPE,
        "schema_version": SCHEMA_VERSION,
        "assignment": {
            "id": assignment.id,
            "version": assignment.version,
            "status": assignment.status.value,
            "reason": assignment.reason,
            "draw_id": assignment.draw_id,
            "window_start": _utc(assignment.window_start),
            "window_end": _utc(assignment.window_end),
        },
        "team": [
            {"user_id": m.user_id, "display_name": m.user.display_name, "is_lead": m.is_lead}
            for m in members
        ],
        "enterprise": {
            "id": enterprise.id,
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "county": enterprise.county,
        },
        "site": {
            "id": site.id,
            "name": site.name,
            "address": site.address,
            "datum": site.datum,
            "boundary": site.boundary,
        },
        "lines": [
            {
                "code": line.code,
                "name": line.name,
                "industry_code": line.industry_code,
                "stops_in_alert": line.stops_in_alert,
            }
            for line in site.lines
        ],
        "gates": [{"code": gate.code, "name": gate.name} for gate in site.gates],
        "cems_points": [
            {
                "mn": point.mn,
                "name": point.name,
                "pollutants": list(point.pollutants),
                "line_code": point.line_code,
            }
            for point in site.cems_points
        ],
        "filing": {"id": filing.id, "year": filing.year},
        "cases": [
            {
                "guide_version": case.guide_version,
                "industry_code": case.industry_code,
                "claimed_grade": case.claimed_grade,
                "is_main": case.is_main,
                "claims": [
                    {
                        "category": claim.category,
                        "indicator_code": claim.indicator_code,
                        "claimed_value": claim.claimed_value,
                        "statement": claim.statement,
                    }
                    for claim in case.claims
                ],
            }
            for case in filing.cases
        ],
        "forms": [
            {"form_id": pin["form_id"], "version": pin["version"], "sha256": pin["sha256"]}
            for pin in assignment.form_pins
        ],
    }
    return _sorted(payload)


def payload_for(session: Session, actor: Actor, assignment_id: int) -> dict[str, Any]:
    """The payload of an assignment the actor may see (members, reviewers). Raises NotFound."""
    return assignment_payload(session, get_assignment(session, actor, assignment_id))
