"""The plant dossier page: claims against findings, photos, site map, timeline, decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template

from server.accounts.models import Role
from server.api.scope import db_session
from server.auth import current_actor
from server.catalogue import catalogue
from server.review.decisions import check_rules
from server.review.errors import DecisionAgainstRule
from server.review.models import DecisionOutcome
from server.review.reasons import REASON_CODES
from server.web import i18n, labels
from server.web.blueprint import page
from server.web.dossier import build_dossier
from server.web.markup import gallery, map_marks, say
from server.web.queue import industry_name
from server.web.rendering import domain_message, when


@page("/filings/<int:filing_id>")
def dossier(filing_id: int) -> tuple[str, int]:
    """One filing's dossier, for reviewers in its county (another county's: 404)."""
    return render_dossier(filing_id)


@page("/filings/<int:filing_id>/print")
def dossier_print(filing_id: int) -> str:
    """The dossier as an A4 document a bureau files (print it from the browser)."""
    built = build_dossier(db_session(), current_actor(), filing_id)
    return render_template(
        "review/dossier_print.html",
        d=built,
        now=when(dt.datetime.now(dt.UTC)),
        industry_name=industry_name,
        indicator_name=labels.indicator_name,
        category_label=i18n.category_label,
        say_text=labels.say,
        photo_item_name=labels.photo_item_name,
    )


def render_dossier(
    filing_id: int,
    *,
    decision_error: str | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The dossier page; a refused decision is shown at its form with what was sent."""
    actor = current_actor()
    built = build_dossier(db_session(), actor, filing_id)
    english = i18n.language() == "en"
    if decision_error:  # the service's sentence, its codes (reason codes…) named
        decision_error = labels.words(decision_error, english)
    place_names = {p: i18n.t(f"dossier.map.legend_{p}") for p in ("inside", "outside", "uncertain")}
    main = built.main_case
    industry = catalogue().industry(main.guide_version, main.industry_code) if main else None
    may_decide = actor.role is Role.city_reviewer
    blocked = _confirmation_blocked(built, actor) if may_decide else None
    blocked = labels.words(blocked, english) if blocked else None
    closed = built.decision_closed_because(actor)
    closed_because = None
    if closed is not None:
        key, fields = closed
        closed_because = i18n.t(key, **{k: i18n.status_label(v[1]) for k, v in fields.items()})
    html = render_template(
        "review/dossier.html",
        d=built,
        actor=actor,
        may_decide=may_decide,
        confirmation_blocked=blocked,
        closed_because=closed_because,
        scale=list(industry.scale) if industry else [],
        outcomes=list(DecisionOutcome),
        reason_codes=list(REASON_CODES.values()),
        decision_error=decision_error,
        form=form or {},
        say=lambda event: say(built, event),
        gallery=gallery(built),
        map_marks=map_marks(built.site_map, place_names),
        industry_name=industry_name,
        indicator_name=labels.indicator_name,
        item_name=labels.item_name,
        answer_text=labels.answer_text,
        inspection_status=i18n.inspection_status_label,
        category_label=i18n.category_label,
        say_text=labels.say,
        finding_name=labels.finding_name,
        form_title=labels.form_title,
    )
    return html, status


def _confirmation_blocked(built: Any, actor: Any) -> str | None:
    """Why confirming the open proposal would be refused today (the rule, in words), for the
    reviewer who would confirm it; None when nothing stands in its way."""
    pending = built.pending
    if pending is None or pending.proposed_by == actor.user_id:
        return None
    try:
        check_rules(
            db_session(), built.filing, pending.outcome, pending.grade, list(pending.reason_codes)
        )
    except DecisionAgainstRule as refused:
        return domain_message(refused)
    return None
