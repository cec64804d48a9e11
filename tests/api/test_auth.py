"""Sign-in, tokens and who may see what."""

from sqlalchemy import func, select

from server.accounts.models import Role
from server.audit.models import AuditEvent
from tests.factories import OTHER_COUNTY, PASSWORD


def test_token_then_me(client, make_user, login):
    user = make_user(Role.city_reviewer)
    response = client.get("/api/users/me", headers=login(user))
    assert response.status_code == 200
    assert response.json["username"] == user.username
    assert "password_hash" not in response.json


def test_password_is_stored_hashed(make_user):
    user = make_user(Role.inspector)
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_token_by_oauth2_password_form(client, make_user):
    user = make_user(Role.admin)
    response = client.post(
        "/api/auth/token",
        data={"grant_type": "password", "username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 200
    assert response.json["token_type"] == "bearer"


def test_wrong_password_and_unknown_user_look_the_same(client, make_user):
    user = make_user(Role.admin)
    wrong = client.post(
        "/api/auth/token", json={"username": user.username, "password": "nope-nope"}
    )
    unknown = client.post("/api/auth/token", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_missing_credentials_name_the_fields(client):
    response = client.post("/api/auth/token", json={})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"username", "password"}


def test_no_token_is_401_everywhere(client):
    for path in (
        "/api/filings",
        "/api/enterprises",
        "/api/sites",
        "/api/users/me",
        "/api/penalties",
        "/api/conflicts",
        "/api/guides",
    ):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json["code"] == "auth.required"


def test_forged_and_revoked_tokens(client, session, make_user, login):
    user = make_user(Role.admin)
    headers = login(user)
    forged = {"Authorization": headers["Authorization"][:-2] + "xx"}
    assert client.get("/api/users/me", headers=forged).status_code == 401
    user.token_generation += 1
    session.flush()
    response = client.get("/api/users/me", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json["message"]


def test_inspector_cannot_read_the_registry(client, make_user, login):
    inspector = make_user(Role.inspector)
    response = client.get("/api/filings", headers=login(inspector))
    assert response.status_code == 403


def test_only_admin_creates_users(client, session, make_user, login):
    reviewer = make_user(Role.city_reviewer)
    before = session.scalar(select(func.count(AuditEvent.id)))
    body = {
        "username": "new-one",
        "display_name": "N",
        "role": "inspector",
        "city": "驻马店市",
        "password": "long enough",
    }
    assert client.post("/api/users", json=body, headers=login(reviewer)).status_code == 403
    assert session.scalar(select(func.count(AuditEvent.id))) == before
    admin = make_user(Role.admin)
    created = client.post("/api/users", json=body, headers=login(admin))
    assert created.status_code == 201
    again = client.post("/api/users", json=body, headers=login(admin))
    assert again.status_code == 409
    assert again.json["code"] == "user.duplicate"


def test_county_reviewer_needs_a_county(client, make_user, login):
    admin = make_user(Role.admin)
    body = {
        "username": "cr",
        "display_name": "C",
        "role": "county_reviewer",
        "city": "驻马店市",
        "password": "long enough",
    }
    response = client.post("/api/users", json=body, headers=login(admin))
    assert response.status_code == 422
    assert response.json["errors"] == {"county": ["required for this role"]}
    body["county"] = OTHER_COUNTY
    assert client.post("/api/users", json=body, headers=login(admin)).status_code == 201
