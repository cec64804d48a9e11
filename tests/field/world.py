"""A plant ready for the field app in a live database: two inspectors on a published
assignment (one line, one gate, one CEMS point; a GCJ-02 yard) whose visit window is now, and a
city reviewer to look at the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.accounts.service import create_user
from server.assignments.models import AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.filings.service import receive_filing
from server.registry.service import create_enterprise, create_site
from tests.factories import _PASSWORD_HASH, CITY, COUNTY, credit_code, foundry_case, square
from tests.sync.conftest import Live

PLANT = "驿城精密铸造有限公司"


@dataclass
class FieldWorld:
    assignment_id: int
    filing_id: int
    lead: User
    second: User
    reviewer: User


def _user(session, username: str, display_name: str, role: Role) -> User:
    return create_user(
        session,
        actor=None,
        username=username,
        password_hash=_PASSWORD_HASH,
        display_name=display_name,
        role=role,
        city=CITY,
    )


def build_field_world(live: Live, serial: int = 8100) -> FieldWorld:
    with live.session() as session:
        admin = _user(session, f"admin-{serial}", "管理员", Role.admin)
        lead = _user(session, f"field-lead-{serial}", "核查员张三", Role.inspector)
        second = _user(session, f"field-second-{serial}", "核查员李四", Role.inspector)
        reviewer = _user(session, f"city-{serial}", "市局审核员", Role.city_reviewer)
        actor = Actor.of(admin)
        enterprise = create_enterprise(
            session,
            actor=actor,
            name=PLANT,
            credit_code=credit_code(serial),
            city=CITY,
            county=COUNTY,
        )
        site = create_site(
            session,
            actor=actor,
            enterprise=enterprise,
            name="主厂区",
            address="驿城区工业大道 88 号",
            datum="GCJ02",
            boundary=[square()],
            lines=[{"code": "L01", "name": "1 号熔炼线"}],
            gates=[{"code": "G01", "name": "东大门"}],
            cems_points=[{"mn": f"MN4117{serial:08d}", "name": "熔炼排口"}],
        )
        filing = receive_filing(
            session,
            actor=actor,
            site=site,
            year=2026,
            received_on=dt.date(2026, 7, 1),
            cases=[foundry_case("A")],
        )
        now = dt.datetime.now(dt.UTC)
        assignment = create_assignment(
            session,
            actor=actor,
            filing_id=filing.id,
            members=[lead.id, second.id],
            lead_id=lead.id,
            window_start=now - dt.timedelta(hours=2),
            window_end=now + dt.timedelta(days=2),
        )
        update_assignment(
            session,
            actor=actor,
            assignment=assignment,
            changes={"status": AssignmentStatus.published},
        )
        session.commit()
        return FieldWorld(assignment.id, filing.id, lead, second, reviewer)
