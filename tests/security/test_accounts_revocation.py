"""Issue 12 §7: accounts can be disabled and sign-ins revoked. Deactivation, a password reset
and a password change each end the user's API tokens, gateway credentials (cached ones too,
with no grace period) and page sessions at once; signing out ends the page session on the
server, so a replayed cookie no longer works. Who may is checked; each change is audited."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from server.accounts.actor import Actor
from server.accounts.models import Role
from server.accounts.service import set_active
from server.audit.models import AuditEvent
from server.errors import Forbidden
from tests.factories import PASSWORD
from tests.web.conftest import Pages

NEW_PASSWORD = "蓝色的河流流向远方2026"


def basic(username, password):
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def gateway_accepts(client, username, password) -> bool:
    """Past the credential check (no CouchDB in these tests: it answers 503 then)."""
    status = client.get("/sync/", headers=basic(username, password)).status_code
    assert status in (401, 503), status
    return status == 503


def audit(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def admin_headers(make_user, login):
    return login(make_user(Role.admin))


def test_deactivation_ends_everything_at_once_and_reactivation_restores(
    client, app, session, make_user, login, admin_headers
):
    user = make_user(Role.city_reviewer)
    headers = login(user)
    assert gateway_accepts(client, user.username, PASSWORD)  # now cached
    pages = Pages(app.test_client())
    assert pages.sign_in(user).status_code == 303
    assert pages.get("/review/").status_code == 200

    response = client.post(f"/api/users/{user.id}/deactivation", headers=admin_headers)
    assert response.status_code == 200 and response.json["active"] is False
    assert client.get("/api/users/me", headers=headers).status_code == 401
    assert not gateway_accepts(client, user.username, PASSWORD)
    assert pages.get("/review/").status_code == 303  # sent to sign in
    assert pages.sign_in(user).status_code == 401
    assert (
        client.post(
            "/api/auth/token", json={"username": user.username, "password": PASSWORD}
        ).status_code
        == 401
    )
    [event] = audit(session, "user.deactivated")
    assert event.subject_id == user.id and event.data["sessions_ended"] == 1

    assert client.post(f"/api/users/{user.id}/activation", headers=admin_headers).status_code == 200
    assert client.get("/api/users/me", headers=headers).status_code == 401  # still revoked
    assert client.get("/api/users/me", headers=login(user)).status_code == 200
    assert gateway_accepts(client, user.username, PASSWORD)
    assert len(audit(session, "user.activated")) == 1


def test_a_password_reset_revokes_and_the_cached_old_password_stops(
    client, session, make_user, login, admin_headers
):
    user = make_user(Role.inspector)
    headers = login(user)
    assert gateway_accepts(client, user.username, PASSWORD)  # cached in this process
    reset = client.post(
        f"/api/users/{user.id}/password-reset",
        json={"new_password": NEW_PASSWORD},
        headers=admin_headers,
    )
    assert reset.status_code == 200, reset.json
    assert client.get("/api/users/me", headers=headers).status_code == 401
    assert not gateway_accepts(client, user.username, PASSWORD)
    assert gateway_accepts(client, user.username, NEW_PASSWORD)
    assert [e.subject_id for e in audit(session, "user.password_reset")] == [user.id]


def test_changing_ones_own_password_needs_the_current_one_and_revokes(
    client, session, make_user, login
):
    user = make_user(Role.city_reviewer)
    headers = login(user)
    assert gateway_accepts(client, user.username, PASSWORD)
    wrong = client.post(
        "/api/users/me/password",
        json={"current_password": "not-my-password", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 401 and wrong.json["code"] == "password.wrong_current"
    assert len(audit(session, "auth.sign_in_failed")) == 1  # throttled like a sign-in
    weak = client.post(
        "/api/users/me/password",
        json={"current_password": PASSWORD, "new_password": "password123"},
        headers=headers,
    )
    assert weak.status_code == 422 and weak.json["code"] == "password.weak"
    changed = client.post(
        "/api/users/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 200, changed.json
    assert client.get("/api/users/me", headers=headers).status_code == 401
    assert not gateway_accepts(client, user.username, PASSWORD)
    fresh = client.post(
        "/api/auth/token", json={"username": user.username, "password": NEW_PASSWORD}
    )
    assert fresh.status_code == 200
    assert len(audit(session, "user.password_changed")) == 1


def test_only_admins_administer_accounts_and_not_themselves(
    client, session, make_user, login, admin_headers
):
    target = make_user(Role.inspector)
    for role in (Role.city_reviewer, Role.county_reviewer, Role.inspector):
        headers = login(make_user(role))
        for path, body in (
            (f"/api/users/{target.id}/deactivation", None),
            (f"/api/users/{target.id}/activation", None),
            (f"/api/users/{target.id}/password-reset", {"new_password": NEW_PASSWORD}),
        ):
            assert client.post(path, json=body, headers=headers).status_code == 403, (role, path)
    me = client.get("/api/users/me", headers=admin_headers).json["id"]
    own = client.post(f"/api/users/{me}/deactivation", headers=admin_headers)
    assert own.status_code == 403 and own.json["code"] == "user.change_refused"
    assert client.post("/api/users/999999/deactivation", headers=admin_headers).status_code == 404
    reviewer = Actor.of(make_user(Role.city_reviewer))
    with pytest.raises(Forbidden):  # the service checks, not only the view
        set_active(session, actor=reviewer, user_id=target.id, active=False)


def test_signing_out_ends_the_session_on_the_server(app, make_user):
    user = make_user(Role.city_reviewer)
    browser = Pages(app.test_client())
    assert browser.sign_in(user).status_code == 303
    assert browser.get("/review/").status_code == 200
    cookie = browser.client.get_cookie("review_session", path="/review")
    assert cookie is not None
    old = cookie.value
    assert browser.sign_out().status_code == 303
    thief = app.test_client()
    thief.set_cookie("review_session", old, path="/review")
    replayed = thief.get("/review/")
    assert replayed.status_code == 303 and "/review/sign-in" in replayed.headers["Location"]
    assert browser.get("/review/").status_code == 303
