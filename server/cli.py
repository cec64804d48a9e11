"""Command-line tasks: ``flask --app wsgi <command>`` (the Makefile wraps the common ones)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from server.config import PROJECT_ROOT

OPENAPI_PATH = PROJECT_ROOT / "docs" / "openapi.json"

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="The demo city.")
openapi_cli = AppGroup("openapi", help="The committed OpenAPI document.")
forms_cli = AppGroup("forms", help="Inspection form definitions.")


def _engine():
    return current_app.extensions["engine"]


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every Alembic migration not yet applied."""
    from server.migrate import upgrade

    upgrade(_engine())
    click.echo("database is at the newest schema")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has enterprises.")
def demo_load(if_empty: bool) -> None:
    """Load the deterministic demo city (about 300 plants in 6 counties) and demo accounts."""
    from server.demo.load import DEMO_PASSWORD, demo_accounts, load_demo_city

    session = current_app.extensions["session_factory"]()
    try:
        loaded = load_demo_city(session, only_if_empty=if_empty)
        session.commit()
    finally:
        session.close()
    click.echo(loaded.summary())
    click.echo(f"demo accounts (password {DEMO_PASSWORD}):")
    for username, role, county in demo_accounts():
        click.echo(f"  {username:<20} {role:<16} {county or 'whole city'}")


@click.command("import-filings")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as-user", "username", required=True, help="The account the import acts as.")
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
def import_filings_command(path: Path, username: str, dry_run: bool) -> None:
    """Import the bureau's application list (XLSX): all rows or none."""
    from sqlalchemy import select

    from server.accounts.actor import Actor
    from server.accounts.models import User
    from server.errors import ImportRejected
    from server.imports.filings_xlsx import import_filings

    session = current_app.extensions["session_factory"]()
    try:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        try:
            report = import_filings(
                session, actor=Actor.of(user), data=path.read_bytes(), dry_run=dry_run
            )
        except ImportRejected as exc:
            session.rollback()
            click.echo(exc.message, err=True)
            for problem in exc.errors.get("rows", []):
                click.echo(f"  row {problem['row']}: {problem['reason']}", err=True)
            sys.exit(1)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()
    click.echo(report.summary())


@openapi_cli.command("write")
def openapi_write() -> None:
    """Write the OpenAPI document to docs/openapi.json."""
    OPENAPI_PATH.write_text(_spec_text(current_app), encoding="utf-8")
    click.echo(f"wrote {OPENAPI_PATH.relative_to(PROJECT_ROOT)}")


@openapi_cli.command("check")
def openapi_check() -> None:
    """Fail when the code's OpenAPI document differs from the committed one."""
    committed = OPENAPI_PATH.read_text(encoding="utf-8") if OPENAPI_PATH.exists() else ""
    if committed != _spec_text(current_app):
        raise click.ClickException(
            "docs/openapi.json is out of date; run `make openapi` and commit the result"
        )
    click.echo("docs/openapi.json matches the code")


@forms_cli.command("check")
def forms_check() -> None:
    """Check every form definition file; list every problem with its file and path."""
    from inspection_forms import DEFINITIONS_DIR, check_definitions
    from server.inspections.forms import industry_scales

    problems = check_definitions(DEFINITIONS_DIR, industry_scales())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the form definitions")
    click.echo(f"every form definition under {DEFINITIONS_DIR.relative_to(PROJECT_ROOT)} is valid")


@forms_cli.command("publish")
@click.argument("form_id")
@click.argument("version", type=int)
def forms_publish(form_id: str, version: int) -> None:
    """Publish a draft form version: its content hash is recorded and it can no longer change."""
    from inspection_forms import DEFINITIONS_DIR, publish
    from server.inspections.forms import industry_scales

    published = publish(DEFINITIONS_DIR, form_id, version, industry_scales())
    click.echo(f"published {published.form_id} v{published.version} sha256 {published.sha256}")


def _spec_text(app: Flask) -> str:
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(openapi_cli)
    app.cli.add_command(forms_cli)
    app.cli.add_command(import_filings_command)
