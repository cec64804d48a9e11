"""The city's progress dashboard: filings per county and industry at each stage, each count a
link to the queue filtered to exactly those filings; grades decided against claimed; targets."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for

from server.api.scope import db_session
from server.auth import current_actor
from server.clock import china_today
from server.web import queue as q
from server.web.blueprint import page
from server.web.progress import Stage, progress


def stage_url(stage: Stage, **filters: str) -> str:
    """The queue holding the filings a dashboard count counts."""
    args: dict[str, Any] = dict(filters)
    if stage is Stage.overdue:
        args["deadline"] = "overdue"
    elif stage is not Stage.received:
        args["stage"] = stage.value
    return url_for("web.queue", **args)


@page("/dashboard")
def dashboard() -> str:
    """Progress in the reviewer's scope (a county reviewer sees their county)."""
    session, actor = db_session(), current_actor()
    figures = progress(session, actor, china_today())
    return render_template(
        "review/dashboard.html",
        figures=figures,
        stages=list(Stage),
        stage_url=stage_url,
        industry_name=q.industry_name,
        actor=actor,
    )
