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
from server.web.rendering import domain_message


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


# What each filter must be, as a sentence for the person who typed it (words and dossier).
FILTER_RULES: dict[str, tuple[str, str]] = {
    "within": ("“天内到期”须为 0 到 60 之间的整数", "“days” must be a whole number from 0 to 60"),
    "page": ("页码须为从 1 开始的整数", "the page must be a whole number from 1"),
    "status": ("流程状态须从列表中选择", "the workflow state must be one from the list"),
    "deadline": ("期限须为“已超期”或“即将到期”", "the deadline must be “overdue” or “due soon”"),
    "stage": (
        "进度阶段须从进度页的链接中选择",
        "the stage must be one linked from the progress page",
    ),
}


class FilterRefused(ValidationFailed):
    """A queue filter that cannot be read: said as a sentence, in both languages."""

    def __init__(self, fields: list[str], errors: dict[str, Any]) -> None:
        rules = [
            FILTER_RULES.get(f, (f"筛选条件“{f}”无效", f"the filter “{f}” is not valid"))
            for f in fields
        ]
        self.message_zh = (
            "筛选条件有误：" + "；".join(zh for zh, _ in rules) + "。请修改后重新筛选。"
        )
        self.message_en = (
            "The filters could not be read: "
            + "; ".join(en for _, en in rules)
            + ". Change them and apply the filters again."
        )
        super().__init__(self.message_en, errors=errors)


def parse_args() -> tuple[dict[str, Any], FilterRefused | None]:
    """The filters; a bad one is dropped (the rest still apply) and said in a sentence."""
    raw = request.args.to_dict()
    try:
        return QueueArgsSchema().load(raw), None
    except ma.ValidationError as exc:
        bad = sorted(exc.messages)
        refused = FilterRefused(bad, exc.messages)  # type: ignore[arg-type]
    return QueueArgsSchema().load({k: v for k, v in raw.items() if k not in bad}), refused


@page("/")
def queue() -> tuple[str, int]:
    """Filings in the reviewer's scope by county, industry, claimed grade, state and deadline."""
    args, refused = parse_args()
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

    html = render_template(
        "review/queue.html",
        filter_error=domain_message(refused) if refused else None,
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
    return html, refused.status if refused else 200
