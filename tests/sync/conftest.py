"""End-to-end sync harness: committed data, the web app on a real port, a real PouchDB tablet.

These tests cannot run inside a rolled-back transaction: the tablet (Node), the web app (a
thread) and the worker (a process) each see only what was committed. Each module therefore gets
a database of its own: a SQLite file, or a PostgreSQL schema of its own when TEST_DATABASE_URL
points at PostgreSQL.

The CouchDB may outlive the run (``TEST_COUCHDB_URL``) and holds one database per inspector,
named after the user id. So each module's user ids start at a random high offset (a fresh SQL
database would otherwise hand out 1, 2, … again and meet the previous run's
``inspector-<id>`` databases), and the module deletes the inspector databases it made.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from server.accounts.models import Role, User
from server.accounts.service import create_user
from server.api.scope import close_couch_clients
from server.app import create_app
from server.config import Settings
from server.db import make_engine, make_sessionmaker
from server.migrate import upgrade
from sync.contract import db_name
from sync.couch import CouchClient
from tests.factories import _PASSWORD_HASH, CITY, PASSWORD

NODE = shutil.which("node")
TABLET = Path(__file__).with_name("tablet.cjs")
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Live:
    """A running system: its database, CouchDB, and the web app's base URL."""

    database_url: str
    engine: Engine
    couch_url: str
    base_url: str
    tmp: Path

    def session(self) -> Session:
        return make_sessionmaker(self.engine)()

    def inspector(self, username: str | None = None) -> User:
        with self.session() as session:
            user = create_user(
                session,
                actor=None,
                username=username or f"insp-{uuid.uuid4().hex[:8]}",
                password_hash=_PASSWORD_HASH,
                display_name="Inspector",
                role=Role.inspector,
                city=CITY,
            )
            session.commit()
            return user

    def db_url(self, user: User) -> str:
        return f"{self.base_url}/sync/inspector-{user.id}"

    def tablet(self, user: User, steps: list[dict[str, Any]], name: str = "tablet") -> list[Any]:
        """Run ``steps`` on the named tablet of ``user`` (its local data persists per name)."""
        spec = {
            "url": self.db_url(user),
            "username": user.username,
            "password": PASSWORD,
            "dir": str(self.tmp / f"tablet-{user.id}"),
            "name": name,
            "steps": steps,
        }
        (self.tmp / f"tablet-{user.id}").mkdir(exist_ok=True)
        done = subprocess.run(
            [NODE or "node", str(TABLET)],
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)


USER_ID_OFFSETS = (10**6, 2 * 10**9)


def start_user_ids_high(engine: Engine) -> int:
    """Make the next user id a random high number; returns the offset.

    A placeholder user (inactive, in no city) holds the offset: SQLite hands out max(id) + 1,
    PostgreSQL's sequence is moved past it too.
    """
    offset = random.randrange(*USER_ID_OFFSETS)
    with make_sessionmaker(engine)() as session:
        session.add(
            User(
                id=offset,
                username=f"placeholder-{offset}",
                display_name="（测试占位账户）",  # shown on the admin page in the browser tests
                password_hash="!",
                role=Role.inspector,
                city="(none)",
                active=False,
            )
        )
        session.commit()
        if engine.dialect.name == "postgresql":
            session.execute(
                text("SELECT setval(pg_get_serial_sequence('users', 'id'), :n)"), {"n": offset}
            )
            session.commit()
    return offset


def delete_inspector_dbs(engine: Engine, couch_url: str) -> None:
    """Delete the CouchDB database of every user of this SQL database."""
    with make_sessionmaker(engine)() as session:
        ids = session.scalars(text("SELECT id FROM users")).all()
    with CouchClient(couch_url) as couch:
        for user_id in ids:
            couch.delete_db(db_name(user_id))


def fresh_database(base_url: str, tmp: Path) -> tuple[str, Engine, Any]:
    """A migrated, empty database and a function that removes it."""
    if not base_url.startswith("postgresql"):
        url = f"sqlite:///{tmp / 'live.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        start_user_ids_high(engine)
        return url, engine, engine.dispose
    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    upgrade(engine)
    start_user_ids_high(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return url, engine, drop


@pytest.fixture(scope="module")
def live(couch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    if NODE is None:
        pytest.skip("node is not installed")
    import os

    tmp = tmp_path_factory.mktemp("live")
    url, engine, drop = fresh_database(os.environ.get("TEST_DATABASE_URL", "sqlite://"), tmp)
    settings = Settings(
        database_url=url,
        couchdb_url=couch_url,
        media_root=tmp / "media",
        secret_key="live-test-secret",
    )
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(url, engine, couch_url, f"http://127.0.0.1:{server.server_port}", tmp)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["engine"].dispose()
        close_couch_clients(app)
        try:
            delete_inspector_dbs(engine, couch_url)
        finally:
            drop()
