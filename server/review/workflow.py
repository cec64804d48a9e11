"""The review workflow as a table (S4 §三): which action moves a filing from which state to which.

Pure: no session, no actor. ``next_status`` answers the target state or refuses with the reason;
the service (``server.review.service``) checks who may act and records the step.

    received ─start_county_review→ county_review ─forward→ forwarded
    county_review ─return_for_supplement→ returned ─supplement→ county_review
    forwarded ─start_city_review→ city_review ─decide→ decided ─downgrade→ downgraded
    downgraded ─downgrade→ downgraded (each later check may lower the grade again, rule 14)
    any open state ─withdraw→ withdrawn
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from server.filings.models import FilingStatus as S
from server.review.errors import IllegalTransition


class Action(enum.StrEnum):
    start_county_review = "start_county_review"
    return_for_supplement = "return_for_supplement"
    supplement = "supplement"
    forward = "forward"
    start_city_review = "start_city_review"
    decide = "decide"
    withdraw = "withdraw"
    downgrade = "downgrade"


class Stage(enum.StrEnum):
    """Who may take an action: the county bureau, the city bureau, or either (admins always)."""

    county = "county"
    city = "city"
    either = "either"


@dataclass(frozen=True)
class Step:
    action: Action
    sources: frozenset[S]
    target: S
    stage: Stage
    needs_missing_items: bool = False
    needs_reason: bool = False
    description: str = ""


OPEN_STATES = frozenset({S.received, S.county_review, S.returned, S.forwarded, S.city_review})

STEPS: tuple[Step, ...] = (
    Step(
        Action.start_county_review,
        frozenset({S.received}),
        S.county_review,
        Stage.county,
        description="the county starts checking the filing is genuine, complete, well-formed",
    ),
    Step(
        Action.return_for_supplement,
        frozenset({S.county_review}),
        S.returned,
        Stage.county,
        needs_missing_items=True,
        description="the county tells the plant every missing item at once (一次性告知)",
    ),
    Step(
        Action.supplement,
        frozenset({S.returned}),
        S.county_review,
        Stage.county,
        description="the plant's supplement arrived; the county's 7 days start again",
    ),
    Step(
        Action.forward,
        frozenset({S.county_review}),
        S.forwarded,
        Stage.county,
        description="the county sends its result to the city (within 7 days)",
    ),
    Step(
        Action.start_city_review,
        frozenset({S.forwarded}),
        S.city_review,
        Stage.city,
        description="the city starts its review and on-site verification",
    ),
    Step(
        Action.decide,
        frozenset({S.city_review}),
        S.decided,
        Stage.city,
        description="the city decides and reports to the province (within 15 days)",
    ),
    Step(
        Action.withdraw,
        OPEN_STATES,
        S.withdrawn,
        Stage.either,
        needs_reason=True,
        description="the plant withdraws its application",
    ),
    Step(
        Action.downgrade,
        frozenset({S.decided, S.downgraded}),
        S.downgraded,
        Stage.city,
        needs_reason=True,
        description="a later check found an indicator no longer met (rule 14)",
    ),
)
_BY_ACTION = {step.action: step for step in STEPS}


def step_for(action: Action) -> Step:
    return _BY_ACTION[action]


def allowed_actions(current: S) -> list[Action]:
    """The actions a filing in ``current`` state accepts, in table order."""
    return [step.action for step in STEPS if current in step.sources]


def next_status(current: S, action: Action) -> S:
    """The state ``action`` moves a filing in ``current`` to. Raises IllegalTransition."""
    step = _BY_ACTION[action]
    if current in step.sources:
        return step.target
    allowed = allowed_actions(current)
    sources = " or ".join(sorted(s.value for s in step.sources))
    then = (
        f"from {current.value} the allowed actions are: {', '.join(allowed)}"
        if allowed
        else f"{current.value} is final; no action is allowed"
    )
    raise IllegalTransition(
        f"cannot {action.value} a filing that is {current.value}: "
        f"{action.value} needs a filing that is {sources}; {then}",
        errors={"action": [then]},
    )
