"""The Api object: OpenAPI settings, the bearer security scheme and every blueprint."""

from __future__ import annotations

from flask import Flask, Response, abort, send_from_directory
from flask_smorest import Api

from server.api.assignments.routes import blp as assignments_blp
from server.api.auth.routes import blp as auth_blp
from server.api.batches.routes import blp as batches_blp
from server.api.catalogue.routes import blp as catalogue_blp
from server.api.claims.routes import blp as claims_blp
from server.api.common import ErrorSchema
from server.api.conflicts.routes import blp as conflicts_blp
from server.api.deadlines.routes import blp as deadlines_blp
from server.api.decisions.routes import blp as decisions_blp
from server.api.devices.routes import blp as devices_blp
from server.api.draws.routes import blp as draws_blp
from server.api.enterprises.routes import blp as enterprises_blp
from server.api.exports.routes import blp as exports_blp
from server.api.filings.routes import blp as filings_blp
from server.api.forms.routes import blp as forms_blp
from server.api.grades.routes import blp as grades_blp
from server.api.health.routes import blp as health_blp
from server.api.imports.routes import blp as imports_blp
from server.api.inspections.routes import blp as inspections_blp
from server.api.integrity.routes import blp as integrity_blp
from server.api.jurisdictions.routes import blp as jurisdictions_blp
from server.api.penalties.routes import blp as penalties_blp
from server.api.photos.routes import blp as photos_blp
from server.api.reconciliation.routes import blp as reconciliation_blp
from server.api.sites.routes import blp as sites_blp
from server.api.sync_status.routes import blp as sync_status_blp
from server.api.transitions.routes import blp as transitions_blp
from server.api.users.routes import blp as users_blp
from server.auth import public
from server.config import PROJECT_ROOT

API_VERSION = "0.1.0"
# Swagger UI is served from the pinned npm package, so the docs work without internet.
SWAGGER_UI_DIR = PROJECT_ROOT / "node_modules" / "swagger-ui-dist"

BLUEPRINTS = (
    health_blp,
    auth_blp,
    users_blp,
    catalogue_blp,
    enterprises_blp,
    sites_blp,
    filings_blp,
    claims_blp,
    forms_blp,
    penalties_blp,
    integrity_blp,
    conflicts_blp,
    imports_blp,
    jurisdictions_blp,
    batches_blp,
    draws_blp,
    transitions_blp,
    decisions_blp,
    grades_blp,
    deadlines_blp,
    assignments_blp,
    inspections_blp,
    photos_blp,
    devices_blp,
    reconciliation_blp,
    sync_status_blp,
    exports_blp,
)


def api_settings() -> dict[str, object]:
    return {
        "API_TITLE": "Grading inspections API",
        "API_VERSION": API_VERSION,
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/docs/static/",
        "OPENAPI_SWAGGER_UI_CONFIG": {"persistAuthorization": True},
        "API_SPEC_OPTIONS": {
            "info": {
                "description": (
                    "On-site verification of heavy-pollution-weather performance grading "
                    "filings. Get a token with POST /api/auth/token (or 'Authorize' with a "
                    "username and password), then send it as 'Authorization: Bearer <token>'."
                )
            },
            # Either scheme authorizes a call: a pasted token, or Swagger UI's password flow
            # (Authorize → passwordLogin), whose token it then sends as a bearer token too.
            "security": [{"bearerAuth": []}, {"passwordLogin": []}],
        },
    }


def _swagger_static(filename: str) -> Response:
    if not SWAGGER_UI_DIR.is_dir():
        abort(404, description="Swagger UI is not installed; run `make install`")
    return send_from_directory(SWAGGER_UI_DIR, filename, max_age=86400)


class GradingApi(Api):
    """flask-smorest's Api, documenting our error body for every error response."""

    ERROR_SCHEMA = ErrorSchema


def register_api(app: Flask) -> Api:
    app.config.update(api_settings())
    api = GradingApi(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "passwordLogin",
        {
            "type": "oauth2",
            "flows": {"password": {"tokenUrl": "/api/auth/token", "scopes": {}}},
        },
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.add_url_rule("/api/docs/static/<path:filename>", "swagger_static", public(_swagger_static))
    return api
