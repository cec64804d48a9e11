"""Reconciliation through the real stack: photos through the evidence pipeline, CEMS and
metering imports through the API, results read back never stale, access by role and county."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.accounts.models import Role
from server.audit.models import AuditEvent
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation import service
from server.reconciliation.hj212 import build_packet, format_cp
from server.reconciliation.models import CemsRecord, ReconciliationResult
from tests.evidence.conftest import photo_bytes
from tests.factories import OTHER_COUNTY
from tests.review_factories import WINDOW_START

FUGITIVE = {
    "no_dust_floors": True,
    "no_dust_walls": True,
    "no_dust_equipment": True,
}


def packet(mn: str, at: dt.datetime, flow: float, flag: str = "N") -> str:
    cp = format_cp(at, {"a00000": {"Avg": flow, "Flag": flag}})
    fields = {"QN": f"{at:%Y%m%d%H%M%S}000", "ST": "31", "CN": "2061", "PW": "123456"}
    return build_packet({**fields, "MN": mn, "Flag": "5", "CP": cp})


def hours(n: int) -> list[dt.datetime]:
    return [WINDOW_START + dt.timedelta(hours=2 + h) for h in range(n)]


def post_file(client, headers, url: str, text: str, name: str = "data.txt") -> Any:
    return client.post(
        url,
        headers=headers,
        data={"file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def visited(session: Session, make_visit, upload):
    """A foundry A filing visited by two inspectors: two photos inside the yard each, their
    accepted inspections saying the floors, walls and equipment are clean."""
    visit = make_visit()
    for n, inspector in enumerate(visit.inspectors):
        refs = []
        for k in range(2):
            doc_id = f"photo:{visit.assignment.id}-{n}-{k}"
            response = upload(
                inspector,
                photo_bytes(east_m=40 + 50 * k, north_m=30 + 10 * n),
                visit.assignment.id,
                doc_id=doc_id,
                item="fugitive_photos",
                inspection_doc_id=f"inspection:{visit.assignment.id}-{n}",
            )
            assert response.status_code == 201, response.json
            refs.append(doc_id)
        session.add(
            Inspection(
                doc_id=f"inspection:{visit.assignment.id}-{n}",
                assignment_id=visit.assignment.id,
                inspector_id=inspector.id,
                form_id="common",
                form_version=1,
                status=InspectionStatus.accepted,
                current_rev="1-a",
                answers={"production_normal": True, **FUGITIVE, "fugitive_photos": refs},
            )
        )
    session.flush()
    return visit


def test_a_visit_with_good_evidence_verifies_the_claim(client, login, visited, city_actor, session):
    filing_id = visited.assignment.filing_id
    reviewer = session.get(type(visited.inspectors[0]), city_actor.user_id)
    headers = login(reviewer)
    mn = visited.site.cems_points[0].mn
    response = client.put(
        f"/api/sites/{visited.site.id}/cems-points/{mn}/typical-flow",
        json={"typical_flow": 10000},
        headers=headers,
    )
    assert response.status_code == 200, response.json

    good = [packet(mn, at, 9400 + 10 * i) for i, at in enumerate(hours(4))]
    crc = good[0][-6:-2]
    wrong = f"{int(crc, 16) ^ 0xFFFF:04X}"  # never the packet's own CRC (0000 can be, for a MN)
    corrupt = good[0][:-6] + wrong + "\r\n"  # the CRC no longer matches
    stranger = packet("MN999999999999", hours(1)[0], 9000)
    text = "".join([good[0], corrupt, good[1], stranger, "not a packet\n", good[2], good[3]])
    response = post_file(client, headers, f"/api/sites/{visited.site.id}/cems-data", text)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["accepted"], body["rejected"], body["duplicates"]) == (4, 3, 0)
    assert [(e["line"], e["code"]) for e in body["errors"]] == [
        (2, "hj212.bad_crc"),
        (4, "hj212.unknown_mn"),
        (5, "hj212.malformed"),
    ]
    assert body["recomputed"] == 1

    result = client.get(f"/api/filings/{filing_id}/reconciliation", headers=headers).json
    assert result["supported_grade"] == "A"
    assert result["confirmed"] is True
    [indicator] = result["cases"][0]["indicators"]
    assert indicator["verdict"] == "verified"
    assert len(indicator["photos_used"]) == 4
    assert result["visits"][0]["production"]["status"] == "normal"
    grade = client.get(f"/api/filings/{filing_id}/grade", headers=headers).json
    assert grade["supported_grade"] == "A" and grade["explanation"][-1]["code"] == (
        "result.supported_grade"
    )
    production = client.get(
        f"/api/assignments/{visited.assignment.id}/production", headers=headers
    ).json
    assert production["verdict"]["status"] == "normal"
    assert [p["flow"] for p in production["series"]["flow"]] == [9400, 9410, 9420, 9430]

    # the same file again: every good line is a duplicate, nothing changes
    again = post_file(client, headers, f"/api/sites/{visited.site.id}/cems-data", text).json
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 4, 3)
    assert session.scalar(select(func.count()).select_from(CemsRecord)) == 4


def test_metering_showing_treatment_off_voids_the_visit_at_once(
    client, login, visited, city_actor, session
):
    reviewer = session.get(type(visited.inspectors[0]), city_actor.user_id)
    headers = login(reviewer)
    site = visited.site.id
    for code, role in (("EM-P1", "production"), ("EM-T1", "treatment")):
        response = client.post(
            f"/api/sites/{site}/meters", json={"code": code, "role": role}, headers=headers
        )
        assert response.status_code == 201, response.json
    before = service.current_result(session, visited.assignment.filing_id)
    assert before is not None and before.needs_new_visit is False

    rows = ["meter,role,timestamp,kw"]
    for at in hours(4):
        rows += [f"EM-P1,production,{at.isoformat()},420", f"EM-T1,treatment,{at.isoformat()},0"]
    rows += [
        f"EM-P1,production,{hours(1)[0].isoformat()},420",
        "EM-X,production,2026-09-01T10:00:00+08:00,5",
    ]
    response = post_file(
        client, headers, f"/api/sites/{site}/metering-data", "\n".join(rows), "m.csv"
    )
    assert response.status_code == 201, response.json
    assert [(e["row"], e["code"]) for e in response.json["errors"]] == [
        (10, "metering.duplicate"),
        (11, "metering.unknown_meter"),
    ]
    # hourly readings where a reading every 15 minutes is expected: each pause is reported
    gaps = response.json["gaps"]
    assert {(g["meter"], g["minutes"]) for g in gaps} == {("EM-P1", 60.0), ("EM-T1", 60.0)}
    assert len(gaps) == 6

    result = client.get(
        f"/api/filings/{visited.assignment.filing_id}/reconciliation", headers=headers
    ).json
    [shown] = result["visits"]
    assert shown["void"] is True
    assert "production.treatment_off" in [r["code"] for r in shown["production"]["reasons"]]
    assert result["needs_new_visit"] is True and result["confirmed"] is False
    events = session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "filing",
            AuditEvent.subject_id == visited.assignment.filing_id,
            AuditEvent.action == "reconciliation.computed",
        )
    ).all()
    assert len(events) == 2  # computed once before, once after the new evidence
    [flagged] = client.get("/api/reconciliation/new-visits", headers=headers).json
    assert flagged["filing_id"] == visited.assignment.filing_id
    assert flagged["void_visits"] == [visited.assignment.id]
    assert [r["code"] for r in flagged["reasons"]] == ["visit.void"]


def test_a_file_with_no_good_line_is_refused_with_every_line_named(
    client, login, visited, city_actor, session
):
    reviewer = session.get(type(visited.inspectors[0]), city_actor.user_id)
    response = post_file(
        client, login(reviewer), f"/api/sites/{visited.site.id}/cems-data", "##00\nbad\n"
    )
    assert response.status_code == 422
    assert [e["line"] for e in response.json["errors"]["lines"]] == [1, 2]


def test_a_read_recomputes_only_when_the_evidence_changed(session, visited):
    filing_id = visited.assignment.filing_id
    first = service.current_result(session, filing_id)
    assert first is not None
    fingerprint, computed_at = first.fingerprint, first.computed_at
    assert service.current_result(session, filing_id).computed_at == computed_at  # type: ignore[union-attr]
    inspection = session.scalars(
        select(Inspection).where(Inspection.assignment_id == visited.assignment.id)
    ).first()
    inspection.answers = {**inspection.answers, "no_dust_floors": False}
    inspection.current_rev = "2-b"
    session.flush()
    second = service.current_result(session, filing_id)
    assert second is not None and second.fingerprint != fingerprint
    [indicator] = second.result["cases"][0]["indicators"]
    assert indicator["verdict"] == "unverifiable"  # one member now contradicts the other
    assert indicator["disagreement"] is True
    assert session.scalar(select(func.count()).select_from(ReconciliationResult)) == 1


def test_inspectors_and_other_counties_cannot_read_a_reconciliation(
    client, login, visited, make_user
):
    url = f"/api/filings/{visited.assignment.filing_id}/reconciliation"
    assert client.get(url, headers=login(visited.inspectors[0])).status_code == 403
    other = make_user(Role.county_reviewer, county=OTHER_COUNTY)
    assert client.get(url, headers=login(other)).status_code == 404
    assert client.get(url).status_code == 401
    csv = "meter,role,timestamp,kw\n"
    upload = post_file(client, login(other), f"/api/sites/{visited.site.id}/metering-data", csv)
    assert upload.status_code == 404


def test_the_reconcile_command_computes_stale_results_once(app, session, visited):
    filing_id = visited.assignment.filing_id
    runner = app.test_cli_runner()
    first = runner.invoke(args=["reconcile", "--filing", str(filing_id)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("1 filings checked, 1 recomputed")
    again = runner.invoke(args=["reconcile", "--filing", str(filing_id)])
    assert again.output.startswith("1 filings checked, 0 recomputed")
    stored = session.scalar(
        select(ReconciliationResult).where(ReconciliationResult.filing_id == filing_id)
    )
    assert stored is not None and stored.result["filing_id"] == filing_id
