"""What a confirmation checks and records, written from the rules of the notices (RULES.md and
the seeds S0–S4), through the decisions API on real SQL.

Each test names the passage it is written from. Today in China is later than the filings'
receipt (1 July 2026), so "as of the decision day" is today.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.clock import china_today
from server.compliance.models import IntegrityRecord, PenaltyKind
from server.compliance.service import record_penalty
from server.filings.models import FilingStatus
from server.filings.service import ApplicantBarred, receive_filing
from server.sampling.service import create_draw
from tests.factories import foundry_case

ELECTRIC = {"melting_energy": "electricity"}


def case(industry: str, grade: str, main: bool, *claims: str) -> dict[str, Any]:
    return foundry_case(
        grade,
        industry_code=industry,
        is_main=main,
        claims=[
            {"category": code.split(".")[0], "indicator_code": code, "claimed_value": "yes"}
            for code in claims or ("fugitive_emissions.no_visible_dust",)
        ],
    )


@pytest.fixture
def reviewers(make_user, login):
    """Two city reviewers' API headers: the proposer and the confirmer."""
    return login(make_user(Role.city_reviewer)), login(make_user(Role.city_reviewer))


@pytest.fixture
def decide(client, reviewers):
    """Propose with the first reviewer, confirm with the second; the confirmation's response."""

    def run(filing, outcome="confirm", grade=None, reasons=None):
        first, second = reviewers
        codes = reasons or (
            ["evidence_supports_claim"] if outcome == "confirm" else ["indicator_not_met"]
        )
        proposed = client.post(
            f"/api/filings/{filing.id}/decisions",
            json={"outcome": outcome, "grade": grade, "reason_codes": codes, "comment": "核查"},
            headers=first,
        )
        assert proposed.status_code == 201, proposed.json
        answer = client.post(
            f"/api/decisions/{proposed.json['id']}/confirmation", json={}, headers=second
        )
        if answer.status_code != 201:  # refused: the proposer takes it back, to propose anew
            url = f"/api/decisions/{proposed.json['id']}/withdrawal"
            assert client.post(url, json={}, headers=first).status_code == 201
        return answer

    return run


@pytest.fixture
def in_city_review(make_city_filing, move):
    def make(grade: str = "A", **kw: Any):
        return move(make_city_filing(grade, **kw), "start_city_review")

    return make


# --- item 1: rule 12, the 100 % on-site check -------------------------------------------------


def test_an_a_claim_without_any_visit_cannot_be_confirmed(in_city_review, decide, session):
    """S4 §三(三): 对申报绩效A级和引领性的企业100%开展现场核查 — a city reviewer cannot confirm
    an A claim that nobody checked on site; the refusal says the rule in words."""
    filing = in_city_review("A")
    refused = decide(filing, "confirm")
    assert refused.status_code == 409
    assert refused.json["code"] == "decision.on_site_check_required"
    message = refused.json["message"]
    assert "100% 现场核查" in message and "尚无已完成的现场核查" in message
    assert "rule 12" in message and "S4 §三(三)" in message
    session.refresh(filing)
    assert filing.status is FilingStatus.city_review


def test_grading_an_unvisited_a_claim_down_is_always_possible(in_city_review, decide, session):
    """Rule 12 guards the grades it verifies: grading down to B, C or D needs no visit."""
    filing = in_city_review("A")
    confirmed = decide(filing, "grade_down", "B")
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["grade"] == "B"
    session.refresh(filing)
    assert filing.status is FilingStatus.decided


def test_a_visit_without_normal_production_does_not_count(
    in_city_review, decide, visit_at, session
):
    """S1 §(四) 所有评级过程要在正常生产状态下 (rule 5) with rule 12: the visit the A rests on
    must have found normal production; a void visit is no check."""
    idle = in_city_review("A")
    visit_at(idle, ELECTRIC, producing=False)
    refused = decide(idle, "confirm")
    assert refused.status_code == 409
    assert refused.json["code"] == "decision.on_site_check_required"
    assert "未正常生产，核查无效" in refused.json["message"]

    producing = in_city_review("A")
    visit_at(producing, ELECTRIC)
    confirmed = decide(producing, "confirm")
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["grade"] == "A"


def test_a_b_drawn_in_the_sample_is_confirmed_only_after_its_visit(
    in_city_review, decide, visit_at, make_batch, admin_actor, session
):
    """S4 §三(三): 对申报绩效B级企业按不低于30%的抽查比例开展现场核查 — a B the draw selected is
    confirmed on its visit; a B no draw selected is confirmed on its documents."""
    batch = make_batch()
    drawn = in_city_review("B")
    draw = create_draw(session, actor=admin_actor, batch_id=batch.id, sampling_rate="1")
    assert drawn.id in [e.filing_id for e in draw.entries if e.selected]
    refused = decide(drawn, "confirm")
    assert refused.status_code == 409
    assert refused.json["code"] == "decision.on_site_check_required"
    assert "被抽中现场核查的 B 级" in refused.json["message"]

    visit_at(drawn, ELECTRIC, draw_id=draw.id)
    assert decide(drawn, "confirm").status_code == 201

    not_drawn = in_city_review("B", year=2027)  # in no batch, in no draw
    assert decide(not_drawn, "confirm").status_code == 201


# --- item 2: rule 6 at decision time ------------------------------------------------------------


def test_a_penalty_within_the_year_bars_the_a_on_the_decision_day(
    client, in_city_review, visit_at, reviewers, admin_actor, session
):
    """S0 §五(二): 一年内存在未批先建…受到行政处罚的，不得评为 A 级企业、B(含 B-)级企业 — a
    penalty of 1 May 2026, recorded after the proposal, still bars confirming A: the rule is
    checked as of the confirmation, not only when the evidence grade was computed."""
    filing = in_city_review("A")
    visit_at(filing, ELECTRIC)
    first, second = reviewers
    proposed = client.post(
        f"/api/filings/{filing.id}/decisions",
        json={"outcome": "confirm", "reason_codes": ["evidence_supports_claim"]},
        headers=first,
    )
    assert proposed.status_code == 201, proposed.json
    record_penalty(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        kind=PenaltyKind.built_before_approval,
        decided_on=dt.date(2026, 5, 1),
    )
    refused = client.post(
        f"/api/decisions/{proposed.json['id']}/confirmation", json={}, headers=second
    )
    assert refused.status_code == 409
    assert refused.json["code"] == "decision.grade_excluded"
    message = refused.json["message"]
    assert "一年内受到行政处罚" in message and "未批先建" in message
    assert china_today().isoformat() in message
    assert "C" in refused.json["errors"]["grade"][0]
    session.refresh(filing)
    assert filing.status is FilingStatus.city_review


def test_a_penalty_bars_a_grade_down_to_b_as_well(
    in_city_review, visit_at, decide, admin_actor, session
):
    """S2 §二: 一年内受到行政处罚…不得评为 A级企业、B（含 B-）级企业 — grading an A down to B
    does not escape the bar; C does."""
    filing = in_city_review("A")
    visit_at(filing, ELECTRIC)
    record_penalty(
        session,
        actor=admin_actor,
        enterprise=filing.site.enterprise,
        kind=PenaltyKind.exceeded_permit_limits,
        decided_on=china_today() - dt.timedelta(days=30),
    )
    refused = decide(filing, "grade_down", "B")
    assert refused.status_code == 409 and refused.json["code"] == "decision.grade_excluded"
    confirmed = decide(filing, "grade_down", "C")
    assert confirmed.status_code == 201, confirmed.json


# --- item 3: several industries -------------------------------------------------------------


def test_henan_main_b_with_another_industry_at_c_is_not_decided_b(
    client, make_filing, make_site, make_enterprise, at_city, move, decide, make_user, login
):
    """S2 §二: 同一企业涉及多个行业…涉及到的其他行业也应达到与申报主行业等级一致的指标要求，
    一项指标未达到相应级别指标规定的，不得评级 — main industry B, packaging printing C, under
    Henan's policy (the default of 驻马店市): B cannot be decided; C is, and the public list
    shows C."""
    site = make_site(enterprise=make_enterprise())
    filing = at_city(
        make_filing(
            site=site,
            cases=[case("foundry", "B", True), case("packaging_printing", "C", False)],
        )
    )
    move(filing, "start_city_review")
    refused = decide(filing, "confirm")
    assert refused.status_code == 409
    assert refused.json["code"] == "decision.multi_industry_policy"
    message = refused.json["message"]
    assert "河南省规定（S2 §二）" in message and "可评定为：C、D" in message
    confirmed = decide(filing, "grade_down", "C")
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["grade"] == "C"
    headers = login(make_user(Role.city_reviewer))
    with client.get("/api/exports/disclosure.csv", headers=headers) as listed:
        text = listed.get_data().decode("utf-8-sig")  # read, so the streamed file closes
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [row[6] for row in rows[1:] if row[2] == site.enterprise.name] == ["C级"]


# --- item 5: falsification --------------------------------------------------------------------


def integrity_records(session, enterprise_id):
    query = select(IntegrityRecord).where(IntegrityRecord.enterprise_id == enterprise_id)
    return list(session.scalars(query))


def test_a_grade_down_for_falsification_enters_the_integrity_record_once(
    client, in_city_review, decide, session, make_site, admin_actor
):
    """S1 §(三): 弄虚作假…记入企业“企业诚信档案”，一年内不得申报绩效评级; S4 §三(四) 直接降为
    最低等级，且一年内不得再次申报 — the confirmed grade-down writes the record, audited, once,
    and the plant's next filing within the year is refused."""
    filing = in_city_review("B")
    enterprise = filing.site.enterprise
    confirmed = decide(filing, "grade_down", "D", reasons=["falsification"])
    assert confirmed.status_code == 201, confirmed.json
    [entry] = integrity_records(session, enterprise.id)
    today = china_today()
    assert entry.recorded_on == today and entry.barred_until == today + dt.timedelta(days=365)
    assert f"审核决定 {confirmed.json['id']}" in entry.reason
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_(["integrity.recorded", "decision.confirmed"])
        )
    ).all()
    recorded = [e for e in events if e.action == "integrity.recorded"]
    assert [e.data["record_id"] for e in recorded] == [entry.id]
    [done] = [e for e in events if e.action == "decision.confirmed"]
    assert done.data["integrity_record_id"] == entry.id and done.data["integrity_record_written"]

    again = client.post(f"/api/decisions/{confirmed.json['id']}/confirmation", json={})
    assert again.status_code in (401, 403, 409)
    assert len(integrity_records(session, enterprise.id)) == 1
    with pytest.raises(ApplicantBarred):
        receive_filing(
            session,
            actor=admin_actor,
            site=make_site(enterprise=enterprise),
            year=2026,
            received_on=today,
            cases=[foundry_case("B")],
        )


@pytest.mark.parametrize(
    ("indicator", "answers", "found"),
    [
        (
            "transport_control.electronic_ledger",
            {
                "ledger_records_checked": 10,
                "ledger_records_mismatched": 3,
                "ledger_has_emission_stage": True,
            },
            "电子台账记录与门禁视频不符",
        ),
        (
            "transport_control.loading_point_video",
            {"loading_points_video": True, "video_retrieved_on_site": False},
            "无法调阅应保存的历史视频",
        ),
    ],
    ids=["ledger-3-of-10", "deleted-video"],
)
def test_falsification_found_on_site_leaves_only_the_lowest_grade(
    indicator, answers, found, make_filing, make_site, at_city, move, visit_at, decide, session
):
    """S1 §(五): 对弄虚作假、恶意删减视频片段、篡改车辆信息…的企业直接降为最低等级并记入企业
    “诚信档案”，且一年内不得申报 — 3 of 10 ledger records not matching the gate video, or past
    video gone: confirming A or grading down to C is refused; D for falsification is confirmed
    and writes the integrity record."""
    site = make_site()
    filing = at_city(make_filing(site=site, cases=[case("foundry", "A", True, indicator)]))
    move(filing, "start_city_review")
    visit_at(filing, answers)
    for outcome, grade in (("confirm", None), ("grade_down", "C")):
        refused = decide(filing, outcome, grade)
        assert refused.status_code == 409, refused.json
        assert refused.json["code"] == "decision.falsification_found"
        assert found in refused.json["message"] and "诚信档案" in refused.json["message"]
    assert integrity_records(session, site.enterprise_id) == []
    confirmed = decide(filing, "grade_down", "D", reasons=["falsification"])
    assert confirmed.status_code == 201, confirmed.json
    [entry] = integrity_records(session, site.enterprise_id)
    assert found in entry.reason


def test_an_integrity_record_entered_by_hand_is_not_written_twice(
    in_city_review, decide, session, make_user
):
    """S1 §(三) “记入企业诚信档案” is one entry per finding: a reviewer who already entered the
    falsification during this review gets no second record when the grade-down is confirmed."""
    from server.compliance.service import record_integrity

    filing = in_city_review("B")
    enterprise = filing.site.enterprise
    record_integrity(
        session,
        actor=Actor.of(make_user(Role.city_reviewer)),
        enterprise=enterprise,
        recorded_on=china_today(),
        reason="申报材料中的监测报告系伪造",
    )
    assert decide(filing, "grade_down", "D", reasons=["falsification"]).status_code == 201
    count = select(func.count()).select_from(IntegrityRecord)
    assert session.scalar(count.where(IntegrityRecord.enterprise_id == enterprise.id)) == 1


# --- item 13: judgement calls (docs/review.md) -----------------------------------------------


def test_an_essential_service_plant_decided_at_b_minus_loses_its_exemption(
    make_filing, make_site, at_city, move, decide, session
):
    """S0 §五(一) 保障类企业申报豁免管控的前提是达到 B 级及以上绩效或引领性指标水平; S2 §三
    须达到…B级及以上要求 — the notices write "B（含 B-）" wherever they include B- and not here:
    a glass plant decided at B- is no longer exempt, and the confirmation records it."""
    filing = at_city(
        make_filing(
            site=make_site(),
            essential_service=True,
            cases=[foundry_case("B", industry_code="glass")],
        )
    )
    move(filing, "start_city_review")
    confirmed = decide(filing, "grade_down", "B-")
    assert confirmed.status_code == 201, confirmed.json
    [event] = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "decision.confirmed", AuditEvent.subject_id == confirmed.json["id"]
        )
    ).all()
    assert event.data["consequences"] == ["essential_service_exemption_lost"]


def test_a_gate_without_plate_recognition_or_its_photo_is_decided_c(
    make_filing, make_site, at_city, move, visit_at, decide, client, reviewers
):
    """S1 §(五) 凡厂区所有车辆能够进出的门口均应安装车辆视频抓拍识别及门禁系统 binds A, B (incl.
    B-) and leading; a C plant has no such requirement, and a missing photo is missing evidence,
    not a failed C requirement (S1 §(四) 有据可查 keeps it from proving more): the reviewers may
    decide C, and nothing in the rules refuses it."""
    site = make_site()
    filing = at_city(
        make_filing(
            site=site,
            cases=[case("foundry", "A", True, "transport_control.gate_plate_recognition")],
        )
    )
    move(filing, "start_city_review")
    visit_at(filing, {"gates": {"G01": {"plate_recognition": False, "gate_photo": []}}})
    result = client.get(f"/api/filings/{filing.id}/reconciliation", headers=reviewers[0]).json
    [indicator] = result["cases"][0]["indicators"]
    assert indicator["verdict"] == "contradicted"
    assert result["supported_grade"] == "D"  # the evidence shows nothing better: no photo at C
    confirmed = decide(filing, "grade_down", "C")
    assert confirmed.status_code == 201, confirmed.json
    assert confirmed.json["grade"] == "C"
