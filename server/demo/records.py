"""The demo city's records: plain dataclasses the generator fills and the loader reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from server.demo import vocabulary as vocab
from server.demo.vocabulary import COUNTIES


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str  # a server.accounts.models.Role value
    county: str | None
    display_name: str
    blacklisted: bool = False


@dataclass
class DemoCase:
    guide_version: str
    industry_code: str
    claimed_grade: str
    is_main: bool
    claims: list[dict[str, Any]]

    def as_input(self) -> dict[str, Any]:
        """The shape ``receive_filing`` takes."""
        return {
            "guide_version": self.guide_version,
            "industry_code": self.industry_code,
            "claimed_grade": self.claimed_grade,
            "is_main": self.is_main,
            "claims": self.claims,
        }


@dataclass
class DemoFiling:
    year: int
    received_on: dt.date
    supplement_on: dt.date | None
    essential_service: bool
    cases: list[DemoCase]


@dataclass
class DemoSite:
    name: str
    address: str
    datum: str
    boundary: list[Any]
    lines: list[dict[str, Any]]
    cems_points: list[dict[str, Any]]
    gates: list[dict[str, Any]]
    filing: DemoFiling


@dataclass
class DemoEnterprise:
    name: str
    credit_code: str
    county: str
    sites: list[DemoSite]


@dataclass
class DemoPenalty:
    enterprise: int  # index into DemoCity.enterprises
    kind: str  # a server.compliance.models.PenaltyKind value
    decided_on: dt.date
    document_no: str
    description: str


@dataclass
class DemoIntegrityRecord:
    enterprise: int
    recorded_on: dt.date
    reason: str


@dataclass
class DemoConflict:
    username: str
    enterprise: int
    kind: str  # a server.compliance.models.ConflictKind value
    declared_on: dt.date
    description: str


@dataclass
class DemoCity:
    city: str
    seed: int
    counties: list[str]
    accounts: list[DemoAccount]
    enterprises: list[DemoEnterprise] = field(default_factory=list)
    penalties: list[DemoPenalty] = field(default_factory=list)
    integrity_records: list[DemoIntegrityRecord] = field(default_factory=list)
    conflicts: list[DemoConflict] = field(default_factory=list)


def demo_account_list() -> list[DemoAccount]:
    """Every demo account: one per role at least, a county reviewer for each county."""
    accounts = [DemoAccount("admin", "admin", None, "系统管理员")]
    accounts += [DemoAccount(f"city{i}", "city_reviewer", None, f"市局审核员{i}") for i in (1, 2)]
    accounts += [
        DemoAccount(f"county-{c.slug}", "county_reviewer", c.name, f"{c.name}审核员")
        for c in COUNTIES
    ]
    for i in range(1, 13):
        # The first six belong to a county's team; the rest work city-wide.
        county = COUNTIES[i - 1].name if i <= len(COUNTIES) else None
        accounts.append(DemoAccount(f"inspector{i:02d}", "inspector", county, _person(i)))
    # Rule 9 (S1 §(九)): a blacklisted expert may not review at all.
    accounts.append(DemoAccount("expert-blacklisted", "inspector", None, _person(13), True))
    return accounts


def _person(i: int) -> str:
    surname = vocab.SURNAMES[i % len(vocab.SURNAMES)]
    given = vocab.GIVEN_NAMES[(i * 7) % len(vocab.GIVEN_NAMES)]
    return f"{surname}{given}（核查员）"
