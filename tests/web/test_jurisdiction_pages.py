"""The dossier says in words which jurisdiction rule bars a grade, with its notice."""

from __future__ import annotations

import datetime as dt

from server.accounts.models import Role
from server.compliance.kinds import PenaltyKind
from server.compliance.service import record_penalty
from server.review.jurisdiction import add_version
from tests.factories import CITY


def test_the_dossier_names_the_penalty_and_henans_rule(
    pages, make_user, city_case, session, admin_actor
):
    """S2 §二: 一年内受到行政处罚……不得评为 A级企业 — a penalty of another kind bars A in
    Henan; the reviewer reads the penalty and the rule in words, never a code alone."""
    case = city_case()
    add_version(
        session,
        actor=admin_actor,
        city=CITY,
        effective_from=dt.date(2026, 1, 1),
        sampling_rate="0.30",
        penalty_bar_kinds=["any"],
        bars_downgraded=True,
    )
    record_penalty(
        session,
        actor=admin_actor,
        enterprise=case.filing.site.enterprise,
        kind=PenaltyKind.other,
        decided_on=dt.date(2026, 6, 1),
    )
    session.flush()
    pages.sign_in(make_user(Role.city_reviewer))
    page = pages.get(f"/review/filings/{case.filing.id}").text
    assert 'data-code="exclusion.penalty_within_year"' in page
    assert "受到行政处罚（其他行政处罚）" in page
    assert "一年内受到行政处罚（任何行政处罚）的，不得评为" in page
    assert "S2 §二" in page
