"""The live server the workbench browser tests drive: the demo city (no media), a preparation of
their own done through the domain services, the real app on a loopback port, and Chromium.

Shared by tests/web/test_workbench_county.py and tests/web/test_workbench_city.py, each with
one module-scoped server (see tests/web/test_browser.py for the pattern).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server.api.scope import close_couch_clients
from server.app import create_app
from server.config import Settings
from server.db import make_sessionmaker
from server.demo.load import DEMO_PASSWORD, load_demo_city
from tests.sync.conftest import fresh_database

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A machine code in visible text: "gates.G01.gate_photo", "geo.outside_boundary" (issue 16).
RAW_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


@dataclass
class LiveSite:
    base_url: str
    engine: Engine
    prepared: Any

    def session(self) -> Session:
        return make_sessionmaker(self.engine)()


@contextmanager
def live_site(tmp: Path, prepare: Callable[[Session], Any]) -> Iterator[LiveSite]:
    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp)
    with make_sessionmaker(engine)() as session:
        load_demo_city(session, plants=60)
        prepared = prepare(session)
        session.commit()
    settings = Settings(
        database_url=url,
        couchdb_url="http://127.0.0.1:9",
        media_root=tmp / "media",
        secret_key="workbench-browser-secret",
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveSite(f"http://127.0.0.1:{server.server_port}", engine, prepared)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["engine"].dispose()
        close_couch_clients(app)
        drop()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, site: LiveSite, username: str) -> None:
    page.goto(f"{site.base_url}/review/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{site.base_url}/review/")


def no_raw_codes(page: Any) -> None:
    """Fail on a machine code in the page's visible text."""
    visible = page.locator("body").inner_text()
    found = RAW_CODE.findall(visible)
    assert not found, f"{page.url} shows codes: {found}"


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
