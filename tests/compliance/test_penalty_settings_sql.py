"""The jurisdiction settings of rule 6, rule 17 and S4 §四(三) on real SQL: stored as versions,
read back on the day they apply, carried into a filing's reconciliation, refused when wrong."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from sqlalchemy import func, select

from server.accounts.models import Role
from server.compliance.emergency import SHAOXING_EXEMPTIONS
from server.compliance.kinds import PENALTY_LABELS, SHAOXING_BAR, PenaltyKind
from server.compliance.service import record_penalty
from server.db import make_engine
from server.migrate import upgrade
from server.reconciliation.compute import compute
from server.reconciliation.loading import load_inputs
from server.review.jurisdiction import add_version, rules_for
from server.review.models import JurisdictionSettings
from tests.factories import CITY, foundry_case

SHAOXING = {
    "effective_from": "2026-01-01",
    "sampling_rate": "0.30",
    "multi_industry": "cross_level",
    "penalty_bar_kinds": sorted(SHAOXING_BAR.kinds),
    "penalty_bar_grades": sorted(SHAOXING_BAR.grades),
    "penalty_bar_period": "calendar_year",
    "gate_video_retention_months": 3,
    "pollution_exemptions": {k: list(v) for k, v in SHAOXING_EXEMPTIONS.items()},
}


def test_a_city_stores_shaoxings_rules_as_a_version(client, session, make_user, login):
    """S4 §四(二) (当年, five kinds, B and above) and §四(三) (exemptions by pollution level)
    and rule 17's retention are settings of a version, read back on the day they apply."""
    path = f"/api/jurisdictions/{CITY}/settings"
    response = client.post(path, json=SHAOXING, headers=login(make_user(Role.admin)))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["penalty_bar_period"] == "calendar_year"
    assert body["gate_video_retention_months"] == 3
    assert body["pollution_exemptions"]["light_moderate"] == ["A+", "A", "B", "B-", "leading"]

    before = rules_for(session, CITY, dt.date(2025, 12, 31))
    assert before.penalty_bar.period == "rolling_365"  # the default: S0's three kinds
    assert before.gate_video_retention_months == 6  # S1 §(五)
    rules = rules_for(session, CITY, dt.date(2026, 5, 1))
    assert rules.penalty_bar.kinds == SHAOXING_BAR.kinds
    assert rules.penalty_bar.source == "S4 §四(二)"
    assert rules.pollution_exemptions["heavy"] == ("A+", "A", "leading")

    shown = client.get(path, headers=login(make_user(Role.city_reviewer))).json
    assert shown["versions"][0]["penalty_bar_kinds"] == sorted(SHAOXING_BAR.kinds)


def test_wrong_settings_are_refused_saying_what_fits_and_nothing_is_stored(
    client, session, make_user, login
):
    """Rule 6 settings name known kinds, known grades and one of the two periods; rule 17's
    retention is a number of months; pollution levels are heavy or light_moderate."""
    bad = {
        **SHAOXING,
        "penalty_bar_kinds": ["noise"],
        "penalty_bar_grades": ["Z"],
        "penalty_bar_period": "fortnight",
        "gate_video_retention_months": 0,
        "pollution_exemptions": {"smoggy": ["A"]},
    }
    response = client.post(
        f"/api/jurisdictions/{CITY}/settings", json=bad, headers=login(make_user(Role.admin))
    )
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    assert set(errors) >= {
        "penalty_bar_kinds",
        "penalty_bar_grades",
        "penalty_bar_period",
        "gate_video_retention_months",
        "pollution_exemptions",
    }
    assert "no_discharge_permit" in errors["penalty_bar_kinds"][0]
    assert session.scalar(select(func.count(JurisdictionSettings.id))) == 0


def test_every_penalty_kind_of_the_notices_is_recorded_with_its_label(
    client, session, make_user, make_enterprise, login
):
    """S4 §四(二) names no EIA, no discharge permit and evading supervision beside S0's three;
    S2 §二 bars any administrative penalty (`other`). Each is recorded and read back with its
    label, Chinese first."""
    headers = login(make_user(Role.city_reviewer))
    enterprise = make_enterprise()
    for kind in PenaltyKind:
        response = client.post(
            "/api/penalties",
            json={"enterprise_id": enterprise.id, "kind": kind.value, "decided_on": "2026-03-01"},
            headers=headers,
        )
        assert response.status_code == 201, response.json
        assert response.json["kind_label"]["zh"] == PENALTY_LABELS[kind.value][0]
    listed = client.get(f"/api/penalties?enterprise_id={enterprise.id}", headers=headers).json
    assert {p["kind"] for p in listed} == {k.value for k in PenaltyKind}


def test_the_settings_reach_a_filings_reconciliation(
    session, admin_actor, make_site, make_enterprise, make_filing
):
    """S4 §四(二) through the loading from SQL: a no-permit penalty of this year bars a
    Shaoxing-ruled B filing; one of last December does not, though within 365 days."""
    add_version(
        session,
        actor=admin_actor,
        city=CITY,
        effective_from=dt.date(2026, 1, 1),
        sampling_rate="0.30",
        penalty_bar_kinds=sorted(SHAOXING_BAR.kinds),
        penalty_bar_grades=sorted(SHAOXING_BAR.grades),
        penalty_bar_period="calendar_year",
        gate_video_retention_months=3,
        pollution_exemptions={k: list(v) for k, v in SHAOXING_EXEMPTIONS.items()},
    )
    last_year, this_year = make_enterprise(), make_enterprise()
    filings = {}
    for enterprise, day in ((last_year, dt.date(2025, 12, 20)), (this_year, dt.date(2026, 3, 1))):
        record_penalty(
            session,
            actor=admin_actor,
            enterprise=enterprise,
            kind=PenaltyKind.no_discharge_permit,
            decided_on=day,
        )
        site = make_site(enterprise=enterprise)
        filings[enterprise.id] = make_filing(site=site, cases=[foundry_case("B")])
    session.flush()
    on = dt.date(2026, 9, 10)
    loaded = load_inputs(session, [f.id for f in filings.values()], on=on)
    inputs, _ = loaded[filings[this_year.id].id]
    assert inputs.penalty_bar.period == "calendar_year"
    assert inputs.gate_video_retention_months == 3
    assert inputs.pollution_exemptions["light_moderate"][:3] == ("A+", "A", "B")
    assert compute(inputs)["supported_grade"] == "C"
    earlier, _ = loaded[filings[last_year.id].id]
    assert compute(earlier)["supported_grade"] == "B"


def test_a_new_settings_version_changes_the_fingerprint(session, admin_actor, make_filing):
    """Stored results recompute when the jurisdiction's rules change (a new version)."""
    filing = make_filing(cases=[foundry_case("B")])
    on = dt.date(2026, 9, 10)
    _, before = load_inputs(session, [filing.id], on=on)[filing.id]
    add_version(
        session,
        actor=admin_actor,
        city=CITY,
        effective_from=dt.date(2026, 1, 1),
        sampling_rate="0.30",
        gate_video_retention_months=12,
    )
    inputs, after = load_inputs(session, [filing.id], on=on)[filing.id]
    assert inputs.gate_video_retention_months == 12
    assert before != after


def test_the_migration_gives_stored_versions_the_rules_applied_before(tmp_path):
    """Versions stored before the settings existed keep what was applied then: S0 §五(二)'s
    three kinds over 365 days and S1 §(五)'s 6 months, no exemption by pollution level."""
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    upgrade(engine, "0008")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO jurisdiction_settings (city, version, effective_from, "
                "sampling_rate, county_review_days, city_review_days, day_kind, holidays, "
                "extra_workdays, multi_industry, bars_downgraded, created_at) VALUES "
                "('驻马店市', 1, '2026-01-01', '0.30', 7, 15, 'calendar', '[]', '[]', "
                "'main_industry', 1, '2026-01-01 00:00:00')"
            )
        )
    upgrade(engine)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT penalty_bar_kinds, penalty_bar_period, gate_video_retention_months, "
                "pollution_exemptions FROM jurisdiction_settings"
            )
        ).one()
    engine.dispose()
    assert sorted(json.loads(row[0])) == [
        "built_before_approval",
        "exceeded_permit_limits",
        "monitoring_not_running",
    ]
    assert (row[1], row[2], json.loads(row[3])) == ("rolling_365", 6, {})


def test_odd_values_answer_422_never_500(client, session, make_user, login):
    """Bad input gets a clear error saying what to fix, and nothing is stored."""
    headers = login(make_user(Role.admin))
    for odd in (
        {"pollution_exemptions": {"heavy": "A"}},
        {"pollution_exemptions": ["heavy"]},
        {"penalty_bar_kinds": "any"},
        {"penalty_bar_kinds": []},
        {"gate_video_retention_months": 10**12},
        {"gate_video_retention_months": "six"},
        {"penalty_bar_period": 365},
    ):
        response = client.post(
            f"/api/jurisdictions/{CITY}/settings", json={**SHAOXING, **odd}, headers=headers
        )
        assert response.status_code == 422, (odd, response.status_code, response.json)
        assert response.json["errors"], odd
    assert session.scalar(select(func.count(JurisdictionSettings.id))) == 0
