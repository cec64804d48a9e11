"""The results list (绩效分级结果清单): one row per filing, as the bureau keeps it.

The layout follows S1 (石家庄市生态环境局 2020 紧急通知): each 分局 collects its plants in the
《重点行业企业环保绩效评级申请名单》 (§(一), §(十五)–(十六)) and reports it to the city, by
county as the notice names them, 县（市、区）; §(十二) names the list's key fields, the industry
(行业类别) and the grade (绩效等级). S0 (驻马店 2020) adds what the list carries through the
review: the grade filed (申报, §三(一)), the grade decided (审定, §五(一)), and whether the plant
is an essential-service plant (保障类, §二(三)). The notices do not print the attachment's
table, so the columns between are ours: the grade the on-site evidence supports, whether the
plant was checked on site, and where its review stands.

| 列 | column |
|---|---|
| 序号 | row number: by county, then in the order the filings were received |
| 县（市、区） | county |
| 企业名称 / 统一社会信用代码 / 厂区名称 | enterprise, credit code, site (一厂一册, S4 §三(二)) |
| 行业 | the industries, the main one first (several: ``铸造（主行业）；工业涂装``) |
| 申报级别 | the grade claimed (several industries: per industry) |
| 核查支持级别 | the grade the evidence supports (the reconciliation) |
| 审定级别 | the decided grade that counts: the last confirmed review decision, or a later downgrade (rule 14) |
| 是否现场核查 / 是否保障类 | checked on site (an accepted inspection); essential-service plant |
| 审核状态 / 年度 / 批次 | the review state, the filing year, the review batch |
| 按时申报 | filed by the batch's deadline; else late, managed at the lowest grade (S1 §(十七)) |
| 备注 | what a reader must know: unverifiable indicators, a void visit, a grade-down, a |
| | filing again or superseded within the year |

A site may file more than once a year (S0 §五(一), S2 §七, S4 §三(四)): every filing keeps its
row; the remarks say which filing of the year stands and which one superseded the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from functools import partial
from typing import IO, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.accounts.actor import REVIEWER_ROLES, Actor
from server.clock import china_today
from server.db import utcnow
from server.exports import labels, repository
from server.exports.files import FORMATS, Written, china_time, filters_text, write_table
from server.exports.repository import ExportFilter
from server.exports.tables import Column, Table, column_notes
from server.filings.models import Filing, FilingStatus
from server.reconciliation.models import ReconciliationResult
from server.reconciliation.service import Keep, read_current, store
from server.review.grades import GradeEvent, Standing
from server.review.models import DecisionOutcome, ReviewBatch, ReviewDecision
from server.review.register import Late, RegisterStatus, batch_register, late_filings

MISSING = "未申报"

NOTICE = (
    "S1《石家庄市生态环境局关于做好2020年重污染天气重点行业绩效分级和应急减排清单修订工作的"
    "紧急通知》附件5 评级申请名单（按县（市、区）汇总）；审定级别、保障类见S0《驻马店市生态环境局"
    "关于开展2020年重污染天气重点行业绩效分级评定工作的通知》"
)

COLUMNS = (
    Column("序号", "No.", 6),
    Column("县（市、区）", "County", 12),
    Column("企业名称", "Enterprise", 32),
    Column("统一社会信用代码", "Unified social credit code", 22, text=True),
    Column("厂区名称", "Site", 16),
    Column("行业", "Industry (main first)", 22),
    Column("申报级别", "Grade claimed", 14),
    Column("核查支持级别", "Grade the evidence supports", 14),
    Column("审定级别", "Grade decided", 10),
    Column("是否现场核查", "Checked on site", 12),
    Column("是否保障类", "Essential-service plant", 10),
    Column("审核状态", "Review state", 12),
    Column("年度", "Year", 8),
    Column("批次", "Review batch", 14),
    Column("按时申报", "Filed by the deadline (S1 §(十七))", 16),
    Column("备注", "Remarks", 48),
)


def decided_grade(latest: GradeEvent | None) -> str | None:
    """The decided grade that counts: the latest of the filing's grade history (its confirmed
    decision, or a later downgrade, rule 14), or none yet."""
    return latest.grade if latest is not None else None


def export_results(
    session: Session,
    *,
    actor: Actor,
    filters: ExportFilter,
    fmt: str,
    out: IO[bytes],
    keep: Keep | None = None,
) -> Written:
    """Write the results list of the filings in the actor's scope that the filters choose.

    Results recomputed on the way are handed to ``keep`` (stored in ``session`` without it).

    Raises Forbidden (inspectors), NotFound (an unknown batch), ValueError (a bad format).
    """
    actor.require(*REVIEWER_ROLES)
    chosen = repository.filing_ids(session, actor, filters)
    rows = list(_rows(session, chosen, keep))
    rows += _missing_rows(session, actor, filters, start=len(rows) + 1)
    year = f"{filters.year}年" if filters.year else ""
    notes = [
        ("清单 List", f"{year}重点行业企业环保绩效评级结果清单 Performance grading results"),
        ("依据 Layout", NOTICE),
        ("范围 Scope", actor.county or "全市 whole city"),
        ("筛选 Filters", filters_text(asdict(filters))),
        ("行数 Rows", str(len(rows))),
        ("导出时间 Exported", china_time(utcnow())),
        *column_notes(COLUMNS),
    ]
    write_table(Table("绩效分级结果清单", COLUMNS, rows, notes), fmt, out)
    stamp = filters.year or china_today().year
    return Written(f"绩效分级结果清单-{stamp}.{fmt}", FORMATS[fmt], len(rows))


def _rows(session: Session, chosen: Select[int], keep: Keep | None) -> Iterator[list[Any]]:
    filings = sorted(
        repository.filings(session, chosen),
        key=lambda f: (f.site.enterprise.county, f.received_on, f.id),
    )
    decisions = repository.confirmed_decisions(session, chosen)
    latest = repository.latest_grades(session, chosen)
    standing = repository.standings(session, filings)
    visited = repository.visited(session, chosen)
    # One load of every filing's evidence: only those whose evidence changed are recomputed.
    current = read_current(session, [filing.id for filing in filings])
    if current.pending:
        (keep or partial(store, session))(current.pending)
    results = current.results
    places = {(filing.site.enterprise.city, filing.year) for filing in filings}
    batch_of = _batch_names(repository.batches(session, places))
    late = late_filings(session, filings)  # S1 §(十七): managed at the lowest grade
    for number, filing in enumerate(filings, start=1):
        enterprise = filing.site.enterprise
        result = results.get(filing.id)
        decision = decisions.get(filing.id)
        main = labels.main_first(filing.cases)[0] if filing.cases else None
        batch = batch_of.get((enterprise.city, filing.year, main.industry_code if main else ""))
        yield [
            number,
            enterprise.county,
            enterprise.name,
            enterprise.credit_code,
            filing.site.name,
            labels.industries_text(filing.cases),
            labels.claimed_text(filing.cases),
            supported_text(result),
            labels.grade_name(decided_grade(latest.get(filing.id))),
            labels.yes_no(filing.id in visited),
            labels.yes_no(filing.essential_service),
            labels.STATUS_NAMES[filing.status],
            filing.year,
            batch or labels.NONE,
            _on_time_text(late.get(filing.id)),
            "；".join(
                remarks(filing, result, decision)
                + year_remarks(filing, latest.get(filing.id), standing.get(filing.id))
            ),
        ]


def _missing_rows(
    session: Session, actor: Actor, filters: ExportFilter, *, start: int
) -> list[list[Any]]:
    """S1 §(一)(十七), S2 §六: plants on the list of a batch whose deadline passed with no filing
    from them; each a row of its own, managed at the lowest grade (the industry's strictest
    measures). Only for a chosen year or batch: without one there is no deadline to miss."""
    if filters.batch_id is not None:
        batches = [b for b in [session.get(ReviewBatch, filters.batch_id)] if b is not None]
    elif filters.year is not None:
        batches = list(
            session.scalars(
                select(ReviewBatch).where(ReviewBatch.year == filters.year).order_by(ReviewBatch.id)
            )
        )
    else:
        return []
    county = actor.county or filters.county
    rows: list[list[Any]] = []
    for batch in batches:
        for entry in batch_register(session, batch, county=county):
            if entry.status is not RegisterStatus.missing:
                continue
            if filters.industry and filters.industry not in entry.industries:
                continue
            rows.append(
                [
                    start + len(rows),
                    entry.county,
                    entry.enterprise_name,
                    entry.credit_code,
                    entry.site_name,
                    "；".join(labels.any_industry_name(code) for code in entry.industries),
                    MISSING,
                    labels.NONE,
                    labels.NONE,
                    labels.NO,
                    labels.NO,
                    MISSING,
                    batch.year,
                    batch.name,
                    f"截止{batch.deadline.isoformat()}未申报，按最低等级管理",
                    "名单内企业未申报：按最低等级管理，执行本行业最严格的减排措施（S2 §六）",
                ]
            )
    return rows


def supported_text(result: ReconciliationResult | None) -> str:
    """The evidence-supported grade; ``不予评级`` when the evidence supports none (rule 2)."""
    if result is None:
        return labels.NONE
    return labels.grade_name(result.supported_grade) if result.supported_grade else labels.NO_GRADE


def remarks(
    filing: Filing, result: ReconciliationResult | None, decision: ReviewDecision | None
) -> list[str]:
    """What a reader of the row must know that the grade columns do not say."""
    notes = []
    main = labels.main_first(filing.cases)[0] if filing.cases else None
    if result is not None:
        if result.needs_new_visit:
            notes.append("现场核查时非正常生产，核查无效，须重新核查")
        if not result.confirmed:
            visited = bool((result.result or {}).get("visits"))
            notes.append(
                "有指标无法核实，核查支持级别待确认"
                if visited
                else "尚未现场核查，核查支持级别待确认"
            )
        supported = result.supported_grade
        if main is not None and supported is not None and supported != main.claimed_grade:
            notes.append("核查支持级别与申报级别不一致")
    if decision is not None:
        if decision.outcome is DecisionOutcome.grade_down:
            notes.append("审定降级评定")
        elif decision.outcome is DecisionOutcome.new_visit:
            notes.append("审定退回重新现场核查")
    if filing.status is FilingStatus.downgraded:
        notes.append("后续检查发现指标不再满足，已降级")
    elif filing.status is FilingStatus.withdrawn:
        notes.append("企业已撤回申报")
    return notes


def _on_time_text(late: Late | None) -> str:
    if late is None:
        return "是"
    return f"逾期{late.days_late}天，按最低等级管理"


def year_remarks(filing: Filing, latest: GradeEvent | None, standing: Standing | None) -> list[str]:
    """The downgrade's grade and check, and where the filing stands among its site's year."""
    notes = []
    if latest is not None and latest.source == "downgrade":
        check = labels.CHECK_NAMES.get(latest.check_kind or "", "后续检查")
        notes.append(f"{check}后由 {latest.from_grade} 级降为 {latest.grade} 级")
        if latest.falsification:
            notes.append("提供虚假材料，已记入诚信档案")
    if filing.kind.value != "initial":
        notes.append(f"本年度第{filing.sequence}次申报（{labels.KIND_NAMES[filing.kind]}）")
    if standing is not None and standing.superseded_by is not None:
        notes.append(f"已被本年度后续申报（编号{standing.superseded_by}）取代")
    elif standing is not None and not standing.current and filing.status.value != "withdrawn":
        notes.append("本年度已有审定申报，本次申报审定前以原审定级别为准")
    return notes


def _batch_names(batches: list[ReviewBatch]) -> dict[tuple[str, int, str], str]:
    """(city, year, industry) → the batch's name; batches of one year never share an industry."""
    return {
        (batch.city, batch.year, industry): batch.name
        for batch in batches
        for industry in batch.industries
    }
