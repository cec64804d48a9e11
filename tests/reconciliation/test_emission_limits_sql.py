"""Emission limits through the real stack (SQLite and PostgreSQL): HJ 212 packets imported as a
plant's data logger sends them, the loader's one query per chunk, the fingerprint seeing a new
hour of the month before the visit, and the reviewer's dossier showing the chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.filings.models import IndicatorClaim
from server.inspections.models import Inspection, InspectionStatus
from server.reconciliation import emission_limits as em
from server.reconciliation import service
from server.reconciliation.hj212 import build_packet, format_cp
from server.reconciliation.imports import import_cems
from server.reconciliation.loading import load_inputs
from tests.review_factories import WINDOW_END, WINDOW_START
from tests.web.conftest import Pages, city_case, pages  # noqa: F401 (fixtures)

ON = dt.date(2026, 9, 10)
HOUR = dt.timedelta(hours=1)
MONTH_BEFORE = WINDOW_START - dt.timedelta(days=30)
GAP = MONTH_BEFORE + dt.timedelta(days=8, hours=5)  # an hour the logger never sent, at first
STOPPED = WINDOW_START + dt.timedelta(hours=30)  # flagged F in the visit window


def packet(mn: str, at: dt.datetime, so2: float, flag: str = "N", cn: str = "2061") -> str:
    cp = format_cp(
        at,
        {
            "a00000": {"Avg": 9500, "Flag": "N"},
            "a21026": {"Avg": so2, "Flag": flag},
            "a19001": {"Avg": 12.0, "Flag": "N"},
        },
    )
    fields = {"QN": f"{at:%Y%m%d%H%M%S}000", "ST": "31", "CN": cn, "PW": "123456", "MN": mn}
    return build_packet({**fields, "Flag": "5", "CP": cp})


def month(mn: str) -> str:
    """Every hour of the 30 days before the visit and of the visit window at 20 mg/m³, but the
    gap and the stopped hour; around them what must not count: an hour 31 days before and a
    minute packet (CN 2051) of 999 in the window."""
    lines, at = [], MONTH_BEFORE
    while at < WINDOW_END:
        if at == STOPPED:
            lines.append(packet(mn, at, 95.0, "F"))
        elif at != GAP:
            lines.append(packet(mn, at, 20.0))
        at += HOUR
    lines.append(packet(mn, MONTH_BEFORE - dt.timedelta(days=1), 999.0))
    lines.append(packet(mn, WINDOW_START + dt.timedelta(minutes=30), 999.0, cn="2051"))
    return "".join(lines)


def claim_so2(session: Session, filing: Any, value: str = "SO₂ ≤ 35 mg/m³") -> None:
    case = filing.cases[0]
    session.add(
        IndicatorClaim(
            case_id=case.id,
            category="emission_limits",
            indicator_code="emission_limits.sulphur_dioxide",
            claimed_value=value,
        )
    )


def accept(session: Session, visit: Any) -> None:
    for n, inspector in enumerate(visit.inspectors):
        session.add(
            Inspection(
                doc_id=f"inspection:{visit.assignment.id}-{n}",
                assignment_id=visit.assignment.id,
                inspector_id=inspector.id,
                form_id="common",
                form_version=1,
                status=InspectionStatus.accepted,
                current_rev="1-a",
                answers={"production_normal": True},
            )
        )
    session.flush()


def _indicator(result: dict[str, Any]) -> dict[str, Any]:
    return next(
        i
        for i in result["cases"][0]["indicators"]
        if i["indicator"] == "emission_limits.sulphur_dioxide"
    )


def test_the_loader_reads_the_month_of_hours_and_a_new_hour_recomputes(
    session: Session, make_visit, city_actor: Actor
) -> None:
    visit = make_visit()
    filing = visit.site.filings[0]
    claim_so2(session, filing)
    accept(session, visit)
    mn = visit.site.cems_points[0].mn
    import_cems(session, actor=city_actor, site_id=visit.site.id, data=month(mn).encode())
    session.flush()

    inputs, fingerprint = load_inputs(session, [filing.id], on=ON)[filing.id]
    hours = inputs.emission_hours["a21026"]
    assert len(hours) == 30 * 24 + 96 - 1  # the month and the window, but the gap
    assert {h.point for h in hours} == {mn}
    assert min(h.at for h in hours) == MONTH_BEFORE  # not the hour 31 days before
    assert max(h.value for h in hours) == 95.0  # not the minute packet's 999
    stopped = next(h for h in hours if h.at == STOPPED)
    assert (stopped.value, stopped.flag, stopped.o2, stopped.o2_flag) == (95.0, "F", 12.0, "N")
    assert inputs.emission_settings == em.EmissionSettings()

    result = service.current_result(session, filing.id).result  # type: ignore[union-attr]
    emission = _indicator(result)["emission"]
    assert emission["verdict"] == "verified"
    assert (emission["before"]["expected_hours"], emission["before"]["valid_hours"]) == (720, 719)
    assert emission["before"]["gap_hours"] == 1
    assert (emission["visit"]["valid_hours"], emission["visit"]["excluded"]) == (95, {"F": 1})
    assert emission["visit"]["maximum"] == 20.0

    # the missing hour arrives, above the limit: the fingerprint changes, the claim falls
    late = packet(mn, GAP, 41.5)
    import_cems(session, actor=city_actor, site_id=visit.site.id, data=late.encode())
    session.flush()
    _, changed = load_inputs(session, [filing.id], on=ON)[filing.id]
    assert changed != fingerprint
    result = service.current_result(session, filing.id).result  # type: ignore[union-attr]
    indicator = _indicator(result)
    assert indicator["verdict"] == "contradicted"
    assert indicator["reasons"][0]["code"] == "emission.above_limit"
    assert indicator["emission"]["before"]["maximum"] == 41.5
    assert indicator["emission"]["before"]["maximum_at"] == GAP.isoformat().replace("+00:00", "Z")


def test_a_site_without_the_pollutant_and_a_filing_without_the_claim(
    session: Session, make_visit, city_actor: Actor
) -> None:
    visit = make_visit()
    filing = visit.site.filings[0]
    accept(session, visit)
    mn = visit.site.cems_points[0].mn
    import_cems(session, actor=city_actor, site_id=visit.site.id, data=month(mn).encode())
    session.flush()
    inputs, _ = load_inputs(session, [filing.id], on=ON)[filing.id]
    assert inputs.emission_hours == {}  # no emission claim: nothing read

    session.add(
        IndicatorClaim(
            case_id=filing.cases[0].id,
            category="emission_limits",
            indicator_code="emission_limits.nox_mg_m3",
            claimed_value="≤50 mg/m³",
        )
    )
    session.flush()
    inputs, _ = load_inputs(session, [filing.id], on=ON)[filing.id]
    assert inputs.emission_hours == {}  # the packets carry no NOx
    result = service.current_result(session, filing.id).result  # type: ignore[union-attr]
    nox = next(i for i in result["cases"][0]["indicators"] if i["indicator"].endswith("nox_mg_m3"))
    assert nox["emission"]["verdict"] == "unverifiable"
    assert nox["reasons"][0]["code"] == "emission.no_data"


def test_the_dossier_draws_the_limit_and_says_it_in_both_languages(
    session: Session,
    pages: Pages,  # noqa: F811
    make_user,
    city_case,  # noqa: F811
    city_actor: Actor,
) -> None:
    case = city_case()
    claim_so2(session, case.filing, "SO₂ ≤ 35 mg/m³")
    accept(session, case.visit)
    mn = case.visit.site.cems_points[0].mn
    text = month(mn) + packet(mn, GAP, 41.5)
    import_cems(session, actor=city_actor, site_id=case.visit.site.id, data=text.encode())
    session.flush()
    pages.sign_in(make_user(Role.city_reviewer))

    page = pages.get(f"/review/filings/{case.filing.id}").text
    assert 'data-testid="emission-chart" data-pollutant="a21026"' in page
    assert 'data-testid="emission-limit-line"' in page
    assert page.count('class="above"') == 1  # the one hour above 35
    assert page.count('class="excluded"') == 1  # the stopped hour, ticked below
    assert "排放限值：在线监测小时数据核实" in page
    assert "二氧化硫 ≤ 35 mg/m³" in page
    assert "有 1 个有效小时超过申报限值 35 mg/m³" in page
    assert "停运 1" in page  # the flag named, not its letter
    assert 'data-testid="emission-verdict">不符<' in page

    english = pages.get(f"/review/filings/{case.filing.id}?lang=en").text
    assert "Emission limits checked against CEMS hourly data" in english
    assert "SO₂ ≤ 35 mg/m³" in english
    assert "1 valid hours above the claimed 35 mg/m³" in english
    assert "stopped 1" in english
