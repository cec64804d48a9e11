"""The county's pre-review pages (S4 §三(二)): its queue with the 7-day clock, a filing's
completeness check, return for supplement with the one complete list, the supplement's arrival,
forwarding to the city, and the county's own on-site check.

Each post calls one service the API calls (``server.review.service.transition``,
``server.assignments.service``), which checks the reviewer's role and county; a refusal rolls
back and shows the page again with the reason at the form and the refusal's status.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from server.api.scope import db_session
from server.assignments import repository as assignments
from server.assignments import service as assignment_service
from server.assignments.models import AssignmentStatus
from server.auth import current_actor
from server.errors import DomainError, NotFound, ValidationFailed
from server.filings.repository import get_filing
from server.review import service
from server.review.supplement_items import COMMON_ITEMS, items_from
from server.review.workflow import Action
from server.web import county_desk, i18n, labels
from server.web.blueprint import page
from server.web.i18n import t
from server.web.queue import industry_name
from server.web.views.workbench import (
    check_version,
    china_day,
    int_list,
    refusal,
    rolled_back,
    text,
)

# The steps the filing page offers, with the message shown once taken.
_STEPS = {
    Action.start_county_review: "county.started_ok",
    Action.return_for_supplement: "county.returned_ok",
    Action.supplement: "county.supplement_ok",
    Action.forward: "county.forwarded_ok",
}


@page("/county")
def county_queue() -> str:
    """The county's filings by stage: received, in county review, returned for supplement."""
    actor = current_actor()
    return render_template(
        "review/county_queue.html",
        stages=county_desk.county_queue(db_session(), actor),
        actor=actor,
        industry_name=industry_name,
    )


@page("/county/filings/<int:filing_id>")
def county_filing(filing_id: int) -> tuple[str, int]:
    return render_filing(filing_id)


def render_filing(
    filing_id: int,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The filing's completeness check and the county's steps; a refusal shown at its form."""
    actor = current_actor()
    desk = county_desk.county_filing(db_session(), actor, filing_id)
    names = county_desk.user_names(
        db_session(), {s.actor_id for s in desk.steps if s.actor_id is not None}
    )
    html = render_template(
        "review/county_filing.html",
        d=desk,
        actor=actor,
        names=names,
        common_items=COMMON_ITEMS,
        error=error,
        form=form or {},
        industry_name=industry_name,
        indicator_name=labels.indicator_name,
        category_label=i18n.category_label,
        may_act=county_desk.is_county_reviewer(actor),
    )
    return html, status


@page("/county/filings/<int:filing_id>/steps", methods=["POST"])
def county_step(filing_id: int) -> Response | tuple[str, int]:
    """Take one county step: start, return with the list, record the supplement, forward."""
    session, actor = db_session(), current_actor()
    filing = get_filing(session, actor, filing_id)  # another county's: the 404 page
    form: dict[str, Any] = {
        "action": request.form.get("action", ""),
        "common": request.form.getlist("common"),
        "other": text("other"),
        "supplied": text("supplied"),
        "reason": text("reason"),
    }
    try:
        try:
            action = Action(form["action"])
        except ValueError:
            raise ValidationFailed(
                "unknown step", errors={"action": [form["action"][:40]]}
            ) from None
        if action not in _STEPS:
            raise ValidationFailed("not a county step", errors={"action": [action.value]})
        check_version(filing.version)
        missing = (
            items_from(form["common"], form["other"])
            if action is Action.return_for_supplement
            else None
        )
        supplied = (
            [line.strip() for line in form["supplied"].splitlines() if line.strip()]
            if action is Action.supplement
            else None
        )
        service.transition(
            session,
            actor=actor,
            filing=filing,
            action=action,
            missing_items=missing,
            supplied_items=supplied,
        )
    except NotFound:
        raise
    except DomainError as error:
        rolled_back()
        return render_filing(filing_id, error=refusal(error), form=form, status=error.status)
    flash(t(_STEPS[action]))
    return redirect(url_for("web.county_filing", filing_id=filing_id), 303)  # type: ignore[return-value]


@page("/county/filings/<int:filing_id>/checks", methods=["POST"])
def county_check(filing_id: int) -> Response | tuple[str, int]:
    """Plan the county's own on-site check of a filing claiming A, B or leading."""
    session, actor = db_session(), current_actor()
    get_filing(session, actor, filing_id)
    form = {"members": request.form.getlist("members"), "start": text("start"), "end": text("end")}
    try:
        assignment_service.create_assignment(
            session,
            actor=actor,
            filing_id=filing_id,
            members=int_list("members"),
            window_start=china_day("start"),
            window_end=china_day("end", end_of_day=True),
        )
    except NotFound:
        raise
    except DomainError as error:
        rolled_back()
        return render_filing(filing_id, error=refusal(error), form=form, status=error.status)
    flash(t("county.check_planned_ok"))
    return redirect(url_for("web.county_filing", filing_id=filing_id, _anchor="check"), 303)  # type: ignore[return-value]


@page("/county/checks/<int:assignment_id>/status", methods=["POST"])
def county_check_status(assignment_id: int) -> Response | tuple[str, int]:
    """Publish the county's check to the team's tablets, mark it done, or cancel it."""
    session, actor = db_session(), current_actor()
    assignment = assignments.get_assignment(session, actor, assignment_id)
    try:
        try:
            target = AssignmentStatus(request.form.get("status", ""))
        except ValueError:
            raise ValidationFailed("unknown status", errors={"status": ["unknown"]}) from None
        check_version(assignment.version)
        assignment_service.update_assignment(
            session, actor=actor, assignment=assignment, changes={"status": target}
        )
    except NotFound:
        raise
    except DomainError as error:
        rolled_back()
        return render_filing(assignment.filing_id, error=refusal(error), status=error.status)
    flash(t("county.check_status_ok"))
    return redirect(  # type: ignore[return-value]
        url_for("web.county_filing", filing_id=assignment.filing_id, _anchor="check"), 303
    )
