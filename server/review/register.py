"""The register of late and missing filings (S1 §(一)(十七), S2 §六, rule 8).

S1 §(一) and §(十七): "未主动申报参与绩效评级的或未按时上报绩效评级申报材料的，按最低等级进行
管理" — a plant on the jurisdiction's list that did not file, or filed after the deadline, is
managed at the lowest grade; S1 §(二) adds that it is "不纳入本年度绩效评级范围" (not graded this
year). S2 §六: "拒不参加绩效分级的企业，在重污染天气预警期间按照行业最严格措施实施应急减排".

The register is computed, never typed in, from what the system already keeps:

* **expected**: every site of the batch's city with a production line in one of the batch's
  industries (the registry is the jurisdiction's list of key-industry plants), plus every site
  whose filing of the batch's year has its main industry in the batch. A site whose filing of
  the year belongs to another batch (its main industry is there) is on that batch's register.
* **late**: the filing was received (``received_on``) after the batch's deadline
  (``review_batches.deadline``, the day filings are due: S1 §(十五) "最晚于7月31日前").
* **missing**: no filing of the year and the deadline has passed; before it, ``not_due``.

What "managed at the lowest grade" changes for a late filing: its grade on the emergency
reduction list is the lowest of its industry's scale (D, non-leading), whatever it claimed and
whatever a review decides (``server.reconciliation.compute``'s obligations read ``late_filing``).
A missing plant has no filing and so no entry computed here; the register lists it for the
bureau, which applies the industry's strictest measures (S2 §六).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.clock import china_today
from server.filings.models import Filing, IndustryCase
from server.registry.models import Enterprise, ProductionLine, Site
from server.review.batches import get_batch
from server.review.models import ReviewBatch


class RegisterStatus(enum.StrEnum):
    on_time = "on_time"
    late = "late"  # received after the batch's deadline
    missing = "missing"  # no filing, and the deadline has passed
    not_due = "not_due"  # no filing yet, and the deadline has not passed


@dataclass(frozen=True)
class Late:
    """A filing received after its batch's deadline."""

    batch_id: int
    batch_name: str
    deadline: dt.date
    received_on: dt.date

    @property
    def days_late(self) -> int:
        return (self.received_on - self.deadline).days


@dataclass(frozen=True)
class RegisterRow:
    site_id: int
    site_name: str
    enterprise_id: int
    enterprise_name: str
    credit_code: str
    county: str
    industries: list[str]  # the site's industries in this batch
    filing_id: int | None
    received_on: dt.date | None
    status: RegisterStatus
    days_late: int | None


def _batch_of(batches: Iterable[ReviewBatch]) -> dict[tuple[str, int, str], ReviewBatch]:
    """(city, year, industry) → batch; batches of one city and year never share an industry."""
    return {(b.city, b.year, code): b for b in batches for code in b.industries}


BatchIndex = dict[tuple[str, int, str], ReviewBatch]


def batch_index(session: Session, places: set[tuple[str, int]]) -> BatchIndex:
    """(city, year, industry) → batch for these (city, year) places, in one query."""
    if not places:
        return {}
    batches = session.scalars(
        select(ReviewBatch).where(
            ReviewBatch.city.in_({c for c, _ in places}),
            ReviewBatch.year.in_({y for _, y in places}),
        )
    )
    return _batch_of(batches)


def late_in(
    index: BatchIndex, *, city: str, year: int, main_industry: str, received_on: dt.date
) -> Late | None:
    """The lateness of a filing received on ``received_on`` whose main industry is given."""
    batch = index.get((city, year, main_industry))
    if batch is None or received_on <= batch.deadline:
        return None
    return Late(batch.id, batch.name, batch.deadline, received_on)


def late_filings(session: Session, filings: Iterable[Filing]) -> dict[int, Late]:
    """Of these filings, those received after their batch's deadline, by filing id."""
    filings = list(filings)
    index = batch_index(session, {(f.site.enterprise.city, f.year) for f in filings})
    late: dict[int, Late] = {}
    for filing in filings:
        main = next((c for c in filing.cases if c.is_main), None)
        if main is None:
            continue
        found = late_in(
            index,
            city=filing.site.enterprise.city,
            year=filing.year,
            main_industry=main.industry_code,
            received_on=filing.received_on,
        )
        if found is not None:
            late[filing.id] = found
    return late


def is_late(session: Session, filing: Filing) -> Late | None:
    """The filing's lateness, or None when it was on time or belongs to no batch."""
    return late_filings(session, [filing]).get(filing.id)


def batch_register(
    session: Session, batch: ReviewBatch, *, county: str | None = None, today: dt.date | None = None
) -> list[RegisterRow]:
    """Every site the batch expects, with its filing and status, by county then site id."""
    today = today or china_today()
    expected: dict[int, set[str]] = {}
    lines = (
        select(Site.id, ProductionLine.industry_code)
        .join(ProductionLine, ProductionLine.site_id == Site.id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Enterprise.city == batch.city, ProductionLine.industry_code.in_(batch.industries))
    )
    for site_id, code in session.execute(lines):
        if code is not None:
            expected.setdefault(site_id, set()).add(code)
    filed: dict[int, tuple[int, dt.date, str]] = {}  # site → (filing, received, main industry)
    query = (
        select(Filing.site_id, Filing.id, Filing.received_on, IndustryCase.industry_code)
        .join(IndustryCase, and_(IndustryCase.filing_id == Filing.id, IndustryCase.is_main))
        .join(Site, Site.id == Filing.site_id)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Filing.year == batch.year, Enterprise.city == batch.city)
        .order_by(Filing.received_on, Filing.id)
    )
    for site_id, filing_id, received, main in session.execute(query):
        filed.setdefault(site_id, (filing_id, received, main))  # the earliest filing counts
    rows: list[RegisterRow] = []
    for site_id, (_, _, main) in filed.items():
        if main in batch.industries:
            expected.setdefault(site_id, set()).add(main)
    sites = session.execute(
        select(Site, Enterprise)
        .join(Enterprise, Enterprise.id == Site.enterprise_id)
        .where(Site.id.in_(list(expected)))
    ).all()
    for site, enterprise in sites:
        if county is not None and enterprise.county != county:
            continue
        filing = filed.get(site.id)
        if filing is not None and filing[2] not in batch.industries:
            continue  # filed in the batch of its main industry
        status, days_late = _status(batch, filing, today)
        rows.append(
            RegisterRow(
                site_id=site.id,
                site_name=site.name,
                enterprise_id=enterprise.id,
                enterprise_name=enterprise.name,
                credit_code=enterprise.credit_code,
                county=enterprise.county,
                industries=sorted(expected[site.id]),
                filing_id=filing[0] if filing else None,
                received_on=filing[1] if filing else None,
                status=status,
                days_late=days_late,
            )
        )
    return sorted(rows, key=lambda r: (r.county, r.site_id))


def _status(
    batch: ReviewBatch, filing: tuple[int, dt.date, str] | None, today: dt.date
) -> tuple[RegisterStatus, int | None]:
    if filing is None:
        return (RegisterStatus.missing if today > batch.deadline else RegisterStatus.not_due), None
    received = filing[1]
    if received > batch.deadline:
        return RegisterStatus.late, (received - batch.deadline).days
    return RegisterStatus.on_time, None


def register_for(
    session: Session,
    actor: Actor,
    batch_id: int,
    *,
    status: RegisterStatus | None = None,
    today: dt.date | None = None,
) -> tuple[ReviewBatch, list[RegisterRow]]:
    """The batch's register for a reviewer: a county reviewer sees their county's sites.

    Raises Forbidden (not a reviewer), NotFound (no such batch).
    """
    actor.require(*REVIEWER_ROLES)
    batch = get_batch(session, actor, batch_id)
    rows = batch_register(session, batch, county=actor.county, today=today)
    if status is not None:
        rows = [row for row in rows if row.status is status]
    return batch, rows
