"""The bureau's side of the demo city, so every reviewer page has something to show after
`make run` (a newcomer's first hour): a batch whose draw is published with its teams, a batch
still to be drawn, a filing returned for supplement with its missing items, a plant decided by
two city reviewers and one downgraded after a later check.

Everything goes through the real services (workflow, batches, draws, team proposals, four-eyes
decisions, downgrades), on filings the other demo steps leave alone: no published on-site
check, still received, year 2026. Steps are dated on past days so the deadlines the pages show
run as in real life.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.assignments.models import Assignment, AssignmentStatus
from server.assignments.proposals import propose_for_draw
from server.assignments.service import update_assignment
from server.catalogue import catalogue
from server.clock import CHINA
from server.filings.models import Filing, FilingStatus, IndustryCase
from server.review.batches import create_batch
from server.review.decisions import confirm_decision, propose_decision
from server.review.downgrades import downgrade_filing
from server.review.service import transition
from server.review.workflow import Action
from server.sampling.service import create_draw, publish_draw


def _industry_zh(code: str) -> str:
    """The industry's Chinese name, as a batch's name carries it."""
    for guide in catalogue().guides.values():
        if code in guide.industries:
            return guide.industries[code].name_zh
    return code


DRAW_SEED = "demo-2026-draw-seed"  # a published seed: anyone can re-draw and compare
RETURNED_ITEMS = ["排污许可证副本", "近一年有组织排放自行监测报告", "运输车辆电子台账（近三个月）"]


@dataclass
class WorkbenchResult:
    drawn_batch: int | None = None
    undrawn_batch: int | None = None
    selected: int = 0
    teams_published: int = 0
    returned: int | None = None
    decided: int | None = None
    downgraded: int | None = None
    notes: list[str] = field(default_factory=list)


def _free_filings(session: Session) -> dict[str, list[tuple[Filing, str]]]:
    """2026 filings still received and without any assignment, by main industry (with the
    main claim), oldest first."""
    assigned = select(Assignment.filing_id)
    rows = session.execute(
        select(Filing, IndustryCase.industry_code, IndustryCase.claimed_grade)
        .join(IndustryCase, IndustryCase.filing_id == Filing.id)
        .where(
            IndustryCase.is_main.is_(True),
            Filing.year == 2026,
            Filing.status == FilingStatus.received,
            Filing.id.not_in(assigned),
        )
        .order_by(Filing.id)
    ).all()
    by_industry: dict[str, list[tuple[Filing, str]]] = defaultdict(list)
    for filing, industry, grade in rows:
        by_industry[industry].append((filing, grade))
    return by_industry


def _to_city(
    session: Session, filing: Filing, county: Actor, now: dt.datetime, *, start_city: Actor | None
) -> None:
    """County review and forwarding on past days (and the city's review when asked)."""
    steps: list[tuple[Action, Actor, int]] = [
        (Action.start_county_review, county, 12),
        (Action.forward, county, 10),
    ]
    if start_city is not None:
        steps.append((Action.start_city_review, start_city, 9))
    for action, actor, days_ago in steps:
        at = (now - dt.timedelta(days=days_ago)).replace(hour=10, minute=0, second=0)
        day = max(at.date(), filing.received_on)
        outcome = transition(session, actor=actor, filing=filing, action=action, on=day)
        outcome.transition.at = at.astimezone(dt.UTC)


def give_demo_workbench(
    session: Session,
    *,
    city: str,
    city1: Actor,
    city2: Actor,
    county_actors: dict[str | None, Actor],
) -> WorkbenchResult:
    """The batches, draw, teams, returned filing and decided/downgraded plants (see above)."""
    story = _Story(session, city, city1, city2, county_actors, dt.datetime.now(CHINA))
    free = _free_filings(session)
    # Industries with drawable claims first: the drawn batch takes the one with the most, the
    # batch still to be drawn the next; the decided plants come from the others.
    drawable = sorted(
        (
            (sum(1 for _, g in rows if g in DRAWN_GRADES), industry)
            for industry, rows in free.items()
        ),
        reverse=True,
    )
    industries = [industry for n, industry in drawable if n >= 1]
    result = WorkbenchResult()
    story.decide_two(free, industries[2:] or industries, result)
    if industries:
        story.drawn_batch(free.pop(industries[0]), industries[0], result)
    if len(industries) > 1:
        story.undrawn_batch(free.pop(industries[1]), industries[1], result)
    rest = [f for rows in free.values() for f, _ in rows]
    if rest:
        result.returned = story.return_for_supplement(rest[0])
    return result


DRAWN_GRADES = frozenset({"A+", "A", "leading", "advanced", "B", "B-"})


@dataclass
class _Story:
    session: Session
    city: str
    city1: Actor
    city2: Actor
    county_actors: dict[str | None, Actor]
    now: dt.datetime

    def county_of(self, filing: Filing) -> Actor:
        return self.county_actors[filing.site.enterprise.county]

    def decide_two(
        self,
        free: dict[str, list[tuple[Filing, str]]],
        industries: list[str],
        result: WorkbenchResult,
    ) -> None:
        """A plant decided by two city reviewers, and one downgraded afterwards (B claims,
        decided on the documents: B plants are sampled, and these two were not drawn)."""
        paper = [f for industry in reversed(industries) for f, g in free[industry] if g == "B"][:2]
        taken = {f.id for f in paper}
        for rows in free.values():
            rows[:] = [(f, g) for f, g in rows if f.id not in taken]
        for filing in paper:
            _to_city(self.session, filing, self.county_of(filing), self.now, start_city=self.city1)
            proposal = propose_decision(
                self.session,
                actor=self.city1,
                filing_id=filing.id,
                outcome="confirm",
                grade=None,
                reason_codes=["documents_verified"],
                comment="申报材料经核实真实、完整；该企业未被抽中现场核查。",
            )
            confirm_decision(
                self.session, actor=self.city2, decision_id=proposal.id, comment="同意。"
            )
        if paper:
            result.decided = paper[0].id
        if len(paper) > 1:
            downgrade_filing(
                self.session,
                actor=self.city1,
                filing_id=paper[1].id,
                grade="C",
                check_kind="routine_inspection",
                reason="日常检查发现运输车辆电子台账缺失近一个月记录，运输监管指标不再满足 B 级要求。",
                evidence="日常检查记录 驻环检〔2026〕118 号：检查日期、车辆台账截图见记录。",
            )
            result.downgraded = paper[1].id

    def drawn_batch(
        self, rows: list[tuple[Filing, str]], industry: str, result: WorkbenchResult
    ) -> None:
        """The batch whose draw is published, with teams proposed and published."""
        for filing, _grade in rows:
            _to_city(self.session, filing, self.county_of(filing), self.now, start_city=None)
        batch = create_batch(
            self.session,
            actor=self.city1,
            name=f"2026 年第一批（{_industry_zh(industry)}）",
            city=self.city,
            year=2026,
            industries=[industry],
            deadline=(self.now + dt.timedelta(days=20)).date(),
        )
        result.drawn_batch = batch.id
        draw = create_draw(self.session, actor=self.city1, batch_id=batch.id, seed=DRAW_SEED)
        publish_draw(
            self.session,
            actor=self.city1,
            draw_id=draw.id,
            disclose_after=(self.now + dt.timedelta(days=1)).astimezone(dt.UTC),
        )
        result.selected = draw.selected_count
        start = (self.now + dt.timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
        report = propose_for_draw(
            self.session,
            actor=self.city1,
            draw_id=draw.id,
            window_start=start.astimezone(dt.UTC),
            window_end=(start + dt.timedelta(days=4)).astimezone(dt.UTC),
        )
        for assignment in report.created:
            update_assignment(
                self.session,
                actor=self.city1,
                assignment=assignment,
                changes={"status": AssignmentStatus.published},
            )
        result.teams_published = len(report.created)

    def undrawn_batch(
        self, rows: list[tuple[Filing, str]], industry: str, result: WorkbenchResult
    ) -> None:
        """A batch still to be drawn: its filings forwarded to the city, no draw yet."""
        for filing, _grade in rows:
            _to_city(self.session, filing, self.county_of(filing), self.now, start_city=None)
        batch = create_batch(
            self.session,
            actor=self.city1,
            name=f"2026 年第二批（{_industry_zh(industry)}）",
            city=self.city,
            year=2026,
            industries=[industry],
            deadline=(self.now + dt.timedelta(days=35)).date(),
        )
        result.undrawn_batch = batch.id

    def return_for_supplement(self, filing: Filing) -> int:
        """A filing returned for supplement, with the one complete list of what is missing."""
        county = self.county_of(filing)
        first = (self.now - dt.timedelta(days=4)).replace(hour=9, minute=0, second=0)
        back = first + dt.timedelta(days=2, hours=6)
        for action, at, items in (
            (Action.start_county_review, first, None),
            (Action.return_for_supplement, back, list(RETURNED_ITEMS)),
        ):
            outcome = transition(
                self.session,
                actor=county,
                filing=filing,
                action=action,
                on=max(at.date(), filing.received_on),
                missing_items=items,
            )
            outcome.transition.at = at.astimezone(dt.UTC)
        return filing.id
