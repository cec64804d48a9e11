"""Filing again within the year: the year's filings of a site, numbered, the earlier ones kept.

A site files once a year (rule 13), and may file again in that year:

- after withdrawing: every earlier filing of the year withdrawn, the new one is a ``refiling``;
- after a decided grade, in the year's dynamic adjustment: "涉及企业可在12月10日前根据深度治理
  进展情况再次绩效分级申报，进行绩效分级调整" (S0 §五(一)); the county "开展一次绩效分级动态调整"
  before 10 December (S0 §四(六)); Henan from 2021 "12月31日前开展一次绩效分级动态调整" (S2 §七).
  The last day and how many a year are the jurisdiction's settings (``adjustment_deadline``,
  ``adjustments_per_year``; none: no limit). A filing claiming a higher grade than the decided
  one is a ``higher_grade`` filing — "申请更高级别的企业应重新提交申请材料" (S4 §三(四)) —
  otherwise a ``dynamic_adjustment``; both count as the year's adjustments.

Never while another filing of the site's year is still in review: it must be withdrawn or
decided first. The integrity record's one-year bar (rule 7) holds for every filing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.catalogue import catalogue
from server.errors import Conflict, DuplicateFiling
from server.filings.models import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    Filing,
    FilingKind,
    FilingStatus,
)
from server.filings.service import FilingPlan, receive_filing
from server.registry.models import Site
from server.review.grades import latest_grades
from server.review.jurisdiction import rules_for

ADJUSTMENTS = (FilingKind.dynamic_adjustment, FilingKind.higher_grade)


class AdjustmentClosed(Conflict):
    """After a decided grade a site files again only until the jurisdiction's last day."""

    code = "filing.adjustment_closed"


class AdjustmentsUsed(Conflict):
    """The year's dynamic adjustments are used up (S0 §四(六), S2 §七: once)."""

    code = "filing.adjustments_used"


def _main_claim(cases: list[dict[str, Any]]) -> tuple[str, tuple[str, ...]]:
    main = next((c for c in cases if c.get("is_main", len(cases) == 1)), cases[0])
    industry = catalogue().industry(main["guide_version"], main["industry_code"])
    return main["claimed_grade"], industry.scale if industry else ()


def plan_filing(
    session: Session, *, site: Site, year: int, received_on: dt.date, cases: list[dict[str, Any]]
) -> FilingPlan:
    """The new filing's place in the site's year. Raises DuplicateFiling (another filing of the
    year is in review), AdjustmentClosed, AdjustmentsUsed."""
    earlier = list(
        session.scalars(
            select(Filing)
            .where(Filing.site_id == site.id, Filing.year == year)
            .order_by(Filing.sequence)
        )
    )
    if not earlier:
        return FilingPlan()
    sequence = earlier[-1].sequence + 1
    in_review = [f for f in earlier if f.status in OPEN_STATUSES]
    if in_review:
        f = in_review[-1]
        raise DuplicateFiling(
            f"该厂区 {year} 年的申报（编号 {f.id}）仍在审核中；请先撤回或等待审定后再申报 / "
            f"filing {f.id} of this site for {year} is still in review; withdraw it or wait "
            "for its decision before filing again"
        )
    grades = latest_grades(session, [f.id for f in earlier])
    decided = [f for f in earlier if f.status in DECIDED_STATUSES and f.id in grades]
    if not decided:  # every earlier filing was withdrawn
        return FilingPlan(FilingKind.refiling, sequence, earlier[-1].id)
    standing = decided[-1]
    rules = rules_for(session, site.enterprise.city, received_on)
    last_day = rules.adjustment_last_day(year)
    if last_day is not None and received_on > last_day:
        raise AdjustmentClosed(
            f"{year} 年已审定的企业再次申报（动态调整）须在 {last_day.isoformat()} 前提出"
            f"（{site.enterprise.city}的规定）；请在下一年度申报 / after a decided grade, filing "
            f"again in {year} (dynamic adjustment) closed on {last_day.isoformat()}; file in "
            "the next year"
        )
    used = [f for f in earlier if f.kind in ADJUSTMENTS and f.status is not FilingStatus.withdrawn]
    if rules.adjustments_per_year is not None and len(used) >= rules.adjustments_per_year:
        raise AdjustmentsUsed(
            f"{year} 年的动态调整已进行 {len(used)} 次（每年 {rules.adjustments_per_year} 次）"
            f" / the year's dynamic adjustments are used: {len(used)} of "
            f"{rules.adjustments_per_year}"
        )
    claimed, scale = _main_claim(cases)
    decided_grade = grades[standing.id].grade
    higher = claimed in scale and decided_grade in scale
    higher = higher and scale.index(claimed) < scale.index(decided_grade)
    kind = FilingKind.higher_grade if higher else FilingKind.dynamic_adjustment
    return FilingPlan(kind, sequence, standing.id)


def receive(
    session: Session,
    *,
    actor: Actor,
    site: Site,
    year: int,
    received_on: dt.date,
    cases: list[dict[str, Any]],
    **extra: Any,
) -> Filing:
    """Receive a filing, the site's first of the year or one filed again (see the module).

    Raises ValidationFailed, Forbidden, DuplicateFiling, AdjustmentClosed, AdjustmentsUsed,
    ApplicantBarred."""
    return receive_filing(
        session,
        actor=actor,
        site=site,
        year=year,
        received_on=received_on,
        cases=cases,
        planner=lambda: plan_filing(
            session, site=site, year=year, received_on=received_on, cases=cases
        ),
        **extra,
    )
