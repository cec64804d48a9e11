"""Reconcile one claimed indicator against what the inspection team found on site.

Pure: the forms, the team's answers and the photo evidence findings in, an `IndicatorVerdict`
out. Every item of the forms that carries the claimed indicator is checked against its
criterion for the claimed grade (`inspection_forms.evaluate`); photo items count only the
photos the evidence checks did not discard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from inspection_forms import Criterion, Form, Item, evaluate

# Findings that make a photo worthless as evidence (geofence, visit window, reuse).
DISCARDING_FINDINGS = frozenset(
    {
        "geo.outside_boundary",
        "time.outside_visit",
        "time.before_assignment",
        "reuse.exact",
        # the photo the answer names is not stored evidence: refused, withdrawn, never received
        "photo.rejected",
        "photo.withdrawn",
        "photo.missing",
    }
)

VERIFIED, CONTRADICTED, UNVERIFIABLE = "verified", "contradicted", "unverifiable"


@dataclass(frozen=True)
class Step:
    """One line of an explanation: a stable code, both languages, and the data behind it."""

    code: str
    message_zh: str
    message_en: str
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PhotoFinding:
    code: str  # e.g. "geo.outside_boundary"
    severity: str = "critical"  # info | warning | critical, as the evidence checks report it


@dataclass(frozen=True)
class IndicatorClaim:
    """What the filing claims: an indicator (`category.code` or just `code`) at a grade."""

    category: str
    indicator_code: str
    claimed_grade: str

    @property
    def indicator(self) -> str:
        """The full indicator id items carry, `category.code`."""
        if self.indicator_code.startswith(f"{self.category}."):
            return self.indicator_code
        return f"{self.category}.{self.indicator_code}"


@dataclass(frozen=True)
class Decision:
    """One item (or one repeat entry) checked: who answered, what, against which criterion."""

    form: str  # "foundry v1"
    path: str  # "melting_energy" or "foundry_lines.L01.furnace_type"
    member: str
    answer: Any
    criterion: Criterion
    passed: bool | None  # None: the answer alone cannot decide (no valid photo, no setting …)


@dataclass(frozen=True)
class DiscardedPhoto:
    ref: str
    reasons: tuple[str, ...]  # the discarding finding codes


@dataclass(frozen=True)
class IndicatorVerdict:
    indicator_code: str
    verdict: str  # verified | contradicted | unverifiable
    decided_by: tuple[Decision, ...] = ()
    photos_used: tuple[str, ...] = ()
    photos_discarded: tuple[DiscardedPhoto, ...] = ()
    disagreement: bool = False
    reasons: tuple[Step, ...] = ()
    requirements: int = 0  # items of the forms that set a requirement at the claimed grade


@dataclass
class _Photos:
    used: dict[str, None] = field(default_factory=dict)  # ordered set
    discarded: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def split(self, refs: Sequence[str], findings: Mapping[str, Sequence[PhotoFinding]]) -> int:
        """Record each reference as used or discarded; return how many are valid."""
        valid = 0
        for ref in refs:
            reasons = tuple(f.code for f in findings.get(ref, ()) if f.code in DISCARDING_FINDINGS)
            if reasons:
                self.discarded[ref] = reasons
            else:
                self.used[ref] = None
                valid += 1
        return valid


@dataclass(frozen=True)
class _Context:
    member: str
    grade: str
    findings: Mapping[str, Sequence[PhotoFinding]]
    visit_date: dt.date | None
    settings: Mapping[str, float] | None


def _check(
    form: Form,
    path: str,
    item: Item,
    criterion: Criterion,
    answer: Any,
    ctx: _Context,
    photos: _Photos,
) -> Decision:
    passed: bool | None
    if item.kind == "photo":
        refs = answer if isinstance(answer, list) else []
        valid = photos.split(refs, ctx.findings)
        # the geofence and time checks decide `all_photos_inside_site`: the photos they
        # discarded are not evidence; the item passes when enough valid photos remain
        passed = True if valid >= max(item.min_count, 1) else None
    else:
        passed = evaluate(criterion, answer, visit_date=ctx.visit_date, settings=ctx.settings)
        photo = answer.get("photo") if isinstance(answer, Mapping) else None
        if isinstance(photo, str) and photos.split([photo], ctx.findings) == 0:
            passed = None  # a meter reading whose photo is not evidence proves nothing
    return Decision(form.ref, path, ctx.member, answer, criterion, passed)


# form (id, version, sha256) → indicator → its items in form order, each with the repeat group
# it sits in (None at top level). Forms are immutable once published, so the index is too.
_ITEMS_BY_INDICATOR: dict[
    tuple[str, int, str], dict[str | None, list[tuple[Item | None, Item]]]
] = {}


def _items_for(form: Form, indicator: str) -> list[tuple[Item | None, Item]]:
    key = (form.id, form.version, form.sha256)
    index = _ITEMS_BY_INDICATOR.get(key)
    if index is None:
        index = {}
        for item in form.items.values():
            if item.kind == "repeat":
                for inner in item.items:
                    index.setdefault(inner.indicator, []).append((item, inner))
            else:
                index.setdefault(item.indicator, []).append((None, item))
        _ITEMS_BY_INDICATOR[key] = index
    return index.get(indicator, [])


def _member_decisions(
    forms: Sequence[Form],
    indicator: str,
    answers: Mapping[str, Any],
    ctx: _Context,
    photos: _Photos,
) -> tuple[list[Decision], int]:
    decisions: list[Decision] = []
    requirements = 0
    for form in forms:
        for group, item in _items_for(form, indicator):
            criterion = item.criterion_for(ctx.grade)
            if criterion is None:
                continue
            requirements += 1
            if group is None:
                value = answers.get(item.id)
                if value is not None:
                    decisions.append(_check(form, item.id, item, criterion, value, ctx, photos))
                continue
            entries = answers.get(group.id)
            if not isinstance(entries, Mapping):
                continue
            for key, entry in entries.items():  # every line must pass
                value = entry.get(item.id) if isinstance(entry, Mapping) else None
                if value is not None:
                    path = f"{group.id}.{key}.{item.id}"
                    decisions.append(_check(form, path, item, criterion, value, ctx, photos))
    return decisions, requirements


def _outcome(decisions: Sequence[Decision]) -> str:
    if any(d.passed is False for d in decisions):
        return CONTRADICTED
    if decisions and all(d.passed is True for d in decisions):
        return VERIFIED
    return UNVERIFIABLE


def reconcile_indicator(
    claim: IndicatorClaim,
    forms: Sequence[Form],
    team_answers: Mapping[str, Mapping[str, Any]],
    photo_findings: Mapping[str, Sequence[PhotoFinding]],
    *,
    visit_date: dt.date | None = None,
    settings: Mapping[str, float] | None = None,
) -> IndicatorVerdict:
    """The verdict on one claimed indicator. `team_answers` maps each team member to the flat
    answers of the forms (item id → answer; item ids are unique within the forms used)."""
    indicator = claim.indicator
    photos = _Photos()
    decisions: list[Decision] = []
    outcomes: dict[str, str] = {}
    requirements = sum(
        1
        for form in forms
        for _, item in _items_for(form, indicator)
        if item.criterion_for(claim.claimed_grade) is not None
    )
    for member, answers in team_answers.items():
        ctx = _Context(member, claim.claimed_grade, photo_findings, visit_date, settings)
        found, _ = _member_decisions(forms, indicator, answers, ctx, photos)
        decisions.extend(found)
        if found:
            outcomes[member] = _outcome(found)
    return IndicatorVerdict(
        indicator_code=indicator,
        decided_by=tuple(decisions),
        photos_used=tuple(photos.used),
        photos_discarded=tuple(DiscardedPhoto(r, why) for r, why in photos.discarded.items()),
        requirements=requirements,
        **_conclude(indicator, claim.claimed_grade, outcomes, photos),
    )


def _conclude(
    indicator: str, grade: str, outcomes: Mapping[str, str], photos: _Photos
) -> dict[str, Any]:
    data: dict[str, Any] = {"indicator": indicator, "grade": grade}
    decisive = {m: o for m, o in outcomes.items() if o != UNVERIFIABLE}
    if len(set(decisive.values())) > 1:
        step = Step(
            "indicator.team_disagreement",
            f"核查组成员对指标 {indicator} 的结论不一致，请复核人员裁定",
            f"Team members disagree on indicator {indicator}; a reviewer must decide",
            {**data, "outcomes": dict(decisive), "reviewer_required": True},
        )
        return {"verdict": UNVERIFIABLE, "disagreement": True, "reasons": (step,)}
    if decisive:
        outcome = next(iter(decisive.values()))
        zh = "已核实" if outcome == VERIFIED else "与现场不符"
        step = Step(
            f"indicator.{outcome}",
            f"指标 {indicator} 按 {grade} 级要求{zh}",
            f"Indicator {indicator} {outcome} at grade {grade}",
            {**data, "members": sorted(decisive)},
        )
        return {"verdict": outcome, "reasons": (step,)}
    if outcomes and photos.discarded and not photos.used:
        step = Step(
            "indicator.photos_discarded",
            f"指标 {indicator} 的照片均不能作为证据",
            f"Every photo for indicator {indicator} was discarded as evidence",
            {**data, "photos": sorted(photos.discarded)},
        )
    elif outcomes:
        step = Step(
            "indicator.undecided",
            f"指标 {indicator} 的回答不足以判定",
            f"The answers cannot decide indicator {indicator}",
            data,
        )
    else:
        step = Step(
            "indicator.not_answered",
            f"没有核查项回答指标 {indicator}",
            f"No item for indicator {indicator} was answered",
            data,
        )
    return {"verdict": UNVERIFIABLE, "reasons": (step,)}


def best_grade_met(
    scale: Sequence[str],
    claim: IndicatorClaim,
    forms: Sequence[Form],
    team_answers: Mapping[str, Mapping[str, Any]],
    photo_findings: Mapping[str, Sequence[PhotoFinding]],
    *,
    visit_date: dt.date | None = None,
    settings: Mapping[str, float] | None = None,
) -> str | None:
    """The best grade, at or below the claim, whose criteria the indicator meets on the
    evidence; a grade at which no item sets a requirement is met. None when none is shown."""
    start = scale.index(claim.claimed_grade)
    for grade in scale[start:]:
        verdict = reconcile_indicator(
            replace(claim, claimed_grade=grade),
            forms,
            team_answers,
            photo_findings,
            visit_date=visit_date,
            settings=settings,
        )
        if verdict.verdict == VERIFIED or verdict.requirements == 0:
            return grade
    return None
