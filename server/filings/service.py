"""Filing services: receiving a filing with its industry cases and claims, and amending it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.audit.service import record
from server.clock import china_today
from server.compliance.models import IntegrityRecord
from server.errors import Conflict, DuplicateFiling, ValidationFailed
from server.filings import repository
from server.filings.models import (
    Filing,
    FilingKind,
    IndicatorClaim,
    IndustryCase,
    SupportingDocument,
)
from server.filings.rules import claim_problems, filing_problems
from server.registry.models import Site


class ApplicantBarred(Conflict):
    """Rule 7: after falsification the enterprise may not apply for a year."""

    code = "filing.applicant_barred"


@dataclass(frozen=True)
class FilingPlan:
    """Where a new filing goes among its site's filings of the year."""

    kind: FilingKind = FilingKind.initial
    sequence: int = 1
    supersedes_id: int | None = None


# Decides a new filing's place in its site's year, or refuses it (DuplicateFiling, a closed
# adjustment window...): ``server.review.refiling`` knows the decided grades and the rules.
Planner = Callable[[], FilingPlan]


def _duplicate(site: Site, year: int) -> DuplicateFiling:
    return DuplicateFiling(
        f"该厂区 {year} 年已有申报；撤回后可重新申报，已审定的可在动态调整期内再次申报 / "
        f"site {site.id} already has a filing for {year}; withdraw it to file again, or file "
        "again after its decision within the year's adjustment window"
    )


def _claim(data: dict[str, Any]) -> IndicatorClaim:
    return IndicatorClaim(
        category=data["category"],
        indicator_code=data["indicator_code"],
        claimed_value=data.get("claimed_value"),
        statement=data.get("statement"),
        documents=[SupportingDocument(**doc) for doc in data.get("documents", [])],
    )


def _case(data: dict[str, Any], only: bool) -> IndustryCase:
    return IndustryCase(
        guide_version=data["guide_version"],
        industry_code=data["industry_code"],
        claimed_grade=data["claimed_grade"],
        is_main=data.get("is_main", only),
        claims=[_claim(claim) for claim in data.get("claims", [])],
    )


def barring_record(session: Session, enterprise_id: int, on: dt.date) -> IntegrityRecord | None:
    """The integrity record that bars the enterprise from applying on ``on``, if any."""
    query = select(IntegrityRecord).where(
        IntegrityRecord.enterprise_id == enterprise_id,
        IntegrityRecord.recorded_on <= on,
        IntegrityRecord.barred_until >= on,
    )
    return session.scalars(query.order_by(IntegrityRecord.barred_until.desc())).first()


def receive_filing(
    session: Session,
    *,
    actor: Actor,
    site: Site,
    year: int,
    received_on: dt.date,
    cases: list[dict[str, Any]],
    essential_service: bool = False,
    supplement_on: dt.date | None = None,
    planner: Planner | None = None,
) -> Filing:
    """Record a filing for a site. Raises ValidationFailed, DuplicateFiling, ApplicantBarred
    (and what ``planner`` raises).

    Without ``planner`` only the site's first filing of the year is taken (the importer's
    case); ``server.review.refiling`` passes one that allows filing again within the year."""
    actor.require_registry_writer()
    actor.require_county(site.enterprise.county)
    errors = filing_problems(cases)
    if received_on > china_today():
        errors["received_on"] = [f"{received_on.isoformat()} is in the future"]
    if supplement_on is not None and supplement_on < received_on:
        errors["supplement_on"] = ["is before received_on"]
    if errors:
        raise ValidationFailed("the filing has problems", errors=errors)
    if planner is not None:
        plan = planner()
    elif repository.filing_exists(session, site.id, year):
        raise _duplicate(site, year)
    else:
        plan = FilingPlan()
    barred = barring_record(session, site.enterprise_id, received_on)
    if barred is not None:
        raise ApplicantBarred(
            f"{site.enterprise.name} may not apply until {barred.barred_until.isoformat()} "
            f"(integrity record {barred.id}: {barred.reason})"
        )
    filing = Filing(
        site_id=site.id,  # not site=: the savepoint below would flush it before it is added
        year=year,
        sequence=plan.sequence,
        kind=plan.kind,
        supersedes_id=plan.supersedes_id,
        received_on=received_on,
        supplement_on=supplement_on,
        essential_service=essential_service,
        cases=[_case(case, len(cases) == 1) for case in cases],
    )
    try:
        with session.begin_nested():  # a filing for the same site and year at once loses here
            session.add(filing)
            session.flush()  # the id goes into the audit event and the response
    except IntegrityError as exc:
        raise _duplicate(site, year) from exc
    record(
        session,
        actor_id=actor.user_id,
        action="filing.received",
        subject_type="filing",
        subject_id=filing.id,
        data={
            "site_id": site.id,
            "year": year,
            "sequence": plan.sequence,
            "kind": plan.kind.value,
            "supersedes_id": plan.supersedes_id,
            "cases": [[c["industry_code"], c["claimed_grade"]] for c in cases],
        },
    )
    return filing


def update_filing(
    session: Session, *, actor: Actor, filing: Filing, changes: dict[str, Any]
) -> Filing:
    """Amend the essential-service flag or the dates; status moves through the workflow only."""
    actor.require_registry_writer()
    for key in ("essential_service", "received_on", "supplement_on"):
        if key in changes:
            setattr(filing, key, changes[key])
    record(
        session,
        actor_id=actor.user_id,
        action="filing.updated",
        subject_type="filing",
        subject_id=filing.id,
        data={k: str(v) if isinstance(v, dt.date) else v for k, v in changes.items()},
    )
    session.flush()  # surfaces a concurrent change (version_id_col) as StaleDataError now
    return filing


def add_claim(
    session: Session, *, actor: Actor, case: IndustryCase, data: dict[str, Any]
) -> IndicatorClaim:
    """Add an indicator claim to an industry case. Raises ValidationFailed."""
    actor.require_registry_writer()
    errors = claim_problems(data)
    if any(c.indicator_code == data.get("indicator_code") for c in case.claims):
        errors.setdefault("indicator_code", []).append(
            f"{data['indicator_code']} is already claimed in this industry case"
        )
    if errors:
        raise ValidationFailed("the claim has problems", errors=errors)
    claim = _claim(data)
    case.claims.append(claim)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="claim.added",
        subject_type="claim",
        subject_id=claim.id,
        data={"case_id": case.id, "indicator_code": claim.indicator_code},
    )
    return claim


def update_claim(
    session: Session, *, actor: Actor, claim: IndicatorClaim, changes: dict[str, Any]
) -> IndicatorClaim:
    """Change what a claim states. Raises ValidationFailed."""
    actor.require_registry_writer()
    merged = {"category": claim.category, "indicator_code": claim.indicator_code, **changes}
    errors = claim_problems(merged)
    if errors:
        raise ValidationFailed("the claim has problems", errors=errors)
    for key in ("claimed_value", "statement"):
        if key in changes:
            setattr(claim, key, changes[key])
    record(
        session,
        actor_id=actor.user_id,
        action="claim.updated",
        subject_type="claim",
        subject_id=claim.id,
        data=changes,
    )
    session.flush()  # surfaces a concurrent change (version_id_col) as StaleDataError now
    return claim
