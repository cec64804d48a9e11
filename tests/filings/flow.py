"""Drive a filing through the API as the bureau does: receive, county review, city decision
(four eyes), withdraw, downgrade. Every step is an HTTP request on real SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

from server.accounts.models import Role, User
from tests.factories import foundry_case


@dataclass
class Bureau:
    client: FlaskClient
    login: Callable[[User], dict[str, str]]
    make_user: Callable[..., User]

    def __post_init__(self) -> None:
        self.admin = self.login(self.make_user(Role.admin))
        self.county = self.login(self.make_user(Role.county_reviewer, county="驿城区"))
        self.city = [self.login(self.make_user(Role.city_reviewer)) for _ in range(3)]

    def file(self, site_id: int, grade: str = "B", on: str = "2026-07-01", **kw: Any) -> Any:
        body = {
            "site_id": site_id,
            "year": int(on[:4]),
            "received_on": on,
            "cases": [foundry_case(grade)],
            **kw,
        }
        return self.client.post("/api/filings", json=body, headers=self.admin)

    def step(self, filing_id: int, action: str, headers: dict[str, str], **kw: Any) -> Any:
        return self.client.post(
            f"/api/filings/{filing_id}/transitions", json={"action": action, **kw}, headers=headers
        )

    def to_city(self, filing_id: int) -> None:
        for action in ("start_county_review", "forward"):
            assert self.step(filing_id, action, self.county).status_code == 201
        assert self.step(filing_id, "start_city_review", self.city[0]).status_code == 201

    def decide(self, filing_id: int, outcome: str = "grade_down", grade: str | None = "C") -> Any:
        """One city reviewer proposes, another confirms (S4 §三(三), four eyes)."""
        self.to_city(filing_id)
        codes = ["indicator_not_met"] if outcome == "grade_down" else ["documents_verified"]
        proposal = self.client.post(
            f"/api/filings/{filing_id}/decisions",
            json={"outcome": outcome, "grade": grade, "reason_codes": codes, "comment": "核查"},
            headers=self.city[0],
        )
        assert proposal.status_code == 201, proposal.json
        confirmed = self.client.post(
            f"/api/decisions/{proposal.json['id']}/confirmation", json={}, headers=self.city[1]
        )
        assert confirmed.status_code == 201, confirmed.json
        return confirmed

    def withdraw(self, filing_id: int) -> Any:
        return self.step(filing_id, "withdraw", self.county, reason="企业申请撤回")

    def downgrade(self, filing_id: int, grade: str, **kw: Any) -> Any:
        body = {
            "grade": grade,
            "check_kind": "routine_inspection",
            "reason": "日常检查发现车间地面有明显积尘（无组织排放不达标）",
            "evidence": "2026-10-12 日常检查记录 驿环检〔2026〕41号，现场照片6张",
            **kw,
        }
        return self.client.post(
            f"/api/filings/{filing_id}/downgrades", json=body, headers=self.city[2]
        )

    def grades(self, filing_id: int) -> Any:
        return self.client.get(f"/api/filings/{filing_id}/grades", headers=self.city[2])

    def settings(self, **kw: Any) -> Any:
        body = {"effective_from": "2025-01-01", "sampling_rate": "0.30", **kw}
        return self.client.post(
            "/api/jurisdictions/驻马店市/settings", json=body, headers=self.admin
        )
