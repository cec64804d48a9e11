"""The application factory: settings, database, API, blueprints, error handlers, CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import auth, cli, json_nesting
from server.api import bounds, errors, scope
from server.api.routes import register_api
from server.config import Settings
from server.couch_safety import check_couchdb_exposure
from server.db import make_engine, make_sessionmaker
from server.field import routes as field
from server.gateway import routes as gateway
from server.web import routes as web


def create_app(settings: Settings | None = None, session_factory: Any = None) -> Flask:
    """Build the web app. Tests pass their own settings and a session factory bound to a
    connection that is rolled back after each test."""
    settings = settings or Settings.from_env()
    check_couchdb_exposure(settings)  # refuses an open CouchDB outside development
    app = Flask(__name__)
    app.config["SETTINGS"] = settings
    app.config["SECRET_KEY"] = settings.secret_key
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # Chinese names stay readable
    if session_factory is None:
        engine = make_engine(settings.database_url, pool_pre_ping=True)
        app.extensions["engine"] = engine
        session_factory = make_sessionmaker(engine)
    bounds.init_app(app)  # before any route
    scope.init_app(app, session_factory)
    json_nesting.init_app(app)
    auth.init_app(app)
    register_api(app)
    gateway.init_app(app)
    web.init_app(app)
    field.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    if settings.trusted_proxies:  # the client address the throttle counts, behind a proxy
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app
