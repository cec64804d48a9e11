"""The workflow table and day counting: pure functions, no database."""

import datetime as dt

import pytest

from server.filings.models import FilingStatus as S
from server.review.daycount import add_days, is_working_day
from server.review.errors import IllegalTransition
from server.review.workflow import STEPS, Action, allowed_actions, next_status

LEGAL = {(source, step.action): step.target for step in STEPS for source in step.sources}


def test_the_main_path_through_the_workflow():
    path = [
        (S.received, Action.start_county_review, S.county_review),
        (S.county_review, Action.return_for_supplement, S.returned),
        (S.returned, Action.supplement, S.county_review),
        (S.county_review, Action.forward, S.forwarded),
        (S.forwarded, Action.start_city_review, S.city_review),
        (S.city_review, Action.decide, S.decided),
        (S.decided, Action.downgrade, S.downgraded),
    ]
    for source, action, target in path:
        assert next_status(source, action) is target


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(Action))
def test_every_pair_is_legal_exactly_when_the_table_says(status, action):
    if (status, action) in LEGAL:
        assert next_status(status, action) is LEGAL[(status, action)]
    else:
        with pytest.raises(IllegalTransition) as refused:
            next_status(status, action)
        assert refused.value.code == "workflow.illegal_transition"
        assert f"cannot {action.value} a filing that is {status.value}" in refused.value.message


def test_refusal_says_what_is_allowed_instead():
    with pytest.raises(IllegalTransition) as refused:
        next_status(S.returned, Action.forward)
    assert refused.value.message == (
        "cannot forward a filing that is returned: forward needs a filing that is county_review; "
        "from returned the allowed actions are: supplement, withdraw"
    )
    with pytest.raises(IllegalTransition) as final:
        next_status(S.withdrawn, Action.supplement)
    assert final.value.message.endswith("withdrawn is final; no action is allowed")


def test_withdraw_from_every_open_state_only():
    for status in S:
        open_state = status in {
            S.received,
            S.county_review,
            S.returned,
            S.forwarded,
            S.city_review,
        }
        assert (Action.withdraw in allowed_actions(status)) is open_state
    assert allowed_actions(S.decided) == [Action.downgrade]
    # S4 §三(四): each later check may lower the grade again (rule 14)
    assert allowed_actions(S.downgraded) == [Action.downgrade]


def test_calendar_days_do_not_count_the_day_of_receipt():
    assert add_days(dt.date(2026, 7, 1), 7) == dt.date(2026, 7, 8)
    assert add_days(dt.date(2026, 7, 1), 15) == dt.date(2026, 7, 16)


def test_working_days_skip_weekends_holidays_and_count_make_up_days():
    friday = dt.date(2026, 7, 3)
    assert add_days(friday, 7, kind="working") == dt.date(2026, 7, 14)
    holidays = {dt.date(2026, 10, d) for d in range(1, 8)}  # 国庆
    workdays = {dt.date(2026, 10, 10)}  # a Saturday worked in exchange (调休)
    assert is_working_day(dt.date(2026, 10, 10), holidays, workdays)
    assert not is_working_day(dt.date(2026, 10, 5), holidays, workdays)
    due = add_days(dt.date(2026, 9, 30), 3, kind="working", holidays=holidays, workdays=workdays)
    assert due == dt.date(2026, 10, 10)  # Thu 8, Fri 9, and the Saturday worked
