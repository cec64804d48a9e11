"""Issue 12 §6: brute force. Wrong passwords are throttled per account and per address at
every door (API token, gateway basic auth, sign-in page): growing waits, then a temporary
lock-out with a clear message and Retry-After, before any hash check; the counts are in SQL
(another worker sees them), each failure and lock-out is audited, and the lock-out ends."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from server import clock
from server.accounts.models import Role
from server.app import create_app
from server.audit.models import AuditEvent
from server.config import SignInLimits
from tests.conftest import _session_on
from tests.factories import PASSWORD
from tests.web.conftest import Pages

TOKEN = "/api/auth/token"


class Clock:
    """``server.clock.now``, moved by the test instead of sleeping."""

    def __init__(self) -> None:
        self.at = dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += dt.timedelta(seconds=seconds)


@pytest.fixture
def now(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    return fake


def token(client, username, password, address="198.51.100.7"):
    return client.post(
        TOKEN,
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_forty_wrong_passwords_lock_the_account_then_the_right_one_is_refused(
    client, session, make_user, now
):
    user = make_user(Role.city_reviewer)
    answers = [token(client, user.username, f"guess-{i:04d}").status_code for i in range(40)]
    assert answers[:4] == [401] * 4  # a few free failures
    assert set(answers[4:]) == {429}  # then every attempt must wait, unchecked
    right = token(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert right.json["code"] == "auth.throttled"
    assert int(right.headers["Retry-After"]) >= 1
    assert "请等待" in right.json["message"] and "wait" in right.json["message"]
    assert len(events(session, "auth.sign_in_failed")) == 4  # only the checked ones count


def test_growing_waits_then_a_lock_out_that_ends(client, session, make_user, now):
    user = make_user(Role.city_reviewer)
    waits, counted = [], 0
    while counted < 10:
        response = token(client, user.username, f"guess-{counted:04d}")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            now.advance(waits[-1])
        else:
            assert response.status_code == 401, response.json
            counted += 1
    assert waits == [2, 4, 8, 16, 32, 60]  # growing waits (at most a minute) ...
    locked = token(client, user.username, PASSWORD)  # ... then locked out, the right one too
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) == 900
    assert "锁定" in locked.json["message"] and "locked" in locked.json["message"]
    [lock] = events(session, "auth.locked_out")
    assert lock.subject_id == user.id and lock.data["kind"] == "account"
    failures = events(session, "auth.sign_in_failed")
    assert len(failures) == 10
    assert failures[-1].data["door"] == "api" and failures[-1].data["address"] == "198.51.100.7"
    # from another address: still locked (temporary), then free once the lock-out ends
    assert token(client, user.username, PASSWORD, address="203.0.113.9").status_code == 429
    now.advance(900)
    assert token(client, user.username, PASSWORD, address="203.0.113.9").status_code == 200
    assert token(client, user.username, "guess-again").status_code == 401  # counts anew


def test_one_address_trying_many_accounts_is_locked_out(db_connection, settings, make_user, now):
    # smaller limits than the default 10 free and 30 to the lock-out, so fewer hash checks
    limits = SignInLimits(lock_after=3, address_lock_after=6)
    app = create_app(
        replace(settings, sign_in=limits), session_factory=lambda: _session_on(db_connection)
    )
    client = app.test_client()
    user = make_user(Role.city_reviewer)
    counted, i = 0, 0
    while counted < limits.address_lock_after:
        i += 1
        response = token(client, f"someone-{i}", "guess-password")
        if response.status_code == 429:
            assert i > limits.lock_after  # free failures for an address (an office behind it)
            now.advance(int(response.headers["Retry-After"]))
        else:
            counted += 1
    blocked = token(client, user.username, PASSWORD)
    assert blocked.status_code == 429 and "address" in blocked.json["message"]
    assert token(client, user.username, PASSWORD, address="203.0.113.9").status_code == 200


def test_an_unknown_account_is_throttled_like_a_real_one(client, make_user, now):
    user = make_user(Role.city_reviewer)
    real = [token(client, user.username, "x" * 12).status_code for _ in range(6)]
    ghost = [token(client, "ghost", "x" * 12, address="192.0.2.1").status_code for _ in range(6)]
    assert real == ghost


def test_the_same_wrong_password_again_is_not_another_guess(client, make_user, now):
    user = make_user(Role.inspector)
    answers = [token(client, user.username, "old-password-1").status_code for _ in range(20)]
    assert answers == [401] * 20  # a tablet retrying its old password locks nobody out
    assert token(client, user.username, PASSWORD).status_code == 200


def test_another_worker_sees_the_lock_out(app, client, db_connection, settings, make_user, now):
    user = make_user(Role.city_reviewer)
    for _ in range(5):
        token(client, user.username, f"guess-{_}")
    other = create_app(settings, session_factory=lambda: _session_on(db_connection))
    assert token(other.test_client(), user.username, PASSWORD).status_code == 429


def basic(username, password):
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def test_the_gateway_basic_auth_is_throttled_and_never_caches_a_failure(
    client, session, make_user, now
):
    user = make_user(Role.inspector)
    answers = [
        client.get("/sync/", headers=basic(user.username, f"guess-{i:04d}")).status_code
        for i in range(40)
    ]
    assert answers[:4] == [401] * 4 and set(answers[4:]) == {429}
    right = client.get("/sync/", headers=basic(user.username, PASSWORD))
    assert right.status_code == 429 and int(right.headers["Retry-After"]) >= 1
    assert {e.data["door"] for e in events(session, "auth.sign_in_failed")} == {"gateway"}
    now.advance(900)
    # past the check: CouchDB (none in these tests) is what answers now
    assert client.get("/sync/", headers=basic(user.username, PASSWORD)).status_code == 503


def test_the_sign_in_page_is_throttled_with_a_message(client, session, make_user, now):
    user = make_user(Role.city_reviewer)
    pages = Pages(client)
    answers = [pages.sign_in(user, f"guess-{i:04d}").status_code for i in range(12)]
    assert answers[:4] == [401] * 4 and set(answers[4:]) == {429}
    page = pages.sign_in(user)
    assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
    assert "密码错误次数过多" in page.text
    english = pages.post("/review/sign-in?lang=en", {"username": user.username, "password": "x"})
    assert "Too many wrong passwords" in english.text
    assert {e.data["door"] for e in events(session, "auth.sign_in_failed")} == {"web"}
    now.advance(900)
    assert pages.sign_in(user).status_code == 303


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short-pw1", "at least 10"), ("1qaz2wsx3edc", "too common"), ("qwertyuiop", "too common")],
)
def test_weak_passwords_are_refused_where_a_password_is_set(
    client, make_user, login, password, reason
):
    admin = login(make_user(Role.admin))
    body = {
        "username": "new-reviewer",
        "display_name": "新审核员",
        "role": "city_reviewer",
        "city": "驻马店市",
        "password": password,
    }
    created = client.post("/api/users", json=body, headers=admin)
    assert created.status_code == 422, created.json
    assert created.json["code"] == "password.weak"
    assert reason in created.json["errors"]["password"][0]
    target = make_user(Role.inspector)
    reset = client.post(
        f"/api/users/{target.id}/password-reset", json={"new_password": password}, headers=admin
    )
    assert reset.status_code == 422 and reset.json["code"] == "password.weak"
    body["password"] = "new-reviewer"  # the username itself
    assert client.post("/api/users", json=body, headers=admin).status_code == 422
    body["password"] = "三只小猫在河边钓鱼呢"  # ten characters, uncommon
    assert client.post("/api/users", json=body, headers=admin).status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    db_connection, settings, make_user, now
):
    """TRUSTED_PROXIES=1: the address the proxy saw is throttled, not the proxy's own; with no
    trusted proxy a forged X-Forwarded-For changes nothing."""
    limits = SignInLimits(lock_after=50, address_lock_after=4)

    def attempts(trusted: int) -> list[int]:
        app = create_app(
            replace(settings, sign_in=limits, trusted_proxies=trusted),
            session_factory=lambda: _session_on(db_connection),
        )
        client = app.test_client()
        codes = []
        for i in range(12):
            response = client.post(
                TOKEN,
                json={"username": f"nobody-{trusted}-{i}", "password": "guess-password"},
                environ_base={"REMOTE_ADDR": "10.0.0.2"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            )
            codes.append(response.status_code)
        return codes

    assert 429 not in attempts(1)  # twelve clients behind one proxy, a guess each
    assert 429 in attempts(0)  # forged headers ignored: one address, locked out
