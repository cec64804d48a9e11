"""Command-line tasks: ``flask --app wsgi <command>`` (the Makefile wraps the common ones)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from server.cli_reconciliation import reconcile_command
from server.config import PROJECT_ROOT

OPENAPI_PATH = PROJECT_ROOT / "docs" / "openapi.json"

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="The demo city.")
openapi_cli = AppGroup("openapi", help="The committed OpenAPI document.")
forms_cli = AppGroup("forms", help="Inspection form definitions.")
sync_cli = AppGroup("sync", help="The sync worker's state.")


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
    from media import FilesystemBlobStore
    from server.demo.load import DEMO_PASSWORD, demo_accounts, load_demo_city

    session = current_app.extensions["session_factory"]()
    media = FilesystemBlobStore(current_app.config["SETTINGS"].media_root)
    try:
        loaded = load_demo_city(session, only_if_empty=if_empty, media=media)
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
    from server.inspections.forms import guide_scales, industry_scales

    problems = check_definitions(DEFINITIONS_DIR, industry_scales(), guide_scales())
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
    from server.inspections.forms import guide_scales, industry_scales

    published = publish(DEFINITIONS_DIR, form_id, version, industry_scales(), guide_scales())
    click.echo(f"published {published.form_id} v{published.version} sha256 {published.sha256}")


@sync_cli.command("status")
def sync_status_command() -> None:
    """Per inspector database: backlog, last processed time, retrying and quarantined."""
    from server.accounts.actor import Actor
    from server.accounts.models import Role
    from server.syncstate.heartbeat import worker_health
    from server.syncstate.status import quarantined_documents, sync_status

    system = Actor(user_id=0, username="cli", role=Role.admin, county=None)
    session = current_app.extensions["session_factory"]()
    try:
        stale_after = current_app.config["SETTINGS"].worker_stale_after
        click.echo(f"worker: {worker_health(session, stale_after=stale_after).describe()}")
        rows = sync_status(session, system)
        click.echo(
            f"{'database':<18}{'user':<16}{'backlog':>8}{'retry':>6}{'quar.':>6}"
            f"{'outbox':>7}  last processed"
        )
        for row in rows:
            backlog = "?" if row.backlog is None else str(row.backlog)
            processed = row.processed_at.isoformat(timespec="seconds") if row.processed_at else "-"
            click.echo(
                f"{row.db_name:<18}{row.username:<16}{backlog:>8}{row.retrying:>6}"
                f"{row.quarantined:>6}{row.outbox_pending:>7}  {processed}"
            )
        for failure in quarantined_documents(session, system):
            click.echo(
                f"quarantined {failure.db_name} {failure.doc_id}@{failure.rev}: "
                f"{failure.last_error}"
            )
    finally:
        session.close()


draw_cli = AppGroup("draw", help="Sampling draws of review batches (rule 12).")
assignments_cli = AppGroup("assignments", help="On-site check assignments.")


def _session_as(username: str | None):
    """A session and the actor for ``username`` (None: no actor, for read-only checks)."""
    from sqlalchemy import select

    from server.accounts.actor import Actor
    from server.accounts.models import User

    session = current_app.extensions["session_factory"]()
    if username is None:
        return session, None
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        session.close()
        raise click.ClickException(f"no user {username!r}")
    return session, Actor.of(user)


def _china_day(value: str, *, end: bool) -> dt.datetime:
    """The start (or the end) of a day in China, as a UTC-aware datetime."""
    from server.clock import CHINA

    day = dt.date.fromisoformat(value)
    start = dt.datetime.combine(day, dt.time(), tzinfo=CHINA)
    return (start + dt.timedelta(days=1) if end else start).astimezone(dt.UTC)


@draw_cli.command("create")
@click.argument("batch_id", type=int)
@click.option("--as-user", "username", required=True, help="A city reviewer or admin.")
@click.option("--supplementary", is_flag=True, help="Draw the filings not in an earlier draw.")
@click.option("--rate", default=None, help="Sampling rate, e.g. 0.35; default the city's.")
@click.option(
    "--seed", default=None, help="A seed drawn in public; default 256 random bits from the OS."
)
def draw_create(
    batch_id: int, username: str, supplementary: bool, rate: str | None, seed: str | None
) -> None:
    """Draw a review batch and record the draw (seed, algorithm, rate, hashes, entries)."""
    from server.errors import DomainError
    from server.sampling.service import create_draw

    session, actor = _session_as(username)
    try:
        draw = create_draw(
            session,
            actor=actor,
            batch_id=batch_id,
            supplementary=supplementary,
            sampling_rate=rate,
            seed=seed,
        )
        session.commit()
    except DomainError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    finally:
        session.close()
    click.echo(
        f"draw {draw.id} ({draw.kind}) of batch {batch_id}: {draw.selected_count} of "
        f"{draw.eligible_count} selected at rate {draw.sampling_rate}\n"
        f"  algorithm {draw.algorithm_version}\n  seed {draw.seed}\n"
        f"  eligible {draw.eligible_hash}\n  selected {draw.selected_hash}"
    )


@draw_cli.command("verify")
@click.argument("draw_id", type=int)
def draw_verify(draw_id: int) -> None:
    """Re-draw from the recorded seed and candidates; exit 1 unless the same list comes out."""
    from server.sampling.models import Draw
    from server.sampling.service import verify_draw

    session, _ = _session_as(None)
    try:
        draw = session.get(Draw, draw_id)
        if draw is None:
            raise click.ClickException(f"no draw {draw_id}")
        result = verify_draw(session, draw)
    finally:
        session.close()
    if not result.matches:
        for problem in result.problems:
            click.echo(f"  {problem}", err=True)
        click.echo(f"draw {draw_id} does NOT verify", err=True)
        sys.exit(1)
    click.echo(
        f"draw {draw_id} verified: re-drawing selects the same {result.selected_count} "
        f"of {result.eligible_count} filings"
    )


@assignments_cli.command("propose")
@click.argument("draw_id", type=int)
@click.option("--as-user", "username", required=True, help="A city reviewer or admin.")
@click.option(
    "--from", "first_day", required=True, help="First day of the visits (China), YYYY-MM-DD."
)
@click.option("--to", "last_day", required=True, help="Last day of the visits (China), YYYY-MM-DD.")
@click.option("--team-size", default=2, show_default=True)
@click.option("--dry-run", is_flag=True, help="Show the teams; write nothing.")
def assignments_propose(
    draw_id: int, username: str, first_day: str, last_day: str, team_size: int, dry_run: bool
) -> None:
    """Propose a team for every selected filing of a draw without one, and plan them."""
    from server.assignments.proposals import propose_for_draw
    from server.errors import DomainError

    session, actor = _session_as(username)
    try:
        report = propose_for_draw(
            session,
            actor=actor,
            draw_id=draw_id,
            window_start=_china_day(first_day, end=False),
            window_end=_china_day(last_day, end=True),
            team_size=team_size,
            dry_run=dry_run,
        )
        session.rollback() if dry_run else session.commit()
    except DomainError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    finally:
        session.close()
    for team in report.teams:
        click.echo(f"  filing {team.filing_id}: {', '.join(str(m) for m in team.members)}")
    for gap in report.unstaffed:
        click.echo(f"  filing {gap.filing_id}: UNSTAFFED: {gap.reason}", err=True)
    verb = "would plan" if dry_run else "planned"
    click.echo(
        f"{verb} {len(report.teams)} assignment(s); {len(report.unstaffed)} unstaffed; "
        f"{report.already_assigned} already assigned"
    )


@click.command("deadlines")
@click.option("--as-user", "username", required=True, help="A reviewer: their scope is listed.")
@click.option("--kind", type=click.Choice(["overdue", "upcoming"]), default="overdue")
@click.option("--within", default=3, show_default=True, help="upcoming: due within N days.")
def deadlines_command(username: str, kind: str, within: int) -> None:
    """List filings past their review deadline, or due soon (S4 §三: 7 and 15 days)."""
    from server.review.deadlines import DeadlineKind, list_deadlines

    session, actor = _session_as(username)
    try:
        rows, total = list_deadlines(
            session, actor, kind=DeadlineKind(kind), within=within, limit=10_000
        )
    finally:
        session.close()
    for row in rows:
        click.echo(
            f"  filing {row.filing_id:>6}  {row.county}  {row.status.value:<14} "
            f"{row.deadline.stage} due {row.deadline.due_on}  ({row.days_left:+d} days)  "
            f"{row.enterprise_name}"
        )
    click.echo(f"{total} {kind}")


export_cli = AppGroup("export", help="Exports: evidence packages.")


@export_cli.command("evidence-package")
@click.argument("filing_id", type=int)
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--as-user", "username", required=True, help="The reviewer or admin exporting.")
def export_evidence_package(filing_id: int, out: Path, username: str) -> None:
    """Write a filing's evidence package (ZIP); check it with server/exports/verify_package.py."""
    from media import FilesystemBlobStore
    from server.errors import DomainError
    from server.exports.package import build_evidence_package

    session, actor = _session_as(username)
    store = FilesystemBlobStore(current_app.config["SETTINGS"].media_root)
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("wb") as stream:
            report = build_evidence_package(
                session, actor=actor, store=store, filing_id=filing_id, out=stream, door="cli"
            )
        session.commit()
        partial.replace(out)
    except DomainError as exc:
        session.rollback()
        raise click.ClickException(f"{exc.code}: {exc.message}") from exc
    finally:
        partial.unlink(missing_ok=True)
        session.close()
    click.echo(
        f"wrote {out}: {report.files} files, {report.originals} originals, "
        f"{report.audit_events} audit events\n"
        f"  manifest sha256 {report.manifest_sha256}\n"
        f"  recorded as audit event seq {report.export_event.seq} (export.evidence_package)"
    )
    for doc_id in report.missing_originals:
        click.echo(f"  original of {doc_id} is missing from the media store", err=True)
    for doc_id in report.damaged_originals:
        click.echo(f"  original of {doc_id} no longer matches its sha256", err=True)


audit_cli = AppGroup("audit", help="The hash-chained audit log.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Check every audit event's hash and link, from the first to the recorded head; exit 1
    and name the first broken link when the chain is not intact."""
    from server.audit.service import verify_chain

    session, _ = _session_as(None)
    try:
        report = verify_chain(session)
    finally:
        session.close()
    if report.first_break is not None:
        click.echo(f"audit chain BROKEN at {report.first_break.describe()}", err=True)
        click.echo(
            f"  {report.count} events verified before it (up to seq {report.head_seq})", err=True
        )
        sys.exit(1)
    click.echo(f"audit chain intact: {report.count} events, head {report.head_hash}")


def _spec_text(app: Flask) -> str:
    spec = app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(openapi_cli)
    app.cli.add_command(forms_cli)
    app.cli.add_command(sync_cli)
    app.cli.add_command(import_filings_command)
    app.cli.add_command(draw_cli)
    app.cli.add_command(assignments_cli)
    app.cli.add_command(deadlines_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(reconcile_command)
