"""The decision forms: propose (one city reviewer), confirm or reject (another), withdraw.

Each post calls one service of ``server.review.decisions``; the request scope commits when the
answer is the redirect back to the dossier. A refusal (the same person twice, no reason code, a
visit member deciding, another county…) rolls back and shows the dossier again with the reason
at the form, in the page's language, with the status the refusal carries, never a 500.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from server.api.scope import db_session
from server.auth import current_actor
from server.errors import DomainError, NotFound
from server.review import decisions
from server.web.blueprint import page
from server.web.i18n import t
from server.web.rendering import domain_message
from server.web.views.dossier import render_dossier

MAX_FIELD = 4000  # more than any comment the service accepts; it says the real limit


def _text(name: str) -> str | None:
    value = request.form.get(name, "")
    return value[:MAX_FIELD] if value.strip() else None


def _back(filing_id: int, message_key: str) -> Response:
    flash(t(message_key))
    return redirect(url_for("web.dossier", filing_id=filing_id, _anchor="decision"), 303)  # type: ignore[return-value]


def _refused(filing_id: int, error: DomainError, form: dict[str, Any]) -> tuple[str, int]:
    db_session().rollback()  # nothing of the refused step is kept, nor shown
    return render_dossier(
        filing_id, decision_error=domain_message(error), form=form, status=error.status
    )


@page("/filings/<int:filing_id>/decisions", methods=["POST"])
def propose(filing_id: int) -> Response | tuple[str, int]:
    """Propose a decision on the filing; another city reviewer must confirm it."""
    form: dict[str, Any] = {
        "outcome": request.form.get("outcome", ""),
        "grade": _text("grade"),
        "reason_codes": request.form.getlist("reason_codes"),
        "comment": _text("comment"),
    }
    try:
        decisions.propose_decision(
            db_session(),
            actor=current_actor(),
            filing_id=filing_id,
            outcome=form["outcome"],
            grade=form["grade"],
            reason_codes=form["reason_codes"],
            comment=form["comment"],
            supported_grade=_text("supported_grade"),
            evidence_fingerprint=_text("evidence_fingerprint"),
        )
    except NotFound:
        raise  # not a filing of the reviewer's county: the 404 page, not a dossier
    except DomainError as error:
        return _refused(filing_id, error, form)
    return _back(filing_id, "decision.proposed_ok")


def _settle(decision_id: int, step: Any, done_key: str) -> Response | tuple[str, int]:
    filing_id = request.form.get("filing_id", type=int)
    try:
        decision = step(
            db_session(), actor=current_actor(), decision_id=decision_id, comment=_text("comment")
        )
    except NotFound:
        raise  # not a decision of the reviewer's county
    except DomainError as error:
        if filing_id is None:
            raise
        return _refused(filing_id, error, {"settle_comment": _text("comment")})
    return _back(decision.filing_id, done_key)


@page("/decisions/<int:decision_id>/confirm", methods=["POST"])
def confirm(decision_id: int) -> Response | tuple[str, int]:
    """Confirm another reviewer's proposal (four eyes)."""
    return _settle(decision_id, decisions.confirm_decision, "decision.confirmed_ok")


@page("/decisions/<int:decision_id>/reject", methods=["POST"])
def reject(decision_id: int) -> Response | tuple[str, int]:
    """Reject another reviewer's proposal, saying why."""
    return _settle(decision_id, decisions.reject_decision, "decision.rejected_ok")


@page("/decisions/<int:decision_id>/withdraw", methods=["POST"])
def withdraw(decision_id: int) -> Response | tuple[str, int]:
    """The proposer takes back their proposal."""
    return _settle(decision_id, decisions.withdraw_decision, "decision.withdrawn_ok")
