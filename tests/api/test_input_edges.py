"""What the OpenAPI fuzzer found (issue 13 §4): no 500 for a big number, a control character,
a wrong method, ``If-Match: *`` or an empty PATCH."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from sqlalchemy import func, select

from server.accounts.models import Role
from server.audit.models import AuditEvent

HUGE = 2**63  # past what SQLite stores (PostgreSQL ids stop at 2**31 - 1)
HUGER = 10**30


def test_huge_ids_in_paths_are_not_found(client: Any, make_user: Any, login: Any) -> None:
    headers = login(make_user(Role.admin))
    for path in (
        f"/api/filings/{HUGE}",
        f"/api/enterprises/{HUGER}",
        f"/api/sites/{HUGE}",
        f"/api/filings/{HUGE}/reconciliation",
        f"/api/photos/{HUGE}",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, (path, response.status_code)
        assert response.json["code"] == "not_found"
    assert client.get(f"/api/filings/{2**63 - 1}", headers=headers).status_code == 404


def test_huge_numbers_in_queries_and_bodies_are_refused_by_name(
    client: Any, make_user: Any, login: Any, make_enterprise: Any
) -> None:
    headers = login(make_user(Role.admin))
    for path, name in (
        (f"/api/filings?page={HUGE}", "page"),
        (f"/api/enterprises?page={HUGER}", "page"),
        (f"/api/filings?page=1&page_size={HUGE}", "page_size"),
        (f"/api/penalties?enterprise_id={HUGE}", "enterprise_id"),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 422, (path, response.status_code)
        assert name in response.json["errors"]["query"], response.json
    response = client.post(
        "/api/penalties",
        headers=headers,
        json={"enterprise_id": HUGE, "kind": "downgraded", "decided_on": "2026-05-01"},
    )
    assert response.status_code == 422
    assert "enterprise_id" in response.json["errors"]["json"]


def test_control_characters_are_refused_in_names_and_codes(
    client: Any, make_user: Any, login: Any, make_enterprise: Any, session: Any
) -> None:
    headers = login(make_user(Role.admin))
    enterprise = make_enterprise()
    etag = client.get(f"/api/enterprises/{enterprise.id}", headers=headers).headers["ETag"]
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    for bad in ("铸造\x00厂", "铸造\x1b厂", "铸造\n厂"):
        response = client.patch(
            f"/api/enterprises/{enterprise.id}",
            headers={**headers, "If-Match": etag},
            json={"name": bad},
        )
        assert response.status_code == 422, (bad, response.status_code)
        assert "name" in response.json["errors"]["json"]
        assert "control" in str(response.json) or "one line" in str(response.json)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_control_character_already_stored_does_not_break_the_xlsx(
    client: Any, make_user: Any, login: Any, make_filing: Any, session: Any
) -> None:
    filing = make_filing()
    filing.site.enterprise.name = "旧数据\x07铸造厂"  # came in before input was checked
    session.flush()
    response = client.get("/api/exports/results.xlsx", headers=login(make_user(Role.admin)))
    assert response.status_code == 200
    data = response.data
    response.close()
    book = openpyxl.load_workbook(io.BytesIO(data))
    names = [row[2] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "旧数据\ufffd铸造厂" in names


def test_405_says_which_methods_are_allowed(client: Any, make_user: Any, login: Any) -> None:
    response = client.delete("/api/filings", headers=login(make_user(Role.admin)))
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_if_match_star_does_not_pass_the_lost_update_check(
    client: Any, make_user: Any, login: Any, make_filing: Any
) -> None:
    headers = login(make_user(Role.admin))
    filing = make_filing()
    response = client.patch(
        f"/api/filings/{filing.id}",
        headers={**headers, "If-Match": "*"},
        json={"essential_service": True},
    )
    assert response.status_code == 428
    assert "ETag" in response.json["message"]
    assert client.get(f"/api/filings/{filing.id}", headers=headers).json["essential_service"] is (
        filing.essential_service
    )


def test_an_empty_patch_changes_nothing(
    client: Any, make_user: Any, login: Any, make_filing: Any, session: Any
) -> None:
    headers = login(make_user(Role.admin))
    filing = make_filing()
    site = filing.site
    for path in (
        f"/api/filings/{filing.id}",
        f"/api/sites/{site.id}",
        f"/api/enterprises/{site.enterprise.id}",
    ):
        got = client.get(path, headers=headers)
        before = session.scalar(select(func.count()).select_from(AuditEvent))
        response = client.patch(path, headers={**headers, "If-Match": got.headers["ETag"]}, json={})
        assert response.status_code == 200, (path, response.json)
        assert response.headers["ETag"] == got.headers["ETag"], path
        assert response.json == got.json
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before, path
