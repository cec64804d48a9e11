"""The tablet payload: everything needed offline, deterministic, forms pinned at assignment time."""

import json

from server.assignments import repository
from server.assignments.payload import assignment_payload
from server.assignments.service import create_assignment
from tests.review_factories import WINDOW_END, WINDOW_START


def make_assignment(session, city_actor, make_city_filing, make_inspector):
    filing = make_city_filing("A")
    site = filing.site
    site.lines[0].stops_in_alert = False
    site.cems_points[0].pollutants = ["a34013", "a21026"]
    filing.cases[0].claims[0].statement = "车间地面无积尘"
    team = [
        make_inspector(display_name="张伟（核查员）"),
        make_inspector(display_name="李娜（核查员）"),
    ]
    assignment = create_assignment(
        session,
        actor=city_actor,
        filing_id=filing.id,
        members=[team[1].id, team[0].id],
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    return assignment, filing, team


def test_payload_has_everything_the_tablet_needs(
    session, city_actor, make_city_filing, make_inspector
):
    assignment, filing, team = make_assignment(
        session, city_actor, make_city_filing, make_inspector
    )
    site, enterprise = filing.site, filing.site.enterprise
    payload = assignment_payload(session, assignment)
    assert payload["type"] == "assignment"
    assert payload["schema_version"] == 1
    assert payload["assignment"] == {
        "draw_id": None,
        "id": assignment.id,
        "reason": "full_check",
        "status": "planned",
        "version": assignment.version,
        "window_end": "2026-09-05T00:00:00Z",
        "window_start": "2026-09-01T00:00:00Z",
    }
    assert payload["team"] == [
        {"display_name": "李娜（核查员）", "is_lead": True, "user_id": team[1].id},
        {"display_name": "张伟（核查员）", "is_lead": False, "user_id": team[0].id},
    ]
    assert payload["enterprise"] == {
        "county": enterprise.county,
        "credit_code": enterprise.credit_code,
        "id": enterprise.id,
        "name": enterprise.name,
    }
    assert payload["site"] == {
        "address": site.address,
        "boundary": site.boundary,
        "datum": "WGS84",
        "id": site.id,
        "name": site.name,
    }
    assert payload["lines"] == [
        {"code": "L01", "industry_code": "foundry", "name": "熔炼线", "stops_in_alert": False}
    ]
    assert payload["gates"] == [{"code": "G01", "name": "东门"}]
    assert payload["cems_points"] == [
        {
            "line_code": "L01",
            "mn": site.cems_points[0].mn,
            "name": "熔炼炉排口",
            "pollutants": ["a34013", "a21026"],
        }
    ]
    assert payload["filing"] == {"id": filing.id, "year": 2026}
    assert payload["cases"] == [
        {
            "claimed_grade": "A",
            "claims": [
                {
                    "category": "fugitive_emissions",
                    "claimed_value": "yes",
                    "indicator_code": "fugitive_emissions.no_visible_dust",
                    "statement": "车间地面无积尘",
                }
            ],
            "guide_version": "MEE2020",
            "industry_code": "foundry",
            "is_main": True,
        }
    ]
    assert [(f["form_id"], f["version"]) for f in payload["forms"]] == [
        ("common", 1),
        ("foundry", 1),
    ]
    assert all(len(f["sha256"]) == 64 for f in payload["forms"])


def test_payload_is_deterministic_json(session, city_actor, make_city_filing, make_inspector):
    assignment, *_ = make_assignment(session, city_actor, make_city_filing, make_inspector)
    first = assignment_payload(session, assignment)
    text = json.dumps(first, ensure_ascii=False)
    assert text == json.dumps(first, ensure_ascii=False, sort_keys=True)
    assert text == json.dumps(assignment_payload(session, assignment), ensure_ascii=False)


def test_pinned_forms_never_drift(
    session, city_actor, make_city_filing, make_inspector, monkeypatch
):
    assignment, *_ = make_assignment(session, city_actor, make_city_filing, make_inspector)
    before = assignment_payload(session, assignment)["forms"]
    monkeypatch.setattr(repository, "forms_for_filing", lambda filing: [])  # a new catalogue
    assert assignment_payload(session, assignment)["forms"] == before
