"""Test harness: real databases, migrated by Alembic, each test in a rolled-back transaction.

SQL tests run on SQLite by default; set TEST_DATABASE_URL (``make test`` does, for the
PostgreSQL at 127.0.0.1:5432) to run them on PostgreSQL. A test that asks for the database is
marked ``sql`` automatically, so ``pytest -m sql`` selects exactly those.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from server.api.scope import close_couch_clients
from server.app import create_app
from server.config import Settings
from server.db import make_engine
from server.migrate import upgrade

pytest_plugins = ["tests.plugins.couch", "tests.factories"]

SQL_FIXTURES = {"db_engine", "db_connection", "session", "app", "client", "live"}
# A port nothing listens on: API tests that do not need CouchDB get a clear "unreachable".
NO_COUCHDB = "http://127.0.0.1:9"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if SQL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.sql)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    if not database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    # A schema of its own per run, so runs sharing one PostgreSQL database cannot collide;
    # the migrations build everything in it, and it is dropped at the end.
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(database_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(database_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_connection(db_engine: Engine) -> Iterator[Connection]:
    connection = db_engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


def _session_on(connection: Connection) -> Session:
    # Commits inside (the request scope's) release a savepoint; the test's rollback undoes all.
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(db_connection: Connection) -> Iterator[Session]:
    session = _session_on(db_connection)
    yield session
    session.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        couchdb_url=NO_COUCHDB,
        media_root=tmp_path / "media",
        secret_key="test-secret-key-not-for-production",
    )


@pytest.fixture
def app(settings: Settings, db_connection: Connection) -> Iterator[Flask]:
    app = create_app(settings, session_factory=lambda: _session_on(db_connection))
    yield app
    close_couch_clients(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
