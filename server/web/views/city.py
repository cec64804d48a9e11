"""The city's coordination pages: batches with their deadlines (S0 §四, S2 §七), the draw
(create, strata and counts, verify by re-drawing from the recorded seed, publish, the
supplementary draw), the teams for every drawn filing (proposal, conflicts and blacklisted
experts as reasons, edit, publish), and the deadlines board by stage.

Each post calls one service the API calls (``server.review.batches``, ``server.sampling.service``,
``server.assignments``), which checks the reviewer's role; a refusal rolls back and shows the
page again with the reason and the refusal's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Response, flash, g, redirect, render_template, request, url_for

from server.accounts.models import Role
from server.api.scope import db_session
from server.assignments import repository as assignments
from server.assignments import service as assignment_service
from server.assignments.models import AssignmentStatus
from server.assignments.proposals import propose_for_draw
from server.auth import current_actor
from server.catalogue import catalogue
from server.clock import CHINA, china_today
from server.errors import DomainError, Forbidden, NotFound, ValidationFailed
from server.review import batches
from server.review.deadlines import DeadlineKind, list_deadlines
from server.sampling import repository as draws
from server.sampling import service as sampling
from server.web import city_desk
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

BOARD_SIZE = 200


def _city() -> str:
    return str(g.user.city)


def _coordinator() -> None:
    """The city pages that plan are for city reviewers and administrators."""
    actor = current_actor()
    if actor.role not in (Role.city_reviewer, Role.admin):
        raise Forbidden("the city's coordination pages are for city reviewers")


def _industries() -> list[tuple[str, str, str]]:
    codes = sorted(catalogue().all_industry_codes())
    return [(code, *industry_name(code)) for code in codes]


# ---- batches ---------------------------------------------------------------------------------


@page("/city/batches")
def city_batches() -> tuple[str, int]:
    return render_batches()


def render_batches(
    *, error: str | None = None, form: dict[str, Any] | None = None, status: int = 200
) -> tuple[str, int]:
    _coordinator()
    session, actor = db_session(), current_actor()
    rows, _ = batches.list_batches(session, actor, city=_city(), offset=0, limit=500)
    summaries = [batches.batch_summary(session, actor, b.id) for b in rows]
    drawn = {
        b.id: draws.list_draws(session, actor, batch_id=b.id, offset=0, limit=50)[0] for b in rows
    }
    html = render_template(
        "review/city_batches.html",
        summaries=summaries,
        drawn=drawn,
        industries=_industries(),
        industry_name=industry_name,
        year=china_today().year,
        error=error,
        form=form or {},
    )
    return html, status


@page("/city/batches", methods=["POST"])
def city_batch_create() -> Response | tuple[str, int]:
    """Open a batch of industries for the year with its report date."""
    _coordinator()
    name, industries = text("name"), request.form.getlist("industries")
    form: dict[str, Any] = {
        "name": name,
        "year": text("year"),
        "deadline": text("deadline"),
        "industries": industries,
    }
    try:
        try:
            year = int(text("year"))
            deadline = dt.date.fromisoformat(text("deadline"))
        except ValueError:
            raise ValidationFailed(
                "year or deadline", errors={"deadline": [t("wb.err.day")]}
            ) from None
        batch = batches.create_batch(
            db_session(),
            actor=current_actor(),
            name=name,
            city=_city(),
            year=year,
            industries=industries,
            deadline=deadline,
        )
    except DomainError as error:
        rolled_back()
        return render_batches(error=refusal(error), form=form, status=error.status)
    flash(t("city.batch_created_ok"))
    return redirect(url_for("web.city_batch", batch_id=batch.id), 303)  # type: ignore[return-value]


@page("/city/batches/<int:batch_id>")
def city_batch(batch_id: int) -> tuple[str, int]:
    return render_batch(batch_id)


def render_batch(batch_id: int, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    _coordinator()
    session, actor = db_session(), current_actor()
    summary = batches.batch_summary(session, actor, batch_id)
    if summary.batch.city != _city():
        raise NotFound(f"batch {batch_id} not found")
    made, _ = draws.list_draws(session, actor, batch_id=batch_id, offset=0, limit=50)
    html = render_template(
        "review/city_batch.html",
        summary=summary,
        draws=made,
        industry_name=industry_name,
        error=error,
    )
    return html, status


@page("/city/batches/<int:batch_id>/draws", methods=["POST"])
def city_draw_create(batch_id: int) -> Response | tuple[str, int]:
    """Draw the batch; once drawn, a supplementary draw over the filings that reached the city
    since."""
    _coordinator()
    session, actor = db_session(), current_actor()
    batch = batches.get_batch(session, actor, batch_id)
    if batch.city != _city():
        raise NotFound(f"batch {batch_id} not found")
    try:
        made = sampling.create_draw(
            session,
            actor=actor,
            batch_id=batch_id,
            supplementary=request.form.get("supplementary") == "1",
        )
    except DomainError as error:
        rolled_back()
        return render_batch(batch_id, error=refusal(error), status=error.status)
    flash(t("city.drawn_ok"))
    return redirect(url_for("web.city_draw", draw_id=made.id), 303)  # type: ignore[return-value]


# ---- the draw --------------------------------------------------------------------------------


def _draw(draw_id: int) -> Any:
    session, actor = db_session(), current_actor()
    row = draws.get_draw(session, actor, draw_id)
    batch = batches.get_batch(session, actor, row.batch_id)
    if batch.city != _city():
        raise NotFound(f"draw {draw_id} not found")
    return row, batch


@page("/city/draws/<int:draw_id>")
def city_draw(draw_id: int) -> tuple[str, int]:
    return render_draw(draw_id)


def render_draw(draw_id: int, *, error: str | None = None, status: int = 200) -> tuple[str, int]:
    _coordinator()
    session, actor = db_session(), current_actor()
    row, batch = _draw(draw_id)
    verification = sampling.verify(session, actor, draw_id) if request.args.get("verify") else None
    html = render_template(
        "review/city_draw.html",
        draw=row,
        batch=batch,
        strata=city_desk.strata(session, actor, row),
        selected=city_desk.selected_entries(session, actor, row),
        verification=verification,
        industry_name=industry_name,
        tomorrow=(china_today() + dt.timedelta(days=1)).isoformat(),
        error=error,
    )
    return html, status


@page("/city/draws/<int:draw_id>/publication", methods=["POST"])
def city_draw_publish(draw_id: int) -> Response | tuple[str, int]:
    """Publish the draw to the county reviewers; the plants may learn of it from the day given."""
    _coordinator()
    session, actor = db_session(), current_actor()
    row, _ = _draw(draw_id)
    try:
        check_version(row.version)
        sampling.publish_draw(
            session, actor=actor, draw_id=draw_id, disclose_after=china_day("disclose_after")
        )
    except DomainError as error:
        rolled_back()
        return render_draw(draw_id, error=refusal(error), status=error.status)
    flash(t("city.published_ok"))
    return redirect(url_for("web.city_draw", draw_id=draw_id), 303)  # type: ignore[return-value]


# ---- teams -----------------------------------------------------------------------------------


def _window(source: Callable[[str], str | None]) -> tuple[dt.datetime, dt.datetime]:
    """The visit window the page asks for (China days), by default the next five days."""
    today = china_today()
    start = source("start") or (today + dt.timedelta(days=1)).isoformat()
    end = source("end") or (today + dt.timedelta(days=5)).isoformat()
    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        raise ValidationFailed("window", errors={"start": [t("wb.err.day")]}) from None
    return (
        dt.datetime.combine(first, dt.time(0, 0), tzinfo=CHINA),
        dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=CHINA),
    )


@page("/city/draws/<int:draw_id>/teams")
def city_teams(draw_id: int) -> tuple[str, int]:
    return render_teams(draw_id)


def render_teams(
    draw_id: int, *, error: str | None = None, status: int = 200, window: Any = None
) -> tuple[str, int]:
    _coordinator()
    session, actor = db_session(), current_actor()
    row, batch = _draw(draw_id)
    window = window or _window(request.args.get)
    board = city_desk.team_board(session, actor, row, batch.city, window)
    html = render_template(
        "review/city_teams.html",
        board=board,
        batch=batch,
        industry_name=industry_name,
        start=window[0].date().isoformat(),
        end=(window[1] - dt.timedelta(days=1)).date().isoformat(),
        error=error,
    )
    return html, status


@page("/city/draws/<int:draw_id>/teams", methods=["POST"])
def city_teams_plan(draw_id: int) -> Response | tuple[str, int]:
    """Make the proposed teams into planned assignments for every drawn filing without one."""
    _coordinator()
    session, actor = db_session(), current_actor()
    _draw(draw_id)
    try:
        window = _window(request.form.get)
        report = propose_for_draw(
            session, actor=actor, draw_id=draw_id, window_start=window[0], window_end=window[1]
        )
    except DomainError as error:
        rolled_back()
        return render_teams(draw_id, error=refusal(error), status=error.status)
    flash(t("city.teams_planned_ok", count=len(report.created)))
    return redirect(url_for("web.city_teams", draw_id=draw_id), 303)  # type: ignore[return-value]


@page("/city/assignments/<int:assignment_id>/team", methods=["POST"])
def city_team_edit(assignment_id: int) -> Response | tuple[str, int]:
    """Change a planned team (the first chosen leads); the rules of every team apply."""
    _coordinator()
    session, actor = db_session(), current_actor()
    assignment = assignments.get_assignment(session, actor, assignment_id)
    draw_id = assignment.draw_id
    if draw_id is None:
        raise NotFound(f"assignment {assignment_id} not found")
    _draw(draw_id)
    try:
        check_version(assignment.version)
        members = int_list("members")
        assignment_service.update_assignment(
            session,
            actor=actor,
            assignment=assignment,
            changes={"members": members, **({"lead_id": members[0]} if members else {})},
        )
    except DomainError as error:
        rolled_back()
        return render_teams(draw_id, error=refusal(error), status=error.status)
    flash(t("city.team_changed_ok"))
    return redirect(url_for("web.city_teams", draw_id=draw_id), 303)  # type: ignore[return-value]


@page("/city/draws/<int:draw_id>/teams/publication", methods=["POST"])
def city_teams_publish(draw_id: int) -> Response | tuple[str, int]:
    """Publish every planned assignment of the draw: the sync worker sends them to the tablets."""
    _coordinator()
    session, actor = db_session(), current_actor()
    row, _ = _draw(draw_id)
    planned = city_desk.planned_of(session, actor, row)
    try:
        if not planned:
            raise ValidationFailed("nothing planned", errors={"teams": [t("city.nothing_planned")]})
        for assignment in planned:
            assignment_service.update_assignment(
                session,
                actor=actor,
                assignment=assignment,
                changes={"status": AssignmentStatus.published},
            )
    except DomainError as error:
        rolled_back()
        message = t("city.nothing_planned") if not planned else refusal(error)
        return render_teams(draw_id, error=message, status=error.status)
    flash(t("city.teams_published_ok", count=len(planned)))
    return redirect(url_for("web.city_teams", draw_id=draw_id), 303)  # type: ignore[return-value]


# ---- deadlines -------------------------------------------------------------------------------


@page("/deadlines")
def deadlines_board() -> str:
    """Overdue and due soon, by stage: the county's 7 days and the city's 15 (S4 §三)."""
    session, actor = db_session(), current_actor()
    try:
        within = max(0, min(60, int(request.args.get("within", "3"))))
    except ValueError:
        within = 3
    board = {
        (kind.value, stage): list_deadlines(
            session, actor, kind=kind, within=within, stage=stage, limit=BOARD_SIZE
        )
        for kind in (DeadlineKind.overdue, DeadlineKind.upcoming)
        for stage in ("county", "city")
    }
    return render_template("review/city_deadlines.html", board=board, within=within, actor=actor)
