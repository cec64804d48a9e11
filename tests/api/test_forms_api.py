"""The forms API: listing, versions, a filing's forms, and dry-run validation."""

import copy

from server.accounts.models import Role
from tests.factories import foundry_case
from tests.forms.documents import common_document, plant_context


def test_list_forms_in_both_languages(client, make_user, login):
    response = client.get("/api/forms", headers=login(make_user(Role.inspector)))
    assert response.status_code == 200
    ids = {form["id"] for form in response.json}
    assert {"common", "foundry", "packaging_printing", "industrial_coating"} <= ids
    for form in response.json:
        assert form["title"]["zh"] and form["title"]["en"]
        assert len(form["sha256"]) == 64


def test_filter_by_industry_and_grade(client, make_user, login):
    headers = login(make_user(Role.inspector))
    foundry_a = client.get("/api/forms?industry=foundry&grade=A", headers=headers).json
    assert {form["id"] for form in foundry_a} == {"common", "foundry"}
    printing = client.get("/api/forms?industry=packaging_printing&grade=B", headers=headers).json
    assert "foundry" not in {form["id"] for form in printing}


def test_get_version_and_unknown_ones(client, make_user, login):
    headers = login(make_user(Role.inspector))
    form = client.get("/api/forms/foundry/versions/1", headers=headers)
    assert form.status_code == 200
    assert form.json["sections"]
    missing_version = client.get("/api/forms/foundry/versions/99", headers=headers)
    assert missing_version.status_code == 404
    assert missing_version.json["code"] == "form.unknown"
    assert "foundry" in missing_version.json["message"] and "99" in missing_version.json["message"]
    missing_form = client.get("/api/forms/spaceships/versions", headers=headers)
    assert missing_form.status_code == 404
    assert "spaceships" in missing_form.json["message"]


def test_forms_for_a_filing(client, make_filing, make_user, login):
    filing = make_filing(cases=[foundry_case(grade="B")])
    response = client.get(
        f"/api/filings/{filing.id}/forms", headers=login(make_user(Role.city_reviewer))
    )
    assert response.status_code == 200
    assert {form["id"] for form in response.json} == {"common", "foundry"}


def test_dry_run_valid_document(client, make_user, login):
    context = plant_context()
    response = client.post(
        "/api/forms/validate",
        headers=login(make_user(Role.inspector)),
        json={
            "document": common_document(context),
            "lines": list(context.lines),
            "gates": list(context.gates),
            "cems_points": list(context.cems_points),
        },
    )
    assert response.status_code == 200
    assert response.json == {"valid": True, "problems": []}


def test_dry_run_reports_every_problem_with_its_path(client, make_site, make_user, login):
    site = make_site()  # one line L01, gate G01, one CEMS point
    context = plant_context(lines=1, gates=1, cems_points=1)
    document = copy.deepcopy(common_document(context))
    answers = document["answers"]
    answers["lines"]["L99"] = answers["lines"].pop("L01")  # a line the plant does not have
    answers["no_such_item"] = True
    response = client.post(
        "/api/forms/validate",
        headers=login(make_user(Role.admin)),
        json={"document": document, "site_id": site.id},
    )
    assert response.status_code == 200
    problems = {(p["path"], p["code"]) for p in response.json["problems"]}
    assert ("answers.no_such_item", "answer.unknown_item") in problems
    assert ("answers.lines.L99", "repeat.unknown_key") in problems
    assert ("answers.lines.L01", "repeat.missing_key") in problems
    assert response.json["valid"] is False
    assert all(p["message_zh"] and p["message_en"] for p in response.json["problems"])


def test_dry_run_unknown_form_version(client, make_user, login):
    response = client.post(
        "/api/forms/validate",
        headers=login(make_user(Role.inspector)),
        json={"document": {"form_id": "common", "form_version": 42, "answers": {}}},
    )
    assert response.status_code == 200
    [problem] = response.json["problems"]
    assert problem["code"] == "form.unknown_version"
    assert "42" in problem["message_en"]
