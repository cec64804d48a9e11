"""The plant dossier page: claims against findings, photos, site map, timeline, decisions."""

from __future__ import annotations

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
from server.web.rendering import domain_message


@page("/filings/<int:filing_id>")
def dossier(filing_id: int) -> tuple[str, int]:
    """One filing's dossier, for reviewers in its county (another county's: 404)."""
    return render_dossier(filing_id)


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
    place_names = {p: i18n.t(f"dossier.map.legend_{p}") for p in ("inside", "outside", "uncertain")}
    main = built.main_case
    industry = catalogue().industry(main.guide_version, main.industry_code) if main else None
    may_decide = actor.role is Role.city_reviewer
    blocked = _confirmation_blocked(built, actor) if may_decide else None
    html = render_template(
        "review/dossier.html",
        d=built,
        actor=actor,
        may_decide=may_decide,
        confirmation_blocked=blocked,
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
