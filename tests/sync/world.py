"""Builds a checkable world in a live database: a plant, a filing, a published assignment."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from inspection_forms import PlantContext
from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.accounts.service import create_user
from server.assignments.models import AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.filings.service import receive_filing
from server.registry.service import create_enterprise, create_site
from tests.factories import _PASSWORD_HASH, CITY, COUNTY, credit_code, foundry_case, square
from tests.forms.documents import common_document
from tests.sync.conftest import Live

_serial = itertools.count(7000)


@dataclass
class World:
    assignment_id: int
    members: list[User]
    site_id: int
    context: PlantContext

    def document(self, owner: User, **fields: Any) -> dict[str, Any]:
        """A complete, valid, submitted inspection on the common form for this assignment."""
        from tests.sync.docs import inspection

        body = common_document(self.context)
        return inspection(
            owner.id,
            assignment_id=self.assignment_id,
            status="submitted",
            form_id=body["form_id"],
            form_version=body["form_version"],
            answers=body["answers"],
            started_at="2026-07-16T09:05:00+08:00",
            submitted_at="2026-07-16T11:40:00+08:00",
            **fields,
        )


def build_world(
    live: Live, members: list[User], cases: list[dict[str, Any]] | None = None
) -> World:
    n = next(_serial)
    context = PlantContext(lines=("L01", "L02"), gates=("G01",), cems_points=(f"MN4117{n:08d}",))
    with live.session() as session:
        admin = create_user(
            session,
            actor=None,
            username=f"admin-{n}",
            display_name="A",
            password_hash=_PASSWORD_HASH,
            role=Role.admin,
            city=CITY,
        )
        actor = Actor.of(admin)
        enterprise = create_enterprise(
            session,
            actor=actor,
            name=f"同步测试铸造{n}",
            credit_code=credit_code(n),
            city=CITY,
            county=COUNTY,
        )
        site = create_site(
            session,
            actor=actor,
            enterprise=enterprise,
            name="主厂区",
            address="工业大道1号",
            datum="GCJ02",
            boundary=[square()],
            lines=[{"code": code, "name": code} for code in context.lines],
            gates=[{"code": code, "name": code} for code in context.gates],
            cems_points=[{"mn": mn, "name": "排口"} for mn in context.cems_points],
        )
        filing = receive_filing(
            session,
            actor=actor,
            site=site,
            year=2026,
            received_on=dt.date(2026, 7, 1),
            cases=cases or [foundry_case("A")],
        )
        start = dt.datetime(2026, 7, 16, 0, 0, tzinfo=dt.UTC)
        assignment = create_assignment(
            session,
            actor=actor,
            filing_id=filing.id,
            members=[u.id for u in members],
            window_start=start,
            window_end=start + dt.timedelta(days=2),
        )
        update_assignment(
            session,
            actor=actor,
            assignment=assignment,
            changes={"status": AssignmentStatus.published},
        )
        session.commit()
        return World(assignment.id, members, site.id, context)
