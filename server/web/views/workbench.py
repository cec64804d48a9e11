"""What the county and city workbench pages share: refusals in words, days in China time, and
the version a form was loaded with (a second submission of the same form is refused).
"""

from __future__ import annotations

import datetime as dt

from flask import request

from server.api.scope import db_session
from server.clock import CHINA
from server.errors import DomainError, StaleVersion, ValidationFailed
from server.web import i18n

MAX_FIELD = 4000

# Refusals the workbench pages expect, said in a whole sentence of the page's language; the
# domain's own message (often naming the rule) follows when it carries both languages.
_WORDS = {
    "workflow.illegal_transition": "wb.err.illegal_transition",
    "workflow.missing_items_required": "wb.err.missing_items_required",
    "workflow.items_not_told_at_once": "wb.err.items_not_told_at_once",
    "workflow.county_check_open": "wb.err.county_check_open",
    "precondition.failed": "wb.err.stale",
    "sampling.no_filings": "wb.err.no_filings",
    "sampling.already_drawn": "wb.err.already_drawn",
    "sampling.not_drawn": "wb.err.not_drawn",
    "sampling.already_published": "wb.err.already_published",
    "sampling.rate_too_low": "wb.err.rate_too_low",
    "batch.overlap": "wb.err.batch_overlap",
    "batch.duplicate": "wb.err.batch_duplicate",
    "assignment.conflict_of_interest": "wb.err.conflict_of_interest",
    "assignment.blacklisted": "wb.err.blacklisted",
    "assignment.not_inspector": "wb.err.not_inspector",
    "assignment.team_too_small": "wb.err.team_too_small",
    "assignment.team_refused": "wb.err.team_refused",
    "assignment.window_invalid": "wb.err.window_invalid",
    "assignment.county_check_refused": "wb.err.county_check_refused",
    "assignment.duplicate": "wb.err.duplicate_assignment",
    "assignment.filing_closed": "wb.err.filing_closed",
    "assignment.illegal_status_change": "wb.err.illegal_status_change",
    "forbidden": "wb.err.forbidden",
    "validation.failed": "wb.err.invalid",
}


def refusal(error: DomainError) -> str:
    """The refusal as the page says it: our sentence, then the rule's own bilingual words."""
    key = _WORDS.get(error.code)
    sentence = i18n.t(key) if key else i18n.t("wb.err.refused")
    zh, sep, en = error.message.partition(" / ")
    if sep:
        return f"{sentence} {i18n.pick(zh, en)}"
    return sentence


def rolled_back() -> None:
    """Forget what the refused step did before rendering the page again."""
    db_session().rollback()


def text(name: str) -> str:
    return request.form.get(name, "")[:MAX_FIELD]


def check_version(current: int) -> None:
    """Refuse a form loaded before the record last changed (a second click, another tab)."""
    sent = request.form.get("version", type=int)
    if sent is None or sent != current:
        raise StaleVersion("the record changed since this page was loaded")


def china_day(name: str, *, end_of_day: bool = False) -> dt.datetime:
    """A day given in a date field, as the aware instant it starts (or ends) in China."""
    raw = request.form.get(name, "") or request.args.get(name, "")
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed(
            f"{name} is not a day", errors={name: [i18n.t("wb.err.day")]}
        ) from None
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=CHINA)
    return start + dt.timedelta(days=1) if end_of_day else start


def int_list(name: str) -> list[int]:
    values = []
    for raw in request.form.getlist(name):
        try:
            values.append(int(raw))
        except ValueError:
            raise ValidationFailed(
                f"{name} holds something that is not a person", errors={name: [raw[:40]]}
            ) from None
    return values
