"""Loading the demo city through the domain services, so every rule holds for demo data too.

The caller commits once (``flask demo load`` does); this module only flushes, through the
services it calls.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from media import BlobStore
from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.accounts.service import create_user
from server.audit.service import record
from server.compliance.models import ConflictKind, PenaltyKind
from server.compliance.service import declare_conflict, record_integrity, record_penalty
from server.demo.evidence import give_demo_visits
from server.demo.field_work import publish_demo_assignments
from server.demo.generate import generate_city
from server.demo.production import load_demo_production
from server.demo.records import DemoAccount, DemoCity, demo_account_list
from server.demo.workbench import WorkbenchResult, give_demo_workbench
from server.errors import Conflict
from server.filings.service import receive_filing
from server.registry.models import Enterprise
from server.registry.service import create_enterprise, create_site

# Demo accounts only; `flask demo load` prints them. Never use the demo on a real deployment.
DEMO_PASSWORD = "demo-password-2026"


def demo_accounts() -> list[tuple[str, str, str | None]]:
    """(username, role, county) of every demo account; the county is None for city-wide ones."""
    return [(a.username, a.role, a.county) for a in demo_account_list()]


@dataclass
class LoadResult:
    skipped: bool = False
    enterprises: int = 0
    sites: int = 0
    filings: int = 0
    filings_by_year: Counter[int] = field(default_factory=Counter)
    main_grades: Counter[str] = field(default_factory=Counter)  # the main industry's claim
    industries: Counter[str] = field(default_factory=Counter)
    counties: Counter[str] = field(default_factory=Counter)
    users_by_role: Counter[str] = field(default_factory=Counter)
    penalties: int = 0
    integrity_records: int = 0
    conflicts: int = 0
    assignments: int = 0
    production: int = 0
    finished_visits: int = 0
    workbench: WorkbenchResult = field(default_factory=WorkbenchResult)
    seconds: float = 0.0

    def summary(self) -> str:
        if self.skipped:
            return "skipped: database already has data"
        grades = ", ".join(f"{grade} {n}" for grade, n in sorted(self.main_grades.items()))
        years = ", ".join(f"{year}: {n}" for year, n in sorted(self.filings_by_year.items()))
        roles = ", ".join(f"{role} {n}" for role, n in sorted(self.users_by_role.items()))
        counties = ", ".join(f"{county} {n}" for county, n in self.counties.most_common())
        return "\n".join(
            [
                f"demo city loaded in {self.seconds:.1f} s",
                f"  enterprises {self.enterprises}, sites {self.sites} ({counties})",
                f"  filings {self.filings} ({years}) in {len(self.industries)} industries",
                f"  claimed grades (main industry): {grades}",
                f"  penalties {self.penalties}, integrity records {self.integrity_records}, "
                f"conflict declarations {self.conflicts}",
                f"  published on-site assignments {self.assignments} (A claims; teams of two)",
                f"  visits with CEMS and metering data {self.production}",
                f"  finished visits with inspections and photos {self.finished_visits}",
                f"  batches: drawn and published #{self.workbench.drawn_batch} "
                f"({self.workbench.selected} drawn, {self.workbench.teams_published} teams "
                f"published), still to draw #{self.workbench.undrawn_batch}",
                f"  returned for supplement: filing #{self.workbench.returned}; decided: "
                f"#{self.workbench.decided}; downgraded: #{self.workbench.downgraded}",
                f"  users: {roles}",
            ]
        )


def load_demo_city(
    session: Session,
    *,
    only_if_empty: bool = False,
    plants: int = 300,
    seed: int = 2020,
    media: BlobStore | None = None,
) -> LoadResult:
    """Create the demo accounts and the demo city. Raises Conflict when it is already loaded.

    With a media store, a few visits are also finished with inspections and photos
    (``server.demo.evidence``), before the production data that follow their windows."""
    if only_if_empty and session.scalar(select(Enterprise.id).limit(1)) is not None:
        return LoadResult(skipped=True)
    started = time.perf_counter()
    city = generate_city(seed=seed, plants=plants)
    result = LoadResult()
    users = _accounts(session, city.accounts, city.city, result)
    actors = {username: Actor.of(user) for username, user in users.items()}
    county_actor = {
        a.county: actors[a.username] for a in city.accounts if a.role == "county_reviewer"
    }
    enterprises = _registry(session, city, county_actor, result)
    _compliance(session, city, enterprises, actors, county_actor, users, result)
    result.assignments = publish_demo_assignments(session, actors["admin"], users)
    if media is not None:
        result.finished_visits = give_demo_visits(
            session,
            admin=actors["admin"],
            county_actors=county_actor,
            city_actor=actors["city2"],
            store=media,
        )
    result.production = load_demo_production(session, actors["admin"])
    result.workbench = give_demo_workbench(
        session,
        city=city.city,
        city1=actors["city1"],
        city2=actors["city2"],
        county_actors=county_actor,
    )
    result.seconds = time.perf_counter() - started
    return result


def _accounts(
    session: Session, accounts: list[DemoAccount], city_name: str, result: LoadResult
) -> dict[str, User]:
    names = [a.username for a in accounts]
    taken = sorted(session.scalars(select(User.username).where(User.username.in_(names))))
    if taken:
        raise Conflict(
            f"demo accounts already exist ({', '.join(taken)}); the demo city is loaded already "
            "or the database is in use — load it into an empty database (`flask demo load --if-empty`)"
        )
    password_hash = generate_password_hash(DEMO_PASSWORD)  # scrypt once, not once per account
    users: dict[str, User] = {}
    admin_actor: Actor | None = None
    for account in accounts:
        user = create_user(
            session,
            actor=admin_actor,  # the first account (admin) is created by nobody
            username=account.username,
            password_hash=password_hash,
            display_name=account.display_name,
            role=Role(account.role),
            city=city_name,
            county=account.county,
        )
        if admin_actor is None:
            admin_actor = Actor.of(user)
        if account.blacklisted:
            # No service blacklists an expert yet; record it in the audit trail like one would.
            user.blacklisted = True
            record(
                session,
                actor_id=admin_actor.user_id,
                action="user.blacklisted",
                subject_type="user",
                subject_id=user.id,
                data={"reason": "demo: an expert on the blacklist (S1 §(九))"},
            )
        users[account.username] = user
        result.users_by_role[account.role] += 1
    return users


def _registry(
    session: Session, city: DemoCity, county_actor: dict[str | None, Actor], result: LoadResult
) -> list[Enterprise]:
    """Enterprises, sites and filings, each registered by its own county's reviewer."""
    enterprises = []
    for demo in city.enterprises:
        actor = county_actor[demo.county]
        enterprise = create_enterprise(
            session,
            actor=actor,
            name=demo.name,
            credit_code=demo.credit_code,
            city=city.city,
            county=demo.county,
        )
        for demo_site in demo.sites:
            site = create_site(
                session,
                actor=actor,
                enterprise=enterprise,
                name=demo_site.name,
                address=demo_site.address,
                datum=demo_site.datum,
                boundary=demo_site.boundary,
                lines=demo_site.lines,
                cems_points=demo_site.cems_points,
                gates=demo_site.gates,
            )
            filing = demo_site.filing
            receive_filing(
                session,
                actor=actor,
                site=site,
                year=filing.year,
                received_on=filing.received_on,
                supplement_on=filing.supplement_on,
                essential_service=filing.essential_service,
                cases=[case.as_input() for case in filing.cases],
            )
            result.sites += 1
            result.filings += 1
            result.filings_by_year[filing.year] += 1
            result.main_grades[next(c.claimed_grade for c in filing.cases if c.is_main)] += 1
            result.industries.update(c.industry_code for c in filing.cases)
            result.counties[demo.county] += 1
        enterprises.append(enterprise)
        result.enterprises += 1
    return enterprises


def _compliance(
    session: Session,
    city: DemoCity,
    enterprises: list[Enterprise],
    actors: dict[str, Actor],
    county_actor: dict[str | None, Actor],
    users: dict[str, User],
    result: LoadResult,
) -> None:
    """Penalties, integrity records and conflict declarations, after the filings they concern:
    the integrity record bars applications from then on, not the filing received before it."""
    for penalty in city.penalties:
        enterprise = enterprises[penalty.enterprise]
        record_penalty(
            session,
            actor=county_actor[enterprise.county],
            enterprise=enterprise,
            kind=PenaltyKind(penalty.kind),
            decided_on=penalty.decided_on,
            document_no=penalty.document_no,
            description=penalty.description,
        )
        result.penalties += 1
    for entry in city.integrity_records:
        record_integrity(
            session,
            actor=actors["city1"],
            enterprise=enterprises[entry.enterprise],
            recorded_on=entry.recorded_on,
            reason=entry.reason,
        )
        result.integrity_records += 1
    for conflict in city.conflicts:
        # Inspectors declare their own ties (rule 9).
        declare_conflict(
            session,
            actor=actors[conflict.username],
            enterprise=enterprises[conflict.enterprise],
            user_id=users[conflict.username].id,
            kind=ConflictKind(conflict.kind),
            declared_on=conflict.declared_on,
            description=conflict.description,
        )
        result.conflicts += 1
