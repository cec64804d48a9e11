"""Administration pages (administrators only): users, penalties and integrity records, the
jurisdiction settings, the XLSX import of the application list with its template, the exports.

Each form post calls the same service as the API (``server.accounts.service``,
``server.review.jurisdiction``, ``server.imports.filings_xlsx``, ``server.exports``); a refusal
rolls back and shows the page again with the reason in words, never a 500.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import IO, Any

from flask import Response, flash, g, redirect, render_template, request, send_file, url_for
from openpyxl import Workbook
from openpyxl.styles import Font

from server.accounts import repository as accounts
from server.accounts.models import Role
from server.accounts.service import create_user, reset_password, set_active
from server.api.scope import db_session, keep_results
from server.auth import current_actor
from server.clock import china_today
from server.compliance import service as compliance
from server.compliance.kinds import PENALTY_LABELS
from server.errors import DomainError, Forbidden, ImportRejected
from server.exports.disclosure import export_disclosure
from server.exports.files import XLSX
from server.exports.repository import ExportFilter
from server.exports.results import export_results
from server.imports.cells import COLUMNS
from server.imports.filings_xlsx import import_filings
from server.imports.workbook import MAX_BYTES
from server.review import jurisdiction
from server.web.blueprint import page
from server.web.i18n import t
from server.web.rendering import domain_message

LIST_LIMIT = 500
EXPORTS = {
    "results.xlsx": (export_results, "xlsx"),
    "results.csv": (export_results, "csv"),
    "disclosure.xlsx": (export_disclosure, "xlsx"),
    "disclosure.csv": (export_disclosure, "csv"),
}


class AdminsOnly(Forbidden):
    code = "web.admins_only"
    message_zh = "管理页面仅供管理员使用；如需更改账户、设置或导入申报清单，请联系管理员。"
    message_en = (
        "The administration pages are for administrators; ask an administrator to change "
        "accounts, settings or to import the application list."
    )


class DomainNotFound(DomainError):
    status = 404
    code = "web.no_such_export"


def _temporary() -> IO[bytes]:
    # Anonymous: removed by the system when closed, which send_file does after streaming.
    return tempfile.TemporaryFile(prefix="export-")


def _admin() -> Any:
    actor = current_actor()
    if actor.role is not Role.admin:
        raise AdminsOnly("administrators only")
    return actor


def _field(name: str, limit: int = 200) -> str:
    return request.form.get(name, "").strip()[:limit]


# --- overview and exports --------------------------------------------------------------------


@page("/admin")
def admin_home() -> str:
    _admin()
    return render_template("review/admin_home.html", exports=list(EXPORTS))


@page("/admin/exports/<name>")
def admin_export(name: str) -> Response:
    """A list export, as the API's (``/api/exports/…``) but from the page's sign-in."""
    actor = _admin()
    if name not in EXPORTS:
        raise DomainNotFound(name)
    export, fmt = EXPORTS[name]
    stream = _temporary()
    extra: dict[str, Any] = {"keep": keep_results} if export is export_results else {}
    try:
        written = export(
            db_session(), actor=actor, filters=ExportFilter(), fmt=fmt, out=stream, **extra
        )
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    response = send_file(
        stream, mimetype=written.media_type, as_attachment=True, download_name=written.filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- users -------------------------------------------------------------------------------------


def _users_page(error: str | None = None, form: dict[str, str] | None = None, status: int = 200):
    users, _ = accounts.list_users(db_session(), role=None, county=None, offset=0, limit=LIST_LIMIT)
    page_html = render_template(
        "review/admin_users.html",
        users=users,
        roles=list(Role),
        error=error,
        form=form or {},
        me=current_actor().user_id,
    )
    return page_html, status


@page("/admin/users")
def admin_users() -> tuple[str, int]:
    _admin()
    return _users_page()


@page("/admin/users", methods=["POST"], endpoint="admin_user_create")
def admin_user_create() -> Response | tuple[str, int]:
    actor = _admin()
    form = {k: _field(k) for k in ("username", "display_name", "role", "county")}
    try:
        role = Role(form["role"])
    except ValueError:
        return _users_page(t("admin.users.bad_role"), form, 422)
    if not form["username"] or not form["display_name"]:
        return _users_page(t("admin.users.name_needed"), form, 422)
    try:
        create_user(
            db_session(),
            actor=actor,
            username=form["username"],
            password=request.form.get("password", "")[:200],
            display_name=form["display_name"],
            role=role,
            city=current_user().city,
            county=form["county"] or None,
        )
    except DomainError as error:
        db_session().rollback()
        return _users_page(domain_message(error), form, error.status)
    flash(t("admin.users.created", username=form["username"]))
    return redirect(url_for("web.admin_users"), 303)  # type: ignore[return-value]


def current_user() -> Any:
    """The signed-in administrator's account (loaded by the pages' guard)."""
    return g.user


def _account_step(user_id: int, step: str) -> Response | tuple[str, int]:
    actor = _admin()
    session = db_session()
    try:
        if step == "deactivate":
            user = set_active(session, actor=actor, user_id=user_id, active=False)
        elif step == "activate":
            user = set_active(session, actor=actor, user_id=user_id, active=True)
        else:
            user = reset_password(
                session,
                actor=actor,
                user_id=user_id,
                new_password=request.form.get("new_password", "")[:200],
            )
    except DomainError as error:
        session.rollback()
        if error.status == 404:
            raise
        return _users_page(domain_message(error), None, error.status)
    flash(t(f"admin.users.{step}_ok", username=user.username))
    return redirect(url_for("web.admin_users"), 303)  # type: ignore[return-value]


@page("/admin/users/<int:user_id>/deactivate", methods=["POST"])
def admin_user_deactivate(user_id: int) -> Response | tuple[str, int]:
    return _account_step(user_id, "deactivate")


@page("/admin/users/<int:user_id>/activate", methods=["POST"])
def admin_user_activate(user_id: int) -> Response | tuple[str, int]:
    return _account_step(user_id, "activate")


@page("/admin/users/<int:user_id>/password", methods=["POST"])
def admin_user_password(user_id: int) -> Response | tuple[str, int]:
    return _account_step(user_id, "password")


# --- penalties and integrity records -------------------------------------------------------------


@page("/admin/compliance")
def admin_compliance() -> str:
    actor = _admin()
    session = db_session()
    penalties, _ = compliance.list_penalties(
        session, actor, enterprise_id=None, offset=0, limit=LIST_LIMIT
    )
    records, _ = compliance.list_integrity_records(
        session, actor, enterprise_id=None, offset=0, limit=LIST_LIMIT
    )
    return render_template(
        "review/admin_compliance.html",
        penalties=penalties,
        records=records,
        penalty_label=lambda kind: PENALTY_LABELS.get(str(kind), (str(kind), str(kind))),
        today=china_today(),
    )


# --- jurisdiction settings ----------------------------------------------------------------------


def _settings_page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    city = current_user().city
    view = jurisdiction.describe(db_session(), current_actor(), city)
    return render_template("review/admin_settings.html", city=city, view=view, error=error), status


@page("/admin/settings")
def admin_settings() -> tuple[str, int]:
    _admin()
    return _settings_page()


@page("/admin/settings", methods=["POST"], endpoint="admin_settings_add")
def admin_settings_add() -> Response | tuple[str, int]:
    """The next version of the city's rules: the values in the form, the rest as in force."""
    actor = _admin()
    session = db_session()
    city = current_user().city
    now = jurisdiction.rules_for(session, city, china_today())
    try:
        effective = dt.date.fromisoformat(_field("effective_from"))
        county_days, city_days = int(_field("county_review_days")), int(_field("city_review_days"))
    except ValueError:
        return _settings_page(t("admin.settings.bad_input"), 422)
    try:
        jurisdiction.add_version(
            session,
            actor=actor,
            city=city,
            effective_from=effective,
            sampling_rate=_field("sampling_rate"),
            county_review_days=county_days,
            city_review_days=city_days,
            day_kind=_field("day_kind") or now.day_kind,
            holidays=list(now.holidays),
            extra_workdays=list(now.extra_workdays),
            multi_industry=now.multi_industry,
            bars_downgraded=now.bars_downgraded,
            adjustment_deadline=now.adjustment_deadline,
            adjustments_per_year=now.adjustments_per_year,
            penalty_bar_kinds=now.penalty_bar_kinds,
            penalty_bar_grades=sorted(now.penalty_bar.grades),
            penalty_bar_period=now.penalty_bar.period,
            gate_video_retention_months=now.gate_video_retention_months,
            pollution_exemptions={k: list(v) for k, v in now.pollution_exemptions.items()},
            note=_field("note", 500) or None,
        )
    except DomainError as error:
        session.rollback()
        detail = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in error.errors.items())
        message = domain_message(error) + (f" ({detail})" if detail else "")
        return _settings_page(message, error.status)
    flash(t("admin.settings.added"))
    return redirect(url_for("web.admin_settings"), 303)  # type: ignore[return-value]


# --- the XLSX import -----------------------------------------------------------------------------


@page("/admin/import")
def admin_import() -> str:
    _admin()
    return render_template("review/admin_import.html", columns=COLUMNS)


@page("/admin/import", methods=["POST"], endpoint="admin_import_post")
def admin_import_post() -> tuple[str, int]:
    """Check (dry run) or import the uploaded list; every bad row is listed in the page."""
    actor = _admin()
    dry_run = request.form.get("action") != "import"
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "review/admin_import.html", columns=COLUMNS, error=t("admin.import.no_file")
        ), 422
    try:
        data = upload.read(MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    session = db_session()
    try:
        report = import_filings(session, actor=actor, data=data, dry_run=dry_run)
    except ImportRejected as error:
        session.rollback()
        return render_template(
            "review/admin_import.html",
            columns=COLUMNS,
            error=error.message,
            rejected=error.errors,
            dry_run=dry_run,
            filename=upload.filename,
        ), 422
    return render_template(
        "review/admin_import.html",
        columns=COLUMNS,
        report=report,
        dry_run=dry_run,
        filename=upload.filename,
    ), 200


@page("/admin/import/template.xlsx")
def admin_import_template() -> Response:
    """The expected columns as an XLSX with one example row (openpyxl)."""
    _admin()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "申报清单"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(
            12, 2 * len(column.header) + 4
        )
    notes = book.create_sheet("填写说明")
    notes.append([t("admin.import.col_header"), t("admin.import.col_required")])
    for column in COLUMNS:
        notes.append([column.header, t("yes") if column.required else t("no")])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name="申报清单模板.xlsx")
