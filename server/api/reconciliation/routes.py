"""Reconciliation: claims against findings, the grade the evidence supports, normal production."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.reconciliation.schemas import (
    DataImportSchema,
    DataUploadSchema,
    GradeSchema,
    MeterSchema,
    NewVisitSchema,
    ProductionSchema,
    ReconciliationSchema,
    TypicalFlowSchema,
)
from server.api.scope import db_session, keep_results
from server.auth import current_actor
from server.reconciliation import imports, service
from server.reconciliation.decided import with_decided_grade
from server.reconciliation.imports import MAX_IMPORT_BYTES

blp = Blueprint(
    "reconciliation",
    __name__,
    url_prefix="/api",
    description="Reconciliation, supported grade, normal production, CEMS and metering data",
)


@blp.route("/filings/<int:filing_id>/reconciliation")
class Reconciliation(MethodView):
    @blp.response(200, ReconciliationSchema)
    def get(self, filing_id: int):
        """Every claimed indicator verified, contradicted or unverifiable, with its evidence;
        the obligations and emergency list entry follow the decided grade once there is one"""
        session = db_session()
        result = service.reconciliation_for(
            session, actor=current_actor(), filing_id=filing_id, keep=keep_results
        ).result
        return with_decided_grade(session, filing_id, result)


@blp.route("/filings/<int:filing_id>/grade")
class Grade(MethodView):
    @blp.response(200, GradeSchema)
    def get(self, filing_id: int):
        """The grade the evidence supports, with the explanation; the alert obligations and the
        emergency list entry follow the decided grade once there is one"""
        session = db_session()
        result = service.reconciliation_for(
            session, actor=current_actor(), filing_id=filing_id, keep=keep_results
        ).result
        return with_decided_grade(session, filing_id, result)


@blp.route("/reconciliation/new-visits")
class NewVisits(MethodView):
    @blp.response(200, NewVisitSchema(many=True))
    def get(self):
        """Filings whose latest visit was void (production not normal): each needs a new visit"""
        return service.filings_needing_new_visit(db_session(), actor=current_actor())


@blp.route("/assignments/<int:assignment_id>/production")
class Production(MethodView):
    @blp.response(200, ProductionSchema)
    def get(self, assignment_id: int):
        """Normal production during a visit: the verdict, its reasons, flow and power series"""
        return service.production_for(
            db_session(), actor=current_actor(), assignment_id=assignment_id, keep=keep_results
        )


def _import(kind: str, site_id: int, files: dict[str, Any]) -> dict[str, Any]:
    upload = files["file"]
    data = upload.read(MAX_IMPORT_BYTES + 1)  # one byte past the limit tells it is too large
    row, recomputed = imports.import_and_reconcile(
        db_session(),
        actor=current_actor(),
        kind=kind,
        site_id=site_id,
        data=data,
        filename=upload.filename,
    )
    return {
        **{c: getattr(row, c) for c in DataImportSchema().fields if c != "recomputed"},
        "recomputed": recomputed,
    }


@blp.route("/sites/<int:site_id>/cems-data")
class CemsData(MethodView):
    @blp.arguments(DataUploadSchema, location="files")
    @blp.response(201, DataImportSchema)
    @blp.alt_response(422, description="no line could be kept: errors.lines names each")
    def post(self, files, site_id: int):
        """Import HJ 212-2017 packets, one a line; bad CRC, structure or MN refused by line"""
        return _import("hj212", site_id, files)


@blp.route("/sites/<int:site_id>/metering-data")
class MeteringData(MethodView):
    @blp.arguments(DataUploadSchema, location="files")
    @blp.response(201, DataImportSchema)
    @blp.alt_response(422, description="no row could be kept: errors.lines names each")
    def post(self, files, site_id: int):
        """Import separate-metering CSV (meter,role,timestamp,kw); bad rows refused by row"""
        return _import("metering", site_id, files)


@blp.route("/sites/<int:site_id>/data-imports")
class DataImports(MethodView):
    @blp.response(200, DataImportSchema(many=True))
    def get(self, site_id: int):
        """Every CEMS and metering import of a site, with what was refused and why"""
        return imports.list_imports(db_session(), actor=current_actor(), site_id=site_id)


@blp.route("/sites/<int:site_id>/meters")
class Meters(MethodView):
    @blp.response(200, MeterSchema(many=True))
    def get(self, site_id: int):
        """The site's separate-metering meters"""
        return imports.list_meters(db_session(), actor=current_actor(), site_id=site_id)

    @blp.arguments(MeterSchema)
    @blp.response(201, MeterSchema)
    def post(self, data, site_id: int):
        """Register a production or treatment meter"""
        return imports.register_meter(db_session(), actor=current_actor(), site_id=site_id, **data)


@blp.route("/sites/<int:site_id>/cems-points/<mn>/typical-flow")
class TypicalFlow(MethodView):
    @blp.arguments(TypicalFlowSchema)
    @blp.response(200, TypicalFlowSchema)
    def put(self, data, site_id: int, mn: str):
        """Set a CEMS point's typical flue-gas flow, the level visit flows are compared with"""
        return imports.set_typical_flow(
            db_session(), actor=current_actor(), site_id=site_id, mn=mn, **data
        )
