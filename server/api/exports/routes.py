"""Exports: the results list and the public list (XLSX, CSV), the photo map, evidence packages.

Each file is written into a temporary file and streamed from there, so a large list or a
package of many originals is never held in memory; reviewers only (inspectors get 403), and a
county reviewer only their county (another county's filing answers 404).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import IO, Any

from flask import Response, send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.exports.schemas import (
    CSV_BODY,
    GEOJSON_BODY,
    PACKAGE_HEADERS,
    XLSX_BODY,
    ZIP_BODY,
    ListQuerySchema,
    PhotoMapQuerySchema,
)
from server.api.photos.routes import media_store
from server.api.scope import db_session, keep_results, writes
from server.auth import current_actor
from server.exports.disclosure import export_disclosure
from server.exports.files import XLSX, Written
from server.exports.geojson import MEDIA_TYPE as GEOJSON
from server.exports.geojson import export_photos_geojson
from server.exports.package import build_evidence_package
from server.exports.repository import ExportFilter, PhotoFilter
from server.exports.results import export_results

blp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api",
    description="Exports: results list, public disclosure list, photo map, evidence packages",
)

_FORBIDDEN = "inspectors: exports are for reviewers and admins"
_ZIP = "application/zip"


def _temporary() -> IO[bytes]:
    # Anonymous: removed by the system when closed, which send_file does after streaming.
    return tempfile.TemporaryFile(prefix="export-")


def _send(stream: IO[bytes], written: Written, *, attachment: bool = True) -> Response:
    stream.seek(0)
    response = send_file(
        stream,
        mimetype=written.media_type,
        as_attachment=attachment,
        download_name=written.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["Cache-Control"] = "private, no-store"
    for name, value in (written.headers or {}).items():
        response.headers[name] = value
    return response


def _list(
    export: Callable[..., Written], query: dict[str, Any], fmt: str, **extra: Any
) -> Response:
    stream = _temporary()
    try:
        written = export(
            db_session(),
            actor=current_actor(),
            filters=ExportFilter(**query),
            fmt=fmt,
            out=stream,
            **extra,
        )
    except BaseException:
        stream.close()
        raise
    return _send(stream, written)


@blp.route("/exports/results.xlsx")
class ResultsXlsx(MethodView):
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, XLSX_BODY, content_type=XLSX)
    @blp.alt_response(403, description=_FORBIDDEN)
    def get(self, query):
        """The results list (绩效分级结果清单) as XLSX: one row per filing in your scope"""
        return _list(export_results, query, "xlsx", keep=keep_results)


@blp.route("/exports/results.csv")
class ResultsCsv(MethodView):
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, CSV_BODY, content_type="text/csv")
    @blp.alt_response(403, description=_FORBIDDEN)
    def get(self, query):
        """The results list as CSV (UTF-8 with BOM, so Excel shows the Chinese)"""
        return _list(export_results, query, "csv", keep=keep_results)


@blp.route("/exports/disclosure.xlsx")
class DisclosureXlsx(MethodView):
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, XLSX_BODY, content_type=XLSX)
    @blp.alt_response(403, description=_FORBIDDEN)
    def get(self, query):
        """The public list (绩效分级名录, rule 15) as XLSX: decided grades, no classified
        plants, no personal data"""
        return _list(export_disclosure, query, "xlsx")


@blp.route("/exports/disclosure.csv")
class DisclosureCsv(MethodView):
    @blp.arguments(ListQuerySchema, location="query")
    @blp.response(200, CSV_BODY, content_type="text/csv")
    @blp.alt_response(403, description=_FORBIDDEN)
    def get(self, query):
        """The public list as CSV (UTF-8 with BOM)"""
        return _list(export_disclosure, query, "csv")


@blp.route("/exports/photos.geojson")
class PhotosGeojson(MethodView):
    @blp.arguments(PhotoMapQuerySchema, location="query")
    @blp.response(200, GEOJSON_BODY, content_type=GEOJSON)
    @blp.alt_response(403, description=_FORBIDDEN)
    def get(self, query):
        """Where the accepted photos in your scope were taken, as GeoJSON (RFC 7946, WGS-84)"""
        stream = _temporary()
        try:
            written = export_photos_geojson(
                db_session(), actor=current_actor(), filters=PhotoFilter(**query), out=stream
            )
        except BaseException:
            stream.close()
            raise
        return _send(stream, written, attachment=False)


@blp.route("/filings/<int:filing_id>/evidence-package")
class EvidencePackage(MethodView):
    @writes  # each original copied is a custody event, the package an audit event
    @blp.response(200, ZIP_BODY, content_type=_ZIP, headers=PACKAGE_HEADERS)
    @blp.alt_response(403, description=_FORBIDDEN)
    @blp.alt_response(404, description="no such filing in your county")
    def get(self, filing_id: int):
        """The filing's evidence package (ZIP): originals, manifest with sha256, custody,
        reconciliation, decisions, the audit log slice and an offline verifier; audited"""
        stream = _temporary()
        try:
            report = build_evidence_package(
                db_session(),
                actor=current_actor(),
                store=media_store(),
                filing_id=filing_id,
                out=stream,
                door="api",
            )
        except BaseException:
            stream.close()
            raise
        written = Written(
            report.filename,
            _ZIP,
            report.files,
            headers={
                "X-Manifest-SHA256": report.manifest_sha256,
                "X-Audit-Seq": str(report.export_event.seq),
            },
        )
        return _send(stream, written)
