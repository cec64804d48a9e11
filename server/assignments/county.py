"""The county's own on-site check before it forwards a filing (S4 §三(二)).

S4 §三(二) 县级初审: "…并对申报绩效A级、B级和引领性的企业进行现场核查" — in its review the
county checks on site every applicant for A, B (含B-, S4 §二(一)) or leading. That check is not
drawn: the draw is the city's (S4 §三(三)), over filings the county has forwarded. So a filing in
county review may get an assignment without a draw when its main industry claims one of those
grades, made by a reviewer of the plant's own county (or an admin), with the same team rules as
every assignment. It is recorded with the reason ``county_check``.

It does not count as the city's visit. S4 §三(三) gives the city its own duty: "对申报绩效A级和
引领性的企业100%开展现场核查，对申报绩效B级企业按不低于30%的抽查比例开展现场核查"; nothing in
the notices lets the county's check stand in for it. The reconciliation therefore grades from
the city's visits only (``CITY_REASONS``), and a filing drawn by the city gets its own visit.
The county's check stays in the filing's record (assignments, inspections, audit).
"""

from __future__ import annotations

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.assignments.errors import CountyCheckRefused
from server.errors import Forbidden
from server.filings.models import Filing
from server.sampling.draw import FULL_CHECK, FULL_CHECK_GRADES, SAMPLED, SAMPLED_GRADES

COUNTY_CHECK = "county_check"
# A+ (MEE26) is chosen from A plants and advanced is Henan's leading level (S0): both are at
# least "A级、B级和引领性".
COUNTY_CHECK_GRADES = FULL_CHECK_GRADES | SAMPLED_GRADES
# The visits that are the city's on-site verification (S4 §三(三)).
CITY_REASONS = frozenset({FULL_CHECK, SAMPLED})


def county_check_basis(actor: Actor, filing: Filing) -> tuple[None, str]:
    """(no draw, ``county_check``) for a filing in county review whose main industry claims A,
    B or leading, asked by a county reviewer of its county or an admin.

    Raises Forbidden (a city reviewer: the county checks in its own review), CountyCheckRefused
    (a grade the county does not check on site).
    """
    if not actor.is_admin and actor.role is not Role.county_reviewer:
        raise Forbidden(
            f"申报 {filing.id} 仍在县级初审中，县级现场核查由属地县（市、区）生态环境分局安排"
            "（S4 §三(二)）；市级现场核查在县级报送后进行。 / Filing "
            f"{filing.id} is still in county review: the county's on-site check is planned by "
            "the plant's county bureau (S4 §三(二)); the city's own check comes after the "
            "county forwards the filing."
        )
    main = next(case for case in filing.cases if case.is_main)
    if main.claimed_grade not in COUNTY_CHECK_GRADES:
        raise CountyCheckRefused(
            f"申报 {filing.id} 的主行业申报 {main.claimed_grade} 级；县级现场核查针对申报 A 级、"
            "B 级（含 B-）和引领性的企业（S4 §三(二)）。 / Filing "
            f"{filing.id} claims {main.claimed_grade} for its main industry; the county checks "
            "on site the applicants for A, B (incl. B-) and leading (S4 §三(二)).",
            errors={"filing_id": ["the county checks A, B (incl. B-) and leading applicants"]},
        )
    return None, COUNTY_CHECK
