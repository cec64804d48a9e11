"""Issue 12 §8: headers and files. The pages and the API send a Content-Security-Policy with
no inline script, frame-ancestors 'none', nosniff and a Referrer-Policy; dossiers, photo pages
and pictures are not stored by caches; the templates hold no inline script, handler or style;
the session cookie is Secure unless configured off; the SQLite file, the secret key and the
media store are the service user's only. Swagger UI still works under its own policy in a
real browser."""

from __future__ import annotations

import os
import re
import shutil
import stat
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from server.accounts.models import Role
from server.accounts.service import create_user
from server.api.scope import close_couch_clients
from server.app import create_app
from server.config import Settings
from server.db import make_sessionmaker
from server.web.blueprint import HERE
from tests.evidence.conftest import make_visit, store, upload  # noqa: F401 (fixtures)
from tests.factories import CITY, PASSWORD
from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_inspector,
    move,
)
from tests.web.conftest import Pages, city_case  # noqa: F401 (fixtures)


def assert_secure_headers(response, *, cached: bool = False) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        [*part.split(" ", 1), ""][:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives.get("script-src") == "'self'", policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives.get("frame-ancestors") == "'none'"
    assert directives.get("object-src") == "'none'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "no-referrer"
    assert response.headers.get("X-Frame-Options") == "DENY"
    if not cached:
        assert "no-store" in response.headers.get("Cache-Control", "")


def test_pages_dossiers_photos_and_pictures_are_not_cached_or_framed(app, make_user, city_case):  # noqa: F811
    case = city_case()
    pages = Pages(app.test_client())
    assert_secure_headers(pages.get("/review/sign-in"))
    assert pages.sign_in(make_user(Role.city_reviewer)).status_code == 303
    photo = case.photo_ids[0]
    for path in (
        "/review/",
        f"/review/filings/{case.filing.id}",
        f"/review/photos/{photo}",
        f"/review/photos/{photo}/thumbnail.jpg",
        f"/review/photos/{photo}/preview.jpg",
        f"/review/photos/{photo}/original",
    ):
        with pages.get(path) as response:
            assert response.status_code == 200, path
            assert_secure_headers(response)
    with pages.get("/review/static/review.css") as css:
        assert_secure_headers(css, cached=True)
        assert "no-store" not in css.headers.get("Cache-Control", "")


def test_the_api_sends_the_same_headers(client, make_user, login, city_case):  # noqa: F811
    case = city_case()
    headers = login(make_user(Role.city_reviewer))
    for path in (
        "/api/users/me",
        f"/api/filings/{case.filing.id}",
        f"/api/photos/{case.photo_ids[0]}",
        f"/api/photos/{case.photo_ids[0]}/thumbnail",
    ):
        with client.get(path, headers=headers) as response:
            assert response.status_code == 200, (path, response.status_code)
            assert_secure_headers(response)
    assert_secure_headers(client.get("/api/filings"))  # a refusal too


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.I
)


def test_no_inline_script_handler_or_style_in_the_templates():
    offenders = {
        path.name: INLINE.findall(path.read_text())
        for path in (HERE / "templates").rglob("*.html")
        if INLINE.search(path.read_text())
    }
    assert offenders == {}


def test_rendered_pages_have_no_inline_style_or_script(app, make_user, city_case):  # noqa: F811
    case = city_case()
    pages = Pages(app.test_client())
    pages.sign_in(make_user(Role.city_reviewer))
    for path in (
        "/review/",
        f"/review/filings/{case.filing.id}",
        f"/review/photos/{case.photo_ids[0]}",
    ):
        html = pages.get(path).text
        assert not INLINE.search(html), (path, INLINE.findall(html))


def test_the_session_cookie_is_secure_unless_configured_off(
    app, db_connection, settings, make_user, monkeypatch
):
    user = make_user(Role.city_reviewer)
    cookie = Pages(app.test_client()).sign_in(user).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    monkeypatch.setenv("INSTANCE_PATH", str(Path(settings.media_root).parent / "instance"))
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    assert Settings.from_env().session_cookie_secure is False
    monkeypatch.delenv("SESSION_COOKIE_SECURE")
    assert Settings.from_env().session_cookie_secure is True


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_secret_key_and_media_are_the_service_users_only(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{instance / 'grading.sqlite3'}")
    monkeypatch.delenv("MEDIA_ROOT", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    settings = Settings.from_env()
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "grading.sqlite3") == 0o600
    assert mode(settings.media_root) == 0o700
    # files left readable by an older version are corrected at start-up
    (instance / "secret_key").chmod(0o644)
    (instance / "grading.sqlite3").chmod(0o644)
    settings.media_root.chmod(0o755)
    instance.chmod(0o755)
    Settings.from_env()
    assert mode(instance) == 0o700 and mode(settings.media_root) == 0o700
    assert mode(instance / "secret_key") == mode(instance / "grading.sqlite3") == 0o600


# --- Swagger UI and the sign-in page in a real browser -------------------------------------

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH")


@pytest.fixture
def served(tmp_path):
    from tests.sync.conftest import fresh_database

    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp_path)
    with make_sessionmaker(engine)() as session:
        create_user(
            session,
            actor=None,
            username="city-browser",
            password=PASSWORD,
            display_name="浏览器审核员",
            role=Role.city_reviewer,
            city=CITY,
        )
        session.commit()
    settings = Settings(
        database_url=url,
        couchdb_url="http://127.0.0.1:9",
        media_root=tmp_path / "media",
        secret_key="headers-browser-secret",
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["engine"].dispose()
        close_couch_clients(app)
        drop()


@pytest.mark.sql
@browser_only
def test_swagger_ui_and_the_pages_work_under_the_policy_in_a_browser(served):
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{served}/api/docs")
        page.wait_for_selector(".opblock-tag", timeout=20000)  # the operations, rendered
        assert page.locator(".opblock").count() > 10
        # The sign-in page: signing in works (Secure cookie on loopback), signing out ends it.
        page.goto(f"{served}/review/")
        page.fill("input[name=username]", "city-browser")
        page.fill("input[name=password]", "wrong-password-1")
        page.click("form button[type=submit]")
        assert "用户名或密码错误" in page.content()
        page.fill("input[name=password]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(f"{served}/review/")
        cookies = page.context.cookies()
        [session_cookie] = [c for c in cookies if c["name"] == "review_session"]
        page.click("nav form button[type=submit]")
        page.wait_for_url("**/review/sign-in")
        page.context.add_cookies([session_cookie])  # the old cookie, replayed
        page.goto(f"{served}/review/")
        assert "/review/sign-in" in page.url
        browser.close()
        assert violations == []
