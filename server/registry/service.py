"""Registry services: enterprises and sites, with every domain check in one place.

The API and the spreadsheet import both come through here, so a rule holds whatever the door.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.audit.service import record
from server.catalogue import catalogue
from server.errors import DuplicateEnterprise, DuplicateSite, ValidationFailed
from server.registry import repository
from server.registry.credit_code import credit_code_problem, normalise
from server.registry.geometry import DATUMS, boundary_problems
from server.registry.models import CemsPoint, Enterprise, ProductionLine, Site, VehicleGate

# HJ 212-2017: the MN (device identity) is at most 24 characters, letters and digits.
_MN = re.compile(r"^[0-9A-Za-z]{1,24}$")


def enterprise_problems(*, credit_code: str) -> dict[str, list[str]]:
    problem = credit_code_problem(credit_code)
    return {"credit_code": [problem]} if problem else {}


def create_enterprise(
    session: Session,
    *,
    actor: Actor,
    name: str,
    credit_code: str,
    city: str,
    county: str,
    classified: bool = False,
) -> Enterprise:
    """Register an enterprise. Raises ValidationFailed, DuplicateEnterprise, Forbidden."""
    actor.require_registry_writer()
    actor.require_county(county)
    credit_code = normalise(credit_code)
    errors = enterprise_problems(credit_code=credit_code)
    if errors:
        raise ValidationFailed("the credit code is not valid", errors=errors)
    if repository.credit_code_taken(session, credit_code):
        raise DuplicateEnterprise(f"an enterprise with credit code {credit_code} already exists")
    enterprise = Enterprise(
        name=name.strip(), credit_code=credit_code, city=city, county=county, classified=classified
    )
    session.add(enterprise)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="enterprise.created",
        subject_type="enterprise",
        subject_id=enterprise.id,
        data={"name": enterprise.name, "credit_code": credit_code, "county": county},
    )
    return enterprise


def update_enterprise(
    session: Session, *, actor: Actor, enterprise: Enterprise, changes: dict[str, Any]
) -> Enterprise:
    """Change name, county or the classified flag. Raises Forbidden."""
    actor.require_registry_writer()
    if "county" in changes:
        actor.require_county(changes["county"])
    for key in ("name", "county", "classified"):
        if key in changes:
            setattr(enterprise, key, changes[key])
    record(
        session,
        actor_id=actor.user_id,
        action="enterprise.updated",
        subject_type="enterprise",
        subject_id=enterprise.id,
        data=changes,
    )
    session.flush()  # surfaces a concurrent change (version_id_col) as StaleDataError now
    return enterprise


def geometry_problems(*, datum: str | None, boundary: Any) -> dict[str, list[str]]:
    """Problems of a boundary and its datum; no boundary at all is allowed (drawn later)."""
    errors: dict[str, list[str]] = {}
    if boundary is None:
        return errors
    if datum not in DATUMS:
        errors["datum"] = [f"must be one of {', '.join(DATUMS)}"]
    problems = boundary_problems(boundary)
    if problems:
        errors["boundary"] = problems
    return errors


def site_problems(
    session: Session,
    *,
    datum: str | None,
    boundary: Any,
    lines: list[dict[str, Any]],
    cems_points: list[dict[str, Any]],
    gates: list[dict[str, Any]],
) -> dict[str, list[str]]:
    """Every domain problem of a site description, keyed by field."""
    errors = geometry_problems(datum=datum, boundary=boundary)
    known = catalogue().all_industry_codes()
    for field, items, key in (("lines", lines, "code"), ("gates", gates, "code")):
        duplicates = _duplicates(item[key] for item in items)
        if duplicates:
            errors.setdefault(field, []).append(f"duplicate {key}: {', '.join(duplicates)}")
    for line in lines:
        code = line.get("industry_code")
        if code and code not in known:
            errors.setdefault("lines", []).append(f"line {line['code']}: unknown industry {code}")
    mns = [point["mn"] for point in cems_points]
    bad = [mn for mn in mns if not _MN.match(mn)]
    if bad:
        errors.setdefault("cems_points", []).append(
            f"MN must be 1-24 letters or digits (HJ 212-2017): {', '.join(bad)}"
        )
    duplicates = _duplicates(mns)
    if duplicates:
        errors.setdefault("cems_points", []).append(f"duplicate MN: {', '.join(duplicates)}")
    taken = repository.existing_mns(session, mns)
    if taken:
        errors.setdefault("cems_points", []).append(
            f"MN already registered at another site: {', '.join(sorted(taken))}"
        )
    line_codes = {line["code"] for line in lines}
    for point in cems_points:
        if point.get("line_code") and point["line_code"] not in line_codes:
            errors.setdefault("cems_points", []).append(
                f"{point['mn']}: line {point['line_code']} is not a line of this site"
            )
    return errors


def create_site(
    session: Session,
    *,
    actor: Actor,
    enterprise: Enterprise,
    name: str,
    address: str,
    datum: str | None = None,
    boundary: Any = None,
    lines: list[dict[str, Any]] | None = None,
    cems_points: list[dict[str, Any]] | None = None,
    gates: list[dict[str, Any]] | None = None,
) -> Site:
    """Add a site with its lines, CEMS points and gates. Raises ValidationFailed, DuplicateSite."""
    actor.require_registry_writer()
    actor.require_county(enterprise.county)
    lines, cems_points, gates = lines or [], cems_points or [], gates or []
    errors = site_problems(
        session, datum=datum, boundary=boundary, lines=lines, cems_points=cems_points, gates=gates
    )
    if errors:
        raise ValidationFailed("the site description has problems", errors=errors)
    if any(site.name == name for site in enterprise.sites):
        raise DuplicateSite(f"{enterprise.name} already has a site named {name!r}")
    site = Site(
        enterprise=enterprise,
        name=name,
        address=address,
        datum=datum,
        boundary=boundary,
        lines=[ProductionLine(**line) for line in lines],
        cems_points=[CemsPoint(**point) for point in cems_points],
        gates=[VehicleGate(**gate) for gate in gates],
    )
    session.add(site)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="site.created",
        subject_type="site",
        subject_id=site.id,
        data={"enterprise_id": enterprise.id, "name": name},
    )
    return site


def update_site(session: Session, *, actor: Actor, site: Site, changes: dict[str, Any]) -> Site:
    """Change a site's name, address or boundary. Raises ValidationFailed."""
    actor.require_registry_writer()
    datum = changes.get("datum", site.datum)
    boundary = changes.get("boundary", site.boundary)
    errors = geometry_problems(datum=datum, boundary=boundary)
    if errors:
        raise ValidationFailed("the site change has problems", errors=errors)
    for key in ("name", "address", "datum", "boundary"):
        if key in changes:
            setattr(site, key, changes[key])
    record(
        session,
        actor_id=actor.user_id,
        action="site.updated",
        subject_type="site",
        subject_id=site.id,
        data=changes,
    )
    session.flush()  # surfaces a concurrent change (version_id_col) as StaleDataError now
    return site


def _duplicates(values: Any) -> list[str]:
    seen: set[str] = set()
    duplicates: set[str] = set()
    for value in values:
        (duplicates if value in seen else seen).add(value)
    return sorted(duplicates)
