"""The public disclosure list (评级名录, rule 15): decided grades of the plants that may be named.

S0 §五(三) and S2 §六 have the grading list made public "涉密企业和工程除外", S4 §三(五) every
year: so a plant is listed only when its filing has a decided grade — a confirmed city review
decision, or a later downgrade of it (rule 14, S4 §三(四)), whichever is the latest — and never
when it is classified (``Enterprise.classified``). A downgraded plant is listed at its new grade.
Of a site's filings of one year only the one that stands is listed (``server.review.grades``):
a filing again within the year (S0 §五(一), S2 §七, S4 §三(四)) replaces the earlier grade once it
is decided, never before. The list names plants, not
people: no user, inspector or reviewer names, no telephone numbers, no comments or reasons —
only the columns below, each the plant's public identity or its grade.

| 列 | column |
|---|---|
| 序号 | row number: by county, then in the order the filings were received |
| 县（市、区） | county |
| 企业名称 / 统一社会信用代码 / 厂区名称 | enterprise, credit code, site |
| 行业 | the industries, the main one first |
| 绩效级别 | the decided grade |
| 年度 | the filing year |
"""

from __future__ import annotations

from dataclasses import asdict
from typing import IO, Any

from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.clock import china_today
from server.db import utcnow
from server.exports import labels, repository
from server.exports.files import FORMATS, Written, china_time, filters_text, write_table
from server.exports.repository import ExportFilter
from server.exports.tables import Column, Table, column_notes
from server.filings.models import FilingStatus

COLUMNS = (
    Column("序号", "No.", 6),
    Column("县（市、区）", "County", 12),
    Column("企业名称", "Enterprise", 32),
    Column("统一社会信用代码", "Unified social credit code", 22, text=True),
    Column("厂区名称", "Site", 16),
    Column("行业", "Industry (main first)", 24),
    Column("绩效级别", "Performance grade (decided)", 12),
    Column("年度", "Year", 8),
)
NOTICE = (
    "S0 §五(三)、S2 §六：向社会公告评级名录（涉密企业和工程除外）；S4 §三(五)：每年向社会公开"
    "绩效分级名录"
)


def export_disclosure(
    session: Session, *, actor: Actor, filters: ExportFilter, fmt: str, out: IO[bytes]
) -> Written:
    """Write the public list of decided grades in the actor's scope, classified plants left out.

    Raises Forbidden (inspectors), NotFound (an unknown batch), ValueError (a bad format).
    """
    actor.require(*REVIEWER_ROLES)
    rows = disclosure_rows(session, actor=actor, filters=filters)
    year = f"{filters.year}年" if filters.year else ""
    notes = [
        ("名录 List", f"{year}重点行业绩效分级名录（公开） Public list of performance grades"),
        ("依据 Basis", NOTICE),
        (
            "不含 Left out",
            "涉密企业；未审定的申报；个人信息 classified plants, undecided filings, personal data",
        ),
        ("筛选 Filters", filters_text(asdict(filters))),
        ("行数 Rows", str(len(rows))),
        ("导出时间 Exported", china_time(utcnow())),
        *column_notes(COLUMNS),
    ]
    write_table(Table("绩效分级名录", COLUMNS, rows, notes), fmt, out)
    stamp = filters.year or china_today().year
    return Written(f"绩效分级名录-{stamp}.{fmt}", FORMATS[fmt], len(rows))


def disclosure_rows(session: Session, *, actor: Actor, filters: ExportFilter) -> list[list[Any]]:
    """The rows of the public list: decided, not classified, nothing about any person."""
    chosen = repository.filing_ids(session, actor, filters)
    latest = repository.latest_grades(session, chosen)
    filings = repository.filings(session, chosen)
    standing = repository.standings(session, filings)
    published = []
    for filing in filings:
        event = latest.get(filing.id)
        if event is None or filing.site.enterprise.classified:
            continue
        if filing.status is FilingStatus.withdrawn or not standing[filing.id].current:
            continue
        published.append((filing, event.grade))
    published.sort(
        key=lambda item: (item[0].site.enterprise.county, item[0].received_on, item[0].id)
    )
    return [
        [
            number,
            filing.site.enterprise.county,
            filing.site.enterprise.name,
            filing.site.enterprise.credit_code,
            filing.site.name,
            labels.industries_text(filing.cases),
            labels.grade_name(grade),
            filing.year,
        ]
        for number, (filing, grade) in enumerate(published, start=1)
    ]
