"""Building blocks for the worked cases: a filing's inputs with the shipped forms, a visit
whose CEMS flow shows normal (or stopped) production, and the team's answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.inspections.forms import get_form
from server.reconciliation.hj212 import FLUE_GAS_FLOW, Pollutant, Record
from server.reconciliation.inputs import (
    CaseInput,
    ClaimInput,
    FilingInputs,
    InspectionInput,
    VisitInput,
)

UTC = dt.UTC
WINDOW_START = dt.datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
WINDOW_END = dt.datetime(2026, 9, 5, 0, 0, tzinfo=UTC)
MN = "MN410000000001"
TYPICAL_FLOW = 10_000.0
SCALE = ("A", "B", "C", "D")


def hourly_flow(
    value: float, *, hours: int = 6, start: dt.datetime | None = None, flag: str = "N"
) -> tuple[Record, ...]:
    """Hourly CEMS records (CN 2061) of the point at a steady flue-gas flow."""
    first = start or WINDOW_START + dt.timedelta(hours=1)
    return tuple(
        Record(
            MN,
            "2061",
            first + dt.timedelta(hours=h),
            {FLUE_GAS_FLOW: Pollutant({"Avg": value}, flag)},
        )
        for h in range(hours)
    )


def case(
    industry: str = "foundry",
    grade: str = "A",
    claims: tuple[str, ...] = ("energy_type.melting_energy",),
    *,
    main: bool = True,
    case_id: int = 1,
) -> CaseInput:
    return CaseInput(
        case_id=case_id,
        industry=industry,
        guide_version="MEE2020",
        claimed_grade=grade,
        main=main,
        scale=SCALE,
        claims=tuple(
            ClaimInput(case_id * 100 + n, code.split(".")[0], code) for n, code in enumerate(claims)
        ),
    )


def visit(
    team: dict[int, dict[str, Any]],
    *,
    forms: tuple[str, ...] = ("common", "foundry"),
    flow: float = 9_500.0,
    assignment_id: int = 1,
    start: dt.datetime = WINDOW_START,
    end: dt.datetime = WINDOW_END,
) -> VisitInput:
    """A visit where each inspector (id → answers) filed accepted inspections; production is
    attested normal unless the answers say otherwise."""
    return VisitInput(
        assignment_id=assignment_id,
        window_start=start,
        window_end=end,
        forms=tuple(get_form(f, 1) for f in forms),
        members=tuple(team),
        inspections=tuple(
            InspectionInput(
                doc_id=f"inspection:{assignment_id}-{inspector}",
                inspector_id=inspector,
                status="accepted",
                form_id="foundry",
                answers={"production_normal": True, **answers},
            )
            for inspector, answers in team.items()
        ),
        cems=hourly_flow(flow, start=start + dt.timedelta(hours=1)),
    )


def filing(
    cases: tuple[CaseInput, ...],
    visits: tuple[VisitInput, ...],
    *,
    policy: str = "each_industry",
    **kw: Any,
) -> FilingInputs:
    return FilingInputs(
        filing_id=7,
        year=2026,
        received_on=dt.date(2026, 7, 1),
        essential_service=kw.pop("essential_service", False),
        policy=policy,
        cases=cases,
        visits=visits,
        typical_flow={MN: TYPICAL_FLOW},
        on=dt.date(2026, 9, 10),
        **kw,
    )


def codes(steps: list[dict[str, Any]]) -> list[str]:
    return [s["code"] for s in steps]
