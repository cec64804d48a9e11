"""Issue 12, finding 5: nobody reaches the local CouchDB without its credentials.

``make run`` starts PouchDB Server as the CouchDB. It used to run in "admin party" with CORS
open to any origin, so a document planted with no credentials was ingested as an inspector's
evidence. Now the run command gives it an admin (random password under ``instance/``, mode
0600, never printed), switches CORS off, and the app refuses to start against an open CouchDB
outside development and reports one in ``/api/health``.
"""

from __future__ import annotations

import stat
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from devtools import run
from devtools.pouchdb import start_pouchdb
from server.api.scope import close_couch_clients
from server.app import create_app
from server.couch_safety import UnsafeCouchDBError
from sync.couch import CouchClient
from sync.provision import ensure_inspector_db

pytestmark = pytest.mark.couch

EVIL_ORIGIN = "http://evil.example"


def _planted(user_id: int) -> dict[str, object]:
    return {
        "_id": f"inspection:planted-{user_id}",
        "type": "inspection",
        "schema_version": 1,
        "owner": f"user:{user_id}",
        "status": "submitted",
    }


@pytest.fixture
def run_couch(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The CouchDB exactly as the run command starts it, and what it printed."""
    instance = tmp_path / "instance"
    instance.mkdir()
    server = run.start_local_couchdb(instance, None)
    try:
        yield server, instance, capsys.readouterr().out
    finally:
        server.stop()


def test_run_command_couchdb_refuses_anonymous_writes_and_reads(run_couch) -> None:
    server, _instance, _printed = run_couch
    with CouchClient(server.admin_url) as admin:
        db = ensure_inspector_db(admin, 7)
    anonymous = requests.Session()
    anonymous.trust_env = False
    base = server.url
    put = anonymous.put(f"{base}/{db}/inspection:planted-7", json=_planted(7), timeout=10)
    assert put.status_code == 401
    bulk = anonymous.post(f"{base}/{db}/_bulk_docs", json={"docs": [_planted(7)]}, timeout=10)
    assert bulk.status_code == 401 or all("error" in row for row in bulk.json())
    assert anonymous.get(f"{base}/{db}/_all_docs", timeout=10).status_code == 401
    assert anonymous.get(f"{base}/{db}/_changes", timeout=10).status_code == 401
    assert anonymous.get(f"{base}/_config", timeout=10).status_code == 401
    with CouchClient(server.admin_url) as admin:
        assert admin.changes(db)["results"] == []  # nothing was planted
        assert admin.exposure() == "ok"


def test_run_command_couchdb_lets_no_web_origin_in(run_couch) -> None:
    server, _instance, _printed = run_couch
    simple = requests.get(f"{server.url}/", headers={"Origin": EVIL_ORIGIN}, timeout=10)
    assert "Access-Control-Allow-Origin" not in simple.headers
    preflight = requests.options(
        f"{server.url}/inspector-7",
        headers={"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "PUT"},
        timeout=10,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_admin_password_kept_private_and_never_printed(run_couch) -> None:
    server, instance, printed = run_couch
    secret_file = instance / "couchdb_admin"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    name, password = secret_file.read_text().strip().split(":", 1)
    assert server.admin == (name, password) and len(password) >= 20
    assert password not in printed
    server.stop()
    logged = (instance / "couchdb" / "log.txt").read_text(errors="replace")
    assert password not in logged
    config = (instance / "couchdb" / "config.json").read_text()
    assert password not in config  # PouchDB Server keeps only its pbkdf2 hash
    assert stat.S_IMODE((instance / "couchdb").stat().st_mode) == 0o700
    # the next start reuses the same admin
    again = run.start_local_couchdb(instance, None)
    try:
        with CouchClient(again.admin_url) as client:
            assert client.health() == "ok"
    finally:
        again.stop()


def test_credentials_never_appear_in_errors_or_repr(run_couch) -> None:
    server, _instance, _printed = run_couch
    password = server.admin[1]
    with CouchClient(server.admin_url) as client:
        assert password not in repr(client) and password not in client.url
    dead = server.admin_url.rsplit(":", 1)[0] + ":9"
    with CouchClient(dead) as client:
        assert password not in client.health()
        assert password not in client.exposure()


@pytest.fixture
def open_couch(tmp_path: Path):
    """PouchDB Server as it started before: no admin, CORS open (its defaults)."""
    server = start_pouchdb(data_dir=tmp_path / "open")
    config = tmp_path / "open" / "config.json"
    # start_pouchdb always switches CORS off now; an operator's server may not have.
    answer = requests.put(f"{server.url}/_config/httpd/enable_cors", data='"true"', timeout=10)
    assert answer.status_code == 200, answer.text
    assert config.exists()
    try:
        yield server
    finally:
        server.stop()


def test_open_couchdb_reported_unsafe(open_couch) -> None:
    with CouchClient(open_couch.url) as client:
        verdict = client.exposure()
    assert verdict.startswith("unsafe")
    assert "admin" in verdict and "CORS" in verdict


def test_app_refuses_to_start_against_an_open_couchdb_in_production(settings, open_couch) -> None:
    production = replace(settings, couchdb_url=open_couch.url, environment="production")
    with pytest.raises(UnsafeCouchDBError) as refused:
        create_app(production)
    assert "GRADING_ENV" in str(refused.value)


def test_default_environment_is_production(settings) -> None:
    assert settings.environment == "production"


def test_health_reports_an_open_couchdb_as_unsafe_in_development(
    settings, db_connection, open_couch
) -> None:
    from tests.conftest import _session_on

    development = replace(settings, couchdb_url=open_couch.url, environment="development")
    app = create_app(development, session_factory=lambda: _session_on(db_connection))
    try:
        response = app.test_client().get("/api/health")
    finally:
        close_couch_clients(app)
    assert response.status_code == 503
    assert response.json["couchdb"] == "ok"
    assert response.json["couchdb_security"].startswith("unsafe")


def test_planted_document_is_not_ingested(run_couch, tmp_path: Path) -> None:
    """What the finding showed: a document written with no credentials reached the worker's
    feed. Against the run command's CouchDB it is refused before it is stored."""
    server, _instance, _printed = run_couch
    with CouchClient(server.admin_url) as admin:
        db = ensure_inspector_db(admin, 8)
    with CouchClient(server.url) as anonymous:  # no credentials
        with pytest.raises(Exception) as refused:
            anonymous.put_doc(db, _planted(8))
        assert getattr(refused.value, "status", None) == 401
    with CouchClient(server.admin_url) as admin:  # what the worker reads
        assert admin.changes(db, include_docs=True)["results"] == []
