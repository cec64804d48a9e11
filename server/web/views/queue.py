"""The review queue page: filters, one page of filings, overdue ones marked."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import render_template, request, url_for

from server.api.scope import db_session
from server.auth import current_actor
from server.errors import ValidationFailed
from server.filings.models import FilingStatus
from server.review.deadlines import DeadlineKind
from server.web import queue as q
from server.web.blueprint import page
from server.web.progress import Stage


class QueueArgsSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # lang and anything a bookmark carries

    county = ma.fields.String(load_default=None)
    industry = ma.fields.String(load_default=None)
    claimed_grade = ma.fields.String(load_default=None)
    status = ma.fields.Enum(FilingStatus, by_value=True, load_default=None)
    deadline = ma.fields.Enum(DeadlineKind, by_value=True, load_default=None)
    stage = ma.fields.Enum(Stage, by_value=True, load_default=None)
    within = ma.fields.Integer(load_default=7, validate=ma.validate.Range(min=0, max=60))
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))

    @ma.pre_load
    def _blank_is_absent(self, data, **_kw):
        return {key: value for key, value in data.items() if value != ""}


def parse_args() -> dict[str, Any]:
    try:
        return QueueArgsSchema().load(request.args.to_dict())
    except ma.ValidationError as exc:
        raise ValidationFailed(
            "bad filter: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.messages.items()),  # type: ignore[union-attr]
            errors=exc.messages,  # type: ignore[arg-type]
        ) from exc


@page("/")
def queue() -> str:
    """Filings in the reviewer's scope by county, industry, claimed grade, state and deadline."""
    args = parse_args()
    number = args.pop("page")
    if args["stage"] is Stage.overdue:  # not a condition: the deadline filter
        args["stage"], args["deadline"] = None, DeadlineKind.overdue
    session, actor = db_session(), current_actor()
    filters = q.QueueFilter(**args)
    result = q.review_queue(session, actor, filters, page=number)
    kept: dict[str, Any] = {
        k: v for k, v in request.args.items() if k not in ("page", "lang") and v != ""
    }

    def page_url(n: int) -> str:
        return url_for("web.queue", page=n, **kept)

    return render_template(
        "review/queue.html",
        result=result,
        filters=filters,
        counties=q.counties_in_scope(session, actor),
        industries=q.industries_filed(session),
        grades=q.grades_on_scales(),
        statuses=list(FilingStatus),
        industry_name=q.industry_name,
        page_url=page_url,
        unstaged_url=url_for("web.queue", **{k: v for k, v in kept.items() if k != "stage"}),
        actor=actor,
    )
