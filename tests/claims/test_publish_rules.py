"""Publishing an assignment pins its claim checklist: attacker and rule tries (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from inspection_forms.claims import GENERATED_FORM_ID
from server.accounts.actor import Actor
from server.assignments.checklist import pinned_form, pinned_forms
from server.assignments.errors import ClaimNotCoverable
from server.assignments.models import AssignmentStatus
from server.assignments.service import create_assignment, update_assignment
from server.filings.models import Filing, IndicatorClaim
from server.filings.service import update_claim
from tests.review_factories import WINDOW_END, WINDOW_START

CLAIM = {
    "category": "emission_limits",
    "indicator_code": "emission_limits.nox_mg_m3",
    "claimed_value": "≤50 mg/m³",
    "statement": "窑炉氮氧化物排放浓度",
}


@pytest.fixture
def planned(session, city_actor, make_filing, make_site, make_inspector) -> Callable[..., Any]:
    def make(claims: list[dict[str, Any]] | None = None) -> Any:
        site = make_site(
            lines=[{"code": "L01", "name": "窑线", "industry_code": "brick_tile_kiln"}]
        )
        case = {
            "guide_version": "MEE2020",
            "industry_code": "brick_tile_kiln",
            "claimed_grade": "A",
            "claims": claims if claims is not None else [CLAIM],
        }
        filing = make_filing(site=site, cases=[case])
        return create_assignment(
            session,
            actor=city_actor,
            filing_id=filing.id,
            members=[make_inspector().id, make_inspector().id],
            window_start=WINDOW_START,
            window_end=WINDOW_END,
        )

    return make


def publish(session: Session, actor: Actor, assignment: Any) -> Any:
    return update_assignment(
        session, actor=actor, assignment=assignment, changes={"status": AssignmentStatus.published}
    )


def test_a_planned_assignment_has_no_generated_checklist_until_published(
    session, city_actor, planned
):
    assignment = planned()
    assert GENERATED_FORM_ID not in {p["form_id"] for p in assignment.form_pins}
    publish(session, city_actor, assignment)
    [generated] = [p for p in assignment.form_pins if p["form_id"] == GENERATED_FORM_ID]
    assert generated["version"] == assignment.id
    form = pinned_form(generated)
    assert form.sha256 == generated["sha256"]
    item = form.items[f"claim_{assignment_claim_id(session, assignment)}_observed"]
    # the emission-limit item carries what the CEMS check needs (cemslimits' interface)
    assert item.kind == "meter" and item.unit == "mg/m3" and item.photo_required
    assert item.claim is not None
    assert (item.claim["pollutant"], item.claim["limit"], item.claim["unit"]) == (
        "a21002",
        50,
        "mg/m3",
    )
    assert item.criterion_for("A").op == "at_most" and item.criterion_for("A").value == 50
    assert item.criterion_for("B") is None  # a lower grade: the claim says nothing of it


def assignment_claim_id(session: Session, assignment: Any) -> int:
    filing = session.get(Filing, assignment.filing_id)
    return filing.cases[0].claims[0].id


def test_a_claim_whose_category_has_no_generator_is_refused_at_publication(
    session, city_actor, planned
):
    assignment = planned()
    case = session.get(Filing, assignment.filing_id).cases[0]
    # a category outside the nine, as an old import could have stored it (the API refuses it)
    odd = IndicatorClaim(category="noise", indicator_code="noise.boundary_db", claimed_value="55")
    case.claims.append(odd)
    session.flush()
    with pytest.raises(ClaimNotCoverable) as refused:
        publish(session, city_actor, assignment)
    assert refused.value.status == 422
    assert f"claims.{odd.id}" in refused.value.errors
    assert "noise.boundary_db" in str(refused.value)
    assert assignment.status is AssignmentStatus.planned
    assert GENERATED_FORM_ID not in {p["form_id"] for p in assignment.form_pins}


def test_a_claim_edited_after_publication_does_not_change_the_pinned_checklist(
    session, city_actor, admin_actor, planned
):
    assignment = planned()
    publish(session, city_actor, assignment)
    pins = [dict(p) for p in assignment.form_pins]
    claim_id = assignment_claim_id(session, assignment)
    claim = session.get(IndicatorClaim, claim_id)
    update_claim(session, actor=admin_actor, claim=claim, changes={"claimed_value": "≤200 mg/m³"})
    session.expire_all()
    assert assignment.form_pins == pins
    item = pinned_forms(assignment.form_pins)[-1].items[f"claim_{claim_id}_observed"]
    assert item.criterion_for("A").value == 50 and item.claim["limit"] == 50
    # changing the window later keeps the checklist too
    update_assignment(
        session, actor=city_actor, assignment=assignment, changes={"window_end": WINDOW_END}
    )
    assert assignment.form_pins == pins


def test_a_stored_checklist_altered_after_pinning_is_refused(session, city_actor, planned):
    assignment = planned()
    publish(session, city_actor, assignment)
    pin = next(p for p in assignment.form_pins if p["form_id"] == GENERATED_FORM_ID)
    definition = dict(pin["definition"])
    section = dict(definition["sections"][0])
    items = [dict(i) for i in section["items"]]
    items[0]["criteria"] = [{**items[0]["criteria"][0], "value": 500}]  # a looser limit
    definition["sections"] = [{**section, "items": items}]
    with pytest.raises(ValueError, match="was changed after it was pinned"):
        pinned_form({**pin, "definition": definition})


def test_claims_the_industry_form_verifies_get_no_generated_item(session, city_actor, planned):
    covered = {
        "category": "fugitive_emissions",
        "indicator_code": "fugitive_emissions.no_visible_dust",
        "claimed_value": "是",
    }
    assignment = planned([covered])
    publish(session, city_actor, assignment)
    assert GENERATED_FORM_ID not in {p["form_id"] for p in assignment.form_pins}


def test_the_team_and_reviewers_read_exactly_the_pinned_checklist(
    session, client, login, city_actor, planned, make_inspector
):
    from server.accounts.models import User

    assignment = publish(session, city_actor, planned())
    pin = next(p for p in assignment.form_pins if p["form_id"] == GENERATED_FORM_ID)
    url = f"/api/assignments/{assignment.id}/checklist"
    member = session.get(User, assignment.members[0].user_id)
    for user in (member, session.get(User, city_actor.user_id)):
        response = client.get(url, headers=login(user))
        assert response.status_code == 200, response.json
        forms = {f["id"]: f for f in response.json}
        assert forms[GENERATED_FORM_ID] == pinned_form(pin).to_dict()
        assert forms[GENERATED_FORM_ID]["sha256"] == pin["sha256"]
    stranger = client.get(url, headers=login(make_inspector()))
    assert stranger.status_code == 404


def test_a_mee26_case_gets_the_form_version_of_its_guide(
    session, city_actor, make_filing, make_site, make_inspector
):
    site = make_site(lines=[{"code": "L01", "name": "熟料线", "industry_code": "cement"}])
    claim = {
        "category": "emission_limits",
        "indicator_code": "emission_limits.particulate_matter",
        "claimed_value": "≤5 mg/m³",
    }
    odd_grade = {"category": "transport_control", "indicator_code": "transport_control.gate_system"}
    case = {
        "guide_version": "MEE26",
        "industry_code": "cement",
        "claimed_grade": "A+",
        "claims": [claim, odd_grade],
    }
    filing = make_filing(site=site, cases=[case])
    assignment = create_assignment(
        session,
        actor=city_actor,
        filing_id=filing.id,
        members=[make_inspector().id, make_inspector().id],
        window_start=WINDOW_START,
        window_end=WINDOW_END,
    )
    publish(session, city_actor, assignment)
    refs = [(p["form_id"], p["version"]) for p in assignment.form_pins]
    assert ("cement", 2) in refs and ("cement", 1) not in refs
    generated = pinned_forms(assignment.form_pins)[-1]
    # cement v2 verifies particulate matter at A+; the gate claim, unverified at A+ by the
    # common form, gets a generated item
    indicators = {i.indicator for i in generated.all_items.values()}
    assert "emission_limits.particulate_matter" not in indicators
    assert "transport_control.gate_system" in indicators
