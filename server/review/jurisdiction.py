"""A city's review rules as versioned data: sampling rate, deadline days, day counting,
which penalties bar which grades (rule 6), gate video retention (rule 17) and the grades exempt
from emergency measures per pollution level (S4 §四(三)).

Rule 12 sets the floor (at least 30% of B applicants); S4 §三 the 7 and 15 days. A city may
sample more or count differently; each change is a new version, never an edit, so a draw or a
deadline can always say which rules it followed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.service import record
from server.clock import china_today
from server.compliance import emergency
from server.compliance.kinds import (
    ANY_PENALTY,
    DEFAULT_BAR,
    PERIODS,
    TOP_GRADES,
    PenaltyBar,
    PenaltyKind,
    cite,
)
from server.errors import ValidationFailed
from server.review.daycount import CALENDAR, DAY_KINDS, add_days
from server.review.errors import RateTooLow
from server.review.models import JurisdictionSettings

MINIMUM_SAMPLING_RATE = Decimal("0.30")  # rule 12, S4 §三(三) "不低于30%"
# Rule 2: how a plant in several industries is graded.
MULTI_INDUSTRY_POLICIES = (
    "main_industry",  # Henan 2021 (S2 §二): the largest emitter leads, the others must match
    "cross_level",  # Shaoxing (S4 §三(二)): main + reference industries, the cross level
    "each_industry",  # MEE26: each industry alone, the plant gets the lowest
)


@dataclass(frozen=True)
class JurisdictionRules:
    city: str
    version: int | None = None  # None: the built-in defaults (no version stored yet)
    effective_from: dt.date | None = None
    sampling_rate: Decimal = MINIMUM_SAMPLING_RATE
    county_review_days: int = 7  # S4 §三(二)
    city_review_days: int = 15  # S4 §三(三)
    day_kind: str = CALENDAR
    holidays: tuple[dt.date, ...] = ()
    extra_workdays: tuple[dt.date, ...] = ()
    multi_industry: str = "main_industry"
    bars_downgraded: bool = False  # Henan (S2 §二): downgraded within a year bars A, B, leading
    # Filing again after a decided grade: last day ("MM-DD") and how many a year; None: no limit.
    adjustment_deadline: str | None = None  # S0 §五(一): 12-10; S2 §七: 12-31
    adjustments_per_year: int | None = None  # S0 §四(六), S2 §七: 一次

    def adjustment_last_day(self, year: int) -> dt.date | None:
        if self.adjustment_deadline is None:
            return None
        month, day = (int(part) for part in self.adjustment_deadline.split("-"))
        return dt.date(year, month, day)

    penalty_bar: PenaltyBar = DEFAULT_BAR  # rule 6: kinds, grades, period
    gate_video_retention_months: int = 6  # rule 17, S1 §(五) 保持 6 个月
    # S4 §四(三): pollution level → exempt grades; empty: the national tables only
    pollution_exemptions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def penalty_bar_kinds(self) -> list[str]:
        return sorted(self.penalty_bar.kinds)

    @property
    def penalty_bar_grades(self) -> list[str]:
        return sorted(self.penalty_bar.grades)

    @property
    def penalty_bar_period(self) -> str:
        return self.penalty_bar.period

    def due(self, start: dt.date, days: int) -> dt.date:
        return add_days(
            start, days, kind=self.day_kind, holidays=self.holidays, workdays=self.extra_workdays
        )


def parse_rate(value: str | Decimal | float) -> Decimal:
    """A sampling rate as an exact decimal between 0.30 and 1. Raises RateTooLow, ValidationFailed."""
    try:
        rate = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(
            "sampling rate is not a number", errors={"sampling_rate": ["must be a decimal"]}
        ) from exc
    if not rate.is_finite() or rate > 1:
        raise ValidationFailed(
            "sampling rate above 100%", errors={"sampling_rate": ["must be at most 1"]}
        )
    if rate < MINIMUM_SAMPLING_RATE:
        raise RateTooLow(
            f"sampling rate {rate} is below the minimum {MINIMUM_SAMPLING_RATE} "
            "(rule 12: at least 30% of B applicants are checked on site)",
            errors={"sampling_rate": [f"must be at least {MINIMUM_SAMPLING_RATE}"]},
        )
    return rate


def _rules(row: JurisdictionSettings) -> JurisdictionRules:
    return JurisdictionRules(
        city=row.city,
        version=row.version,
        effective_from=row.effective_from,
        sampling_rate=Decimal(row.sampling_rate),
        county_review_days=row.county_review_days,
        city_review_days=row.city_review_days,
        day_kind=row.day_kind,
        holidays=tuple(sorted(dt.date.fromisoformat(d) for d in row.holidays)),
        extra_workdays=tuple(sorted(dt.date.fromisoformat(d) for d in row.extra_workdays)),
        multi_industry=row.multi_industry,
        bars_downgraded=row.bars_downgraded,
        adjustment_deadline=row.adjustment_deadline,
        adjustments_per_year=row.adjustments_per_year,
        penalty_bar=PenaltyBar(
            frozenset(row.penalty_bar_kinds),
            frozenset(row.penalty_bar_grades),
            row.penalty_bar_period,
            source=cite(row.penalty_bar_kinds, row.penalty_bar_period),
        ),
        gate_video_retention_months=row.gate_video_retention_months,
        pollution_exemptions=dict(emergency.frozen(row.pollution_exemptions)),
    )


def rules_for(session: Session, city: str, on: dt.date) -> JurisdictionRules:
    """The city's rules in force on ``on``: the highest version already effective, else defaults."""
    row = session.scalars(
        select(JurisdictionSettings)
        .where(JurisdictionSettings.city == city, JurisdictionSettings.effective_from <= on)
        .order_by(JurisdictionSettings.version.desc())
        .limit(1)
    ).first()
    return _rules(row) if row is not None else JurisdictionRules(city=city)


@dataclass(frozen=True)
class JurisdictionView:
    in_force: JurisdictionRules
    versions: list[JurisdictionRules]


def describe(session: Session, actor: Actor, city: str) -> JurisdictionView:
    """The rules in force today and every stored version, oldest first (reviewers)."""
    actor.require(Role.county_reviewer, Role.city_reviewer, Role.admin)
    query = select(JurisdictionSettings).where(JurisdictionSettings.city == city)
    versions = [
        _rules(row) for row in session.scalars(query.order_by(JurisdictionSettings.version))
    ]
    return JurisdictionView(rules_for(session, city, china_today()), versions)


KNOWN_KINDS = frozenset(k.value for k in PenaltyKind if k != PenaltyKind.downgraded) | {ANY_PENALTY}
KNOWN_GRADES = TOP_GRADES | {"C", "D", "non_leading", "non_advanced"}


def _bar_problems(
    kinds: list[str], grades: list[str], period: str, retention: int
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = [k for k in kinds if k not in KNOWN_KINDS]
    if unknown or not kinds:
        errors["penalty_bar_kinds"] = [
            f"penalty kinds, at least one, of: {', '.join(sorted(KNOWN_KINDS))}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        ]
    unknown = [g for g in grades if g not in KNOWN_GRADES]
    if unknown or not grades:
        errors["penalty_bar_grades"] = [
            f"grades, at least one, of: {', '.join(sorted(KNOWN_GRADES))}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        ]
    if period not in PERIODS:
        errors["penalty_bar_period"] = [f"must be one of {', '.join(PERIODS)}"]
    if not 1 <= retention <= 60:
        errors["gate_video_retention_months"] = ["must be between 1 and 60 months"]
    return errors


def _settings_problems(
    *, county_review_days: int, city_review_days: int, day_kind: str, multi_industry: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value in (
        ("county_review_days", county_review_days),
        ("city_review_days", city_review_days),
    ):
        if not 1 <= value <= 90:
            errors[name] = ["must be between 1 and 90 days"]
    if day_kind not in DAY_KINDS:
        errors["day_kind"] = [f"must be one of {', '.join(DAY_KINDS)}"]
    if multi_industry not in MULTI_INDUSTRY_POLICIES:
        errors["multi_industry"] = [f"must be one of {', '.join(MULTI_INDUSTRY_POLICIES)}"]
    return errors


def _adjustment_problems(deadline: str | None, per_year: int | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if deadline is not None:
        try:
            month, day = (int(part) for part in deadline.split("-"))
            dt.date(2024, month, day)  # a leap year: 02-29 is a day some years have
            if len(deadline) != 5:
                raise ValueError(deadline)
        except ValueError:
            errors["adjustment_deadline"] = ["a day of the year as MM-DD, e.g. 12-10"]
    if per_year is not None and not 1 <= per_year <= 12:
        errors["adjustments_per_year"] = ["between 1 and 12, or null for no limit"]
    return errors


def add_version(
    session: Session,
    *,
    actor: Actor,
    city: str,
    effective_from: dt.date,
    sampling_rate: str | Decimal,
    county_review_days: int = 7,
    city_review_days: int = 15,
    day_kind: str = CALENDAR,
    holidays: list[dt.date] | None = None,
    extra_workdays: list[dt.date] | None = None,
    multi_industry: str = "main_industry",
    bars_downgraded: bool = False,
    adjustment_deadline: str | None = None,
    adjustments_per_year: int | None = None,
    penalty_bar_kinds: list[str] | None = None,
    penalty_bar_grades: list[str] | None = None,
    penalty_bar_period: str | None = None,
    gate_video_retention_months: int = 6,
    pollution_exemptions: dict[str, list[str]] | None = None,
    note: str | None = None,
) -> JurisdictionRules:
    """Add the next version of a city's rules (admin); returns them as stored.

    Raises Forbidden, RateTooLow, ValidationFailed.
    """
    actor.require(Role.admin)
    rate = parse_rate(sampling_rate)
    errors = _settings_problems(
        county_review_days=county_review_days,
        city_review_days=city_review_days,
        day_kind=day_kind,
        multi_industry=multi_industry,
    ) | _adjustment_problems(adjustment_deadline, adjustments_per_year)
    kinds = sorted(set(penalty_bar_kinds if penalty_bar_kinds is not None else DEFAULT_BAR.kinds))
    grades = sorted(
        set(penalty_bar_grades if penalty_bar_grades is not None else DEFAULT_BAR.grades)
    )
    period = penalty_bar_period or DEFAULT_BAR.period
    errors |= _bar_problems(kinds, grades, period, gate_video_retention_months)
    exemptions = pollution_exemptions or {}
    if wrong := emergency.problems(exemptions):
        errors["pollution_exemptions"] = wrong
    elif unknown := sorted({g for gs in exemptions.values() for g in gs} - KNOWN_GRADES):
        errors["pollution_exemptions"] = [f"unknown grade(s): {', '.join(unknown)}"]
    if errors:
        raise ValidationFailed("the jurisdiction settings have problems", errors=errors)
    latest = session.scalar(
        select(func.max(JurisdictionSettings.version)).where(JurisdictionSettings.city == city)
    )
    row = JurisdictionSettings(
        city=city,
        version=(latest or 0) + 1,
        effective_from=effective_from,
        sampling_rate=str(rate),
        county_review_days=county_review_days,
        city_review_days=city_review_days,
        day_kind=day_kind,
        holidays=sorted(d.isoformat() for d in holidays or []),
        extra_workdays=sorted(d.isoformat() for d in extra_workdays or []),
        multi_industry=multi_industry,
        bars_downgraded=bars_downgraded,
        adjustment_deadline=adjustment_deadline,
        adjustments_per_year=adjustments_per_year,
        penalty_bar_kinds=kinds,
        penalty_bar_grades=grades,
        penalty_bar_period=period,
        gate_video_retention_months=gate_video_retention_months,
        pollution_exemptions={k: list(v) for k, v in emergency.frozen(exemptions)},
        note=note,
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()  # the id goes into the audit event and the response
    record(
        session,
        actor_id=actor.user_id,
        action="jurisdiction.settings_added",
        subject_type="jurisdiction_settings",
        subject_id=row.id,
        data={
            "city": city,
            "version": row.version,
            "effective_from": effective_from.isoformat(),
            "sampling_rate": row.sampling_rate,
            "county_review_days": county_review_days,
            "city_review_days": city_review_days,
            "day_kind": day_kind,
            "multi_industry": multi_industry,
            "bars_downgraded": bars_downgraded,
            "adjustment_deadline": adjustment_deadline,
            "adjustments_per_year": adjustments_per_year,
            "penalty_bar": {"kinds": kinds, "grades": grades, "period": period},
            "gate_video_retention_months": gate_video_retention_months,
            "pollution_exemptions": row.pollution_exemptions,
        },
    )
    return _rules(row)
