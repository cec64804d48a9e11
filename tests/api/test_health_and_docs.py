"""Health without a token; the OpenAPI document and its browsable UI."""

import json

import pytest

from server.api.scope import close_couch_clients
from server.app import create_app
from server.cli import OPENAPI_PATH, _spec_text


def test_health_reports_what_is_down(client):
    response = client.get("/api/health")
    assert response.status_code == 503
    assert response.json["database"] == "ok"
    assert response.json["couchdb"] != "ok"


@pytest.mark.couch
def test_health_ok_with_a_real_couchdb(settings, db_connection, couch_url):
    from dataclasses import replace

    from tests.conftest import _session_on

    app = create_app(
        replace(settings, couchdb_url=couch_url), session_factory=lambda: _session_on(db_connection)
    )
    try:
        response = app.test_client().get("/api/health")
    finally:
        close_couch_clients(app)
    assert response.status_code == 200
    assert response.json["database"] == "ok"
    assert response.json["couchdb"] == "ok"
    assert response.json["couchdb_security"] == "ok"
    assert (response.json["database"], response.json["couchdb"]) == ("ok", "ok")
    assert response.json["worker"]["status"] == "none"  # no heartbeat yet: not a failure


def test_openapi_served_and_committed_copy_is_current(client, app):
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    assert "/api/filings" in served.json["paths"]
    assert OPENAPI_PATH.exists(), "run `make openapi` and commit docs/openapi.json"
    assert json.loads(OPENAPI_PATH.read_text(encoding="utf-8")) == json.loads(_spec_text(app)), (
        "docs/openapi.json differs from the code; run `make openapi` and commit it"
    )


def test_docs_ui_is_public_and_served_locally(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"/api/docs/static/swagger-ui-bundle.js" in page.data
