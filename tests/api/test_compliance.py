"""Penalties and conflict declarations."""

from server.accounts.models import Role


def test_record_and_list_penalty(client, make_enterprise, make_user, login):
    enterprise = make_enterprise()
    headers = login(make_user(Role.county_reviewer))
    created = client.post(
        "/api/penalties",
        headers=headers,
        json={
            "enterprise_id": enterprise.id,
            "kind": "exceeded_permit_limits",
            "decided_on": "2026-02-03",
            "document_no": "驻环罚〔2026〕12号",
        },
    )
    assert created.status_code == 201
    listed = client.get(f"/api/penalties?enterprise_id={enterprise.id}", headers=headers)
    assert [row["kind"] for row in listed.json] == ["exceeded_permit_limits"]


def test_unknown_penalty_kind(client, make_enterprise, make_user, login):
    response = client.post(
        "/api/penalties",
        headers=login(make_user(Role.admin)),
        json={
            "enterprise_id": make_enterprise().id,
            "kind": "jaywalking",
            "decided_on": "2026-02-03",
        },
    )
    assert response.status_code == 422
    assert "kind" in response.json["errors"]["json"]


def test_inspector_declares_own_conflict_only(client, make_enterprise, make_user, login):
    enterprise = make_enterprise()
    inspector, other = make_user(Role.inspector), make_user(Role.inspector)
    headers = login(inspector)
    own = client.post(
        "/api/conflicts",
        headers=headers,
        json={
            "enterprise_id": enterprise.id,
            "kind": "third_party_service",
            "declared_on": "2026-05-01",
        },
    )
    assert own.status_code == 201
    assert own.json["user_id"] == inspector.id
    for_other = client.post(
        "/api/conflicts",
        headers=headers,
        json={
            "enterprise_id": enterprise.id,
            "user_id": other.id,
            "kind": "employment",
            "declared_on": "2026-05-01",
        },
    )
    assert for_other.status_code == 403
    mine = client.get("/api/conflicts", headers=headers)
    assert [row["user_id"] for row in mine.json] == [inspector.id]
