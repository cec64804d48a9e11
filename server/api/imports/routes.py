"""Imports: the bureau's application list (XLSX), every row checked, imported all or none."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload

from server.api.common import QueryArgs
from server.api.scope import db_session
from server.auth import current_actor
from server.imports.filings_xlsx import import_filings
from server.imports.workbook import MAX_BYTES

blp = Blueprint("imports", __name__, url_prefix="/api/imports", description="Spreadsheet imports")


class FilingsUploadSchema(ma.Schema):
    file = Upload(
        required=True,
        metadata={
            "description": "the application list as .xlsx: one row per site, headers 企业名称, "
            "统一社会信用代码, 县区, 厂区名称, 厂区地址, 行业, 技术指南版本, 申报级别, "
            "是否保障类企业, 受理日期, 年度"
        },
    )


class ImportQuerySchema(QueryArgs):
    dry_run = ma.fields.Boolean(
        load_default=True, metadata={"description": "check and report only (the default)"}
    )


class ImportReportSchema(ma.Schema):
    dry_run = ma.fields.Boolean()
    sheet = ma.fields.String()
    rows = ma.fields.Integer()
    new_enterprises = ma.fields.Integer()
    existing_enterprises = ma.fields.Integer()
    new_sites = ma.fields.Integer()
    existing_sites = ma.fields.Integer()
    filings = ma.fields.Integer()
    grades = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    counties = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    industries = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    filing_ids = ma.fields.List(ma.fields.Integer())
    summary = ma.fields.String()


@blp.route("/filings")
class FilingsImport(MethodView):
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.arguments(FilingsUploadSchema, location="files")
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(
        422,
        description="not an .xlsx file, too large, columns missing, or bad rows: "
        "errors.columns and errors.rows name each, with the row number Excel shows",
    )
    def post(self, query, files):
        """Import the bureau's application list (XLSX); with dry_run (default) only check it"""
        upload = files["file"]
        # One byte past the limit is enough to know the file is too large.
        data = upload.read(MAX_BYTES + 1)
        report = import_filings(
            db_session(), actor=current_actor(), data=data, dry_run=query["dry_run"]
        )
        return {**report.to_dict(), "summary": report.summary()}
