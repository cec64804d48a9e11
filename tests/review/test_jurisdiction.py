"""Jurisdiction rules: versioned, defaults from S4 §三, never a rate under 30%."""

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select

from server.accounts.models import Role
from server.review.jurisdiction import JurisdictionRules, rules_for
from server.review.models import JurisdictionSettings
from tests.factories import CITY


def settings_count(session):
    return session.scalar(select(func.count(JurisdictionSettings.id)))


def test_defaults_without_settings(session):
    rules = rules_for(session, CITY, dt.date(2026, 7, 1))
    assert rules == JurisdictionRules(city=CITY)
    assert (rules.sampling_rate, rules.county_review_days, rules.city_review_days) == (
        Decimal("0.30"),
        7,
        15,
    )
    assert rules.day_kind == "calendar"


def test_versions_take_effect_on_their_day(client, session, make_user, login):
    headers = login(make_user(Role.admin))
    path = f"/api/jurisdictions/{CITY}/settings"
    first = client.post(
        path, json={"effective_from": "2026-01-01", "sampling_rate": "0.35"}, headers=headers
    )
    assert first.status_code == 201, first.json
    assert first.json["version"] == 1
    assert first.json["sampling_rate"] == "0.35"
    second = client.post(
        path,
        json={
            "effective_from": "2026-09-01",
            "sampling_rate": 0.5,
            "day_kind": "working",
            "holidays": ["2026-10-01"],
        },
        headers=headers,
    )
    assert second.json["version"] == 2
    assert rules_for(session, CITY, dt.date(2026, 8, 31)).sampling_rate == Decimal("0.35")
    later = rules_for(session, CITY, dt.date(2026, 9, 1))
    assert (later.sampling_rate, later.day_kind, later.holidays) == (
        Decimal("0.5"),
        "working",
        (dt.date(2026, 10, 1),),
    )
    listed = client.get(path, headers=login(make_user(Role.city_reviewer)))
    assert [v["version"] for v in listed.json["versions"]] == [1, 2]


def test_rate_below_30_percent_refused_and_nothing_stored(client, session, make_user, login):
    before = settings_count(session)
    response = client.post(
        f"/api/jurisdictions/{CITY}/settings",
        json={"effective_from": "2026-01-01", "sampling_rate": "0.29"},
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 422
    assert response.json["code"] == "sampling.rate_too_low"
    assert response.json["message"].startswith("sampling rate 0.29 is below the minimum 0.30")
    assert settings_count(session) == before


def test_bad_settings_and_wrong_role(client, session, make_user, login):
    path = f"/api/jurisdictions/{CITY}/settings"
    bad = client.post(
        path,
        json={
            "effective_from": "2026-01-01",
            "sampling_rate": "0.3",
            "county_review_days": 0,
            "day_kind": "lunar",
            "multi_industry": "average",
        },
        headers=login(make_user(Role.admin)),
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"county_review_days", "day_kind", "multi_industry"}
    city = client.post(
        path,
        json={"effective_from": "2026-01-01", "sampling_rate": "0.3"},
        headers=login(make_user(Role.city_reviewer)),
    )
    assert city.status_code == 403
    assert settings_count(session) == 0
