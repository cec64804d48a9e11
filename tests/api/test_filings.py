"""Filings: intake against the catalogue, the filtered list, claims, scope and rule 7."""

import datetime as dt

from sqlalchemy import func, select

from server.accounts.models import Role
from server.filings.models import Filing, IndicatorClaim
from tests.factories import COUNTY, OTHER_COUNTY, foundry_case


def filing_count(session):
    return session.scalar(select(func.count(Filing.id)))


def body(site_id, *cases, **kw):
    data = {
        "site_id": site_id,
        "year": 2026,
        "received_on": "2026-07-01",
        "cases": list(cases) or [foundry_case()],
    }
    data.update(kw)
    return data


def test_receive_filing_with_claims(client, make_site, make_user, login):
    site = make_site()
    response = client.post("/api/filings", json=body(site.id), headers=login(make_user(Role.admin)))
    assert response.status_code == 201
    assert response.json["status"] == "received"
    case = response.json["cases"][0]
    assert (case["guide_version"], case["industry_code"], case["claimed_grade"]) == (
        "MEE2020",
        "foundry",
        "A",
    )
    assert case["is_main"] is True
    assert case["claims"][0]["indicator_code"] == "fugitive_emissions.no_visible_dust"


def test_unknown_industry_and_grade_off_scale_change_nothing(
    client, session, make_site, make_user, login
):
    site = make_site()
    before = filing_count(session)
    response = client.post(
        "/api/filings",
        json=body(
            site.id,
            foundry_case(industry_code="spaceships"),
            foundry_case(
                industry_code="packaging_printing", claimed_grade="leading", is_main=False
            ),
        ),
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert errors["cases.0.industry_code"] == ["unknown industry spaceships in guide MEE2020"]
    assert errors["cases.1.claimed_grade"] == [
        "leading is not on the scale of packaging_printing under MEE2020: A / B / C / D"
    ]
    assert filing_count(session) == before


def test_a_plus_only_under_mee26(client, make_site, make_user, login):
    headers = login(make_user(Role.admin))
    old = client.post(
        "/api/filings", json=body(make_site().id, foundry_case(claimed_grade="A+")), headers=headers
    )
    assert old.status_code == 422
    new = client.post(
        "/api/filings",
        json=body(make_site().id, foundry_case(guide_version="MEE26", claimed_grade="A+")),
        headers=headers,
    )
    assert new.status_code == 201


def test_bad_claim_category_and_code(client, make_site, make_user, login):
    case = foundry_case(
        claims=[
            {"category": "fugitive_emissions", "indicator_code": "monitoring_level.cems_networked"}
        ]
    )
    response = client.post(
        "/api/filings", json=body(make_site().id, case), headers=login(make_user(Role.admin))
    )
    assert response.status_code == 422
    assert response.json["errors"] == {
        "cases.0.claims.0.indicator_code": ["must start with its category: fugitive_emissions."]
    }


def test_two_main_industries_refused(client, make_site, make_user, login):
    response = client.post(
        "/api/filings",
        json=body(
            make_site().id,
            foundry_case(is_main=True),
            foundry_case(industry_code="industrial_coating", is_main=True),
        ),
        headers=login(make_user(Role.admin)),
    )
    assert response.status_code == 422
    assert response.json["errors"]["cases"] == [
        "exactly one industry must be the main one (主行业); 2 are marked"
    ]


def test_duplicate_filing_for_site_and_year(client, session, make_filing, make_user, login):
    filing = make_filing()
    before = filing_count(session)
    response = client.post(
        "/api/filings", json=body(filing.site_id), headers=login(make_user(Role.admin))
    )
    assert response.status_code == 409
    assert response.json["code"] == "filing.duplicate"
    assert filing_count(session) == before


def test_applicant_barred_by_integrity_record(client, session, make_site, make_user, login):
    site = make_site()
    city = make_user(Role.city_reviewer)
    headers = login(city)
    record = client.post(
        "/api/integrity-records",
        headers=headers,
        json={
            "enterprise_id": site.enterprise_id,
            "recorded_on": "2026-03-01",
            "reason": "deleted gate video",
        },
    )
    assert record.status_code == 201
    assert record.json["barred_until"] == "2027-03-01"
    before = filing_count(session)
    response = client.post("/api/filings", json=body(site.id), headers=login(make_user(Role.admin)))
    assert response.status_code == 409
    assert response.json["code"] == "filing.applicant_barred"
    assert "2027-03-01" in response.json["message"]
    assert filing_count(session) == before


def test_list_filters(client, make_filing, make_site, make_enterprise, make_user, login):
    coating = make_filing(
        cases=[foundry_case(industry_code="industrial_coating", claimed_grade="B")]
    )
    foundry_a = make_filing()
    other = make_filing(site=make_site(make_enterprise(county=OTHER_COUNTY)))
    headers = login(make_user(Role.city_reviewer))

    def ids(query):
        response = client.get(f"/api/filings?page_size=100&{query}", headers=headers)
        assert response.status_code == 200, response.json
        return {row["id"] for row in response.json}

    assert ids("industry=industrial_coating") >= {coating.id}
    assert foundry_a.id not in ids("industry=industrial_coating")
    assert coating.id in ids("claimed_grade=B") and foundry_a.id not in ids("claimed_grade=B")
    assert other.id in ids(f"county={OTHER_COUNTY}") and other.id not in ids(f"county={COUNTY}")
    assert foundry_a.id in ids("status=received")
    bad = client.get("/api/filings?status=sleeping", headers=headers)
    assert bad.status_code == 422
    assert "status" in bad.json["errors"]["query"]


def test_county_reviewer_cannot_reach_another_countys_filing(
    client, make_filing, make_site, make_enterprise, make_user, login
):
    other = make_filing(site=make_site(make_enterprise(county=OTHER_COUNTY)))
    headers = login(make_user(Role.county_reviewer, county=COUNTY))
    assert client.get(f"/api/filings/{other.id}", headers=headers).status_code == 404
    assert other.id not in {row["id"] for row in client.get("/api/filings", headers=headers).json}
    response = client.post("/api/filings", json=body(other.site_id, year=2027), headers=headers)
    assert response.status_code == 404


def test_add_and_amend_a_claim(client, session, make_filing, make_user, login):
    filing = make_filing()
    headers = login(make_user(Role.admin))
    url = f"/api/filings/{filing.id}/cases/{filing.cases[0].id}/claims"
    claim = {
        "category": "monitoring_level",
        "indicator_code": "monitoring_level.cems_networked",
        "claimed_value": "yes",
        "documents": [{"title": "联网证明", "reference": "2026-17"}],
    }
    created = client.post(url, json=claim, headers=headers)
    assert created.status_code == 201
    again = client.post(url, json=claim, headers=headers)
    assert again.status_code == 422
    assert again.json["errors"]["indicator_code"] == [
        "monitoring_level.cems_networked is already claimed in this industry case"
    ]
    item = f"/api/claims/{created.json['id']}"
    etag = client.get(item, headers=headers).headers["ETag"]
    changed = client.patch(
        item, json={"claimed_value": "no"}, headers={**headers, "If-Match": etag}
    )
    assert changed.status_code == 200
    stale = client.patch(
        item, json={"claimed_value": "maybe"}, headers={**headers, "If-Match": etag}
    )
    assert stale.status_code == 412
    assert session.get(IndicatorClaim, created.json["id"]).claimed_value == "no"


def test_patch_filing_dates(client, session, make_filing, make_user, login):
    filing = make_filing()
    headers = login(make_user(Role.admin))
    etag = client.get(f"/api/filings/{filing.id}", headers=headers).headers["ETag"]
    response = client.patch(
        f"/api/filings/{filing.id}",
        json={"supplement_on": "2026-07-09", "essential_service": True},
        headers={**headers, "If-Match": etag},
    )
    assert response.status_code == 200
    assert response.json["supplement_on"] == "2026-07-09"
    session.refresh(filing)
    assert filing.supplement_on == dt.date(2026, 7, 9)


def test_integrity_record_bars_only_from_its_date(session, make_site, admin_actor, make_filing):
    from server.compliance.service import record_integrity

    site = make_site()
    record_integrity(
        session,
        actor=admin_actor,
        enterprise=site.enterprise,
        recorded_on=dt.date(2026, 3, 1),
        reason="forged ledger",
    )
    earlier = make_filing(site=site, year=2025, received_on=dt.date(2026, 2, 1))
    assert earlier.id is not None


def test_received_in_the_future_or_supplement_before_receipt(client, make_site, make_user, login):
    headers = login(make_user(Role.admin))
    future = client.post(
        "/api/filings", headers=headers, json=body(make_site().id, received_on="2999-01-01")
    )
    assert future.status_code == 422
    assert future.json["errors"]["received_on"] == ["2999-01-01 is in the future"]
    backwards = client.post(
        "/api/filings", headers=headers, json=body(make_site().id, supplement_on="2026-06-01")
    )
    assert backwards.status_code == 422
    assert backwards.json["errors"]["supplement_on"] == ["is before received_on"]
