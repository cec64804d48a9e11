"""Importing the bureau's application list (申报企业清单, XLSX): every row checked, all or none.

One row per plant (site). Columns, by the template's Chinese headers (English aliases accepted):

| header | required | value |
|---|---|---|
| 企业名称 | yes | the enterprise's registered name |
| 统一社会信用代码 | yes | 18 characters, check character verified (GB 32100) |
| 县区 | yes | county or district; must be in the importing user's scope |
| 厂区名称 | no | the site; default 主厂区. Separate sites are separate rows (S4 §三(二)) |
| 厂区地址 | yes | the site's address |
| 行业 | yes | Chinese name as in the guide (铸造) or code (foundry) |
| 技术指南版本 | no | MEE2020 by default; Henan's local industries fall to HENAN2020 |
| 申报级别 | yes | A, A级, B-, C, D, A+, 引领性, 非引领性, 绩效先进性, 非绩效先进性 … |
| 是否保障类企业 | no | 是 / 否, empty for 否 |
| 受理日期 | yes | a date cell, or text 2026-07-01, 2026/7/1, 2026年7月1日 |
| 年度 | yes | 2026 |

New enterprises are registered with one site and no boundary (the plant draws it later); an
enterprise already registered under the credit code is reused. Everything goes through the
registry and filing services, inside a savepoint that is rolled back if any row fails.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from server.accounts.actor import Actor
from server.accounts.models import User
from server.clock import china_today
from server.errors import DomainError, ImportRejected, NotFound
from server.filings.models import Filing
from server.filings.rules import filing_problems
from server.filings.service import barring_record, receive_filing
from server.imports.rows import Problems, Row, check_across_rows, parse_row, same_name
from server.imports.workbook import Table, read_table
from server.registry.models import Enterprise, Site
from server.registry.service import create_enterprise, create_site

_CHUNK = 500  # credit codes per IN (...) query


@dataclass
class ImportReport:
    """What an import did, or in a dry run what it would do."""

    dry_run: bool
    sheet: str
    rows: int
    new_enterprises: int
    existing_enterprises: int
    new_sites: int
    existing_sites: int
    filings: int
    grades: dict[str, int] = field(default_factory=dict)  # claimed grade -> filings
    counties: dict[str, int] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)
    filing_ids: list[int] = field(default_factory=list)  # empty in a dry run

    def summary(self) -> str:
        grades = ", ".join(f"{grade} {n}" for grade, n in sorted(self.grades.items()))
        counts = (
            f"{self.new_enterprises} new enterprises ({self.existing_enterprises} already "
            f"registered), {self.new_sites} new sites ({self.existing_sites} existing) and "
            f"{self.filings} filings; claimed grades: {grades}"
        )
        if self.dry_run:
            return (
                f"dry run: all {self.rows} rows of {self.sheet!r} are good; importing would "
                f"create {counts}"
            )
        return f"imported {self.rows} rows of {self.sheet!r}: created {counts}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def import_filings(session: Session, *, actor: Actor, data: bytes, dry_run: bool) -> ImportReport:
    """Check every row of the XLSX application list, then import all rows or none.

    A dry run checks and reports without writing. Raises Forbidden (not a registry writer) and
    ImportRejected (the file, a column or any row is wrong; ``errors`` names each).
    """
    actor.require_registry_writer()
    table = read_table(data)
    problems = Problems(table)
    today = china_today()
    parsed = (
        parse_row(table, problems, actor, number, values, today) for number, values in table.rows
    )
    rows = [row for row in parsed if row is not None]
    check_across_rows(rows, problems)
    registered = _registered(session, {row.credit_code for row in rows})
    _check_against_registry(session, actor, rows, registered, problems)
    if problems.items:
        raise _rejected(problems, len(table.rows), dry_run)
    report = _report(table, rows, registered, dry_run)
    if not dry_run:
        _write(session, actor, rows, registered, report)
    return report


def _registered(session: Session, codes: set[str]) -> dict[str, Enterprise]:
    """The enterprises already registered under these credit codes, with their sites."""
    ordered = sorted(codes)
    found: dict[str, Enterprise] = {}
    for start in range(0, len(ordered), _CHUNK):
        query = (
            select(Enterprise)
            .where(Enterprise.credit_code.in_(ordered[start : start + _CHUNK]))
            .options(selectinload(Enterprise.sites))
        )
        found.update((e.credit_code, e) for e in session.scalars(query))
    return found


def _filed(session: Session, site_ids: list[int]) -> dict[tuple[int, int], int]:
    """(site id, year) -> filing id, for the sites already registered."""
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(site_ids), _CHUNK):
        query = select(Filing.site_id, Filing.year, Filing.id).where(
            Filing.site_id.in_(site_ids[start : start + _CHUNK])
        )
        found.update(((site_id, year), id_) for site_id, year, id_ in session.execute(query))
    return found


def _site(enterprise: Enterprise, name: str) -> Site | None:
    return next((site for site in enterprise.sites if site.name == name), None)


def _check_against_registry(
    session: Session,
    actor: Actor,
    rows: list[Row],
    registered: dict[str, Enterprise],
    problems: Problems,
) -> None:
    site_ids = sorted(site.id for e in registered.values() for site in e.sites)
    filed = _filed(session, site_ids)
    for row in rows:
        enterprise = registered.get(row.credit_code)
        if enterprise is None:
            continue
        if not same_name(enterprise.name, row.enterprise_name):
            problems.add(
                row.number,
                "enterprise_name",
                f"this credit code is registered to {enterprise.name}; "
                "correct the name or the code",
            )
        if enterprise.county != row.county:
            problems.add(
                row.number,
                "county",
                f"the enterprise is registered in {enterprise.county}, not {row.county}",
            )
        if not actor.sees_county(enterprise.county):
            problems.add(
                row.number,
                "credit_code",
                f"the enterprise is registered in {enterprise.county}, outside your scope",
            )
        site = _site(enterprise, row.site_name)
        existing = filed.get((site.id, row.year)) if site else None
        if existing is not None:
            problems.add(
                row.number,
                "year",
                f"{row.site_name} of {enterprise.name} already has a filing for {row.year} "
                f"(filing {existing}); a site files once a year — amend that filing instead",
            )
        barred = barring_record(session, enterprise.id, row.received_on)
        if barred is not None:
            problems.add(
                row.number,
                "credit_code",
                f"{enterprise.name} may not apply until {barred.barred_until.isoformat()} "
                f"(integrity record {barred.id}, rule 7: {barred.reason})",
            )
    for row in rows:  # the catalogue checks the services run; already covered above
        for messages in filing_problems([row.case()]).values():
            for message in messages:
                problems.add(row.number, None, message)


def _rejected(problems: Problems, total: int, dry_run: bool) -> ImportRejected:
    items = problems.sorted()
    bad = len({item["row"] for item in items})
    outcome = "a real import would be refused" if dry_run else "nothing was imported"
    return ImportRejected(
        f"{bad} of {total} rows have problems; {outcome}. Fix each row listed and upload again",
        errors={"columns": [], "rows": items},
    )


def _report(
    table: Table, rows: list[Row], registered: dict[str, Enterprise], dry_run: bool
) -> ImportReport:
    codes = {row.credit_code for row in rows}
    sites = {(row.credit_code, row.site_name) for row in rows}
    existing_sites = {
        (code, name)
        for code, name in sites
        if code in registered and _site(registered[code], name) is not None
    }
    return ImportReport(
        dry_run=dry_run,
        sheet=table.sheet,
        rows=len(rows),
        new_enterprises=len(codes - registered.keys()),
        existing_enterprises=len(codes & registered.keys()),
        new_sites=len(sites - existing_sites),
        existing_sites=len(existing_sites),
        filings=len(rows),
        grades=dict(sorted(Counter(row.grade for row in rows).items())),
        counties=dict(sorted(Counter(row.county for row in rows).items())),
        industries=dict(sorted(Counter(row.industry_code for row in rows).items())),
    )


def _write(
    session: Session,
    actor: Actor,
    rows: list[Row],
    registered: dict[str, Enterprise],
    report: ImportReport,
) -> None:
    """Every row through the services, in a savepoint: one refusal undoes them all."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(f"user {actor.user_id} not found")
    enterprises = dict(registered)
    row = rows[0]
    try:
        with session.begin_nested():
            for row in rows:
                enterprise = enterprises.get(row.credit_code)
                if enterprise is None:
                    enterprise = create_enterprise(
                        session,
                        actor=actor,
                        name=row.enterprise_name,
                        credit_code=row.credit_code,
                        city=user.city,
                        county=row.county,
                    )
                    enterprises[row.credit_code] = enterprise
                site = _site(enterprise, row.site_name) or create_site(
                    session, actor=actor, enterprise=enterprise, name=row.site_name,
                    address=row.address,
                )  # fmt: skip
                filing = receive_filing(
                    session,
                    actor=actor,
                    site=site,
                    year=row.year,
                    received_on=row.received_on,
                    cases=[row.case()],
                    essential_service=row.essential_service,
                )
                report.filing_ids.append(filing.id)
    except (DomainError, IntegrityError) as exc:
        # Checked above, so only a concurrent change gets here (someone registered the same
        # enterprise or filing meanwhile): the savepoint is rolled back, nothing stays.
        report.filing_ids.clear()
        reason = (
            exc.message if isinstance(exc, DomainError) else "changed by someone else meanwhile"
        )
        raise ImportRejected(
            f"row {row.number} was refused while importing ({reason}); nothing was imported. "
            "Upload the file again",
            errors={"columns": [], "rows": [{"row": row.number, "column": None, "reason": reason}]},
        ) from exc
