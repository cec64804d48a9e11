"""The inspection record as ingested from tablets, for reviewers (and inspectors, their own)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.api.common import QueryArgs, page_window
from server.api.photos.schemas import PhotoSchema
from server.api.scope import db_session
from server.auth import current_actor
from server.inspections import repository
from server.inspections.ingest import full_body
from server.inspections.models import InspectionStatus

blp = Blueprint(
    "inspections", __name__, url_prefix="/api/inspections", description="Inspection record"
)


class InspectionSchema(ma.Schema):
    id = ma.fields.Integer()
    doc_id = ma.fields.String()
    assignment_id = ma.fields.Integer(allow_none=True)
    inspector_id = ma.fields.Integer()
    device_id = ma.fields.String(allow_none=True)
    form_id = ma.fields.String(allow_none=True)
    form_version = ma.fields.Integer(allow_none=True)
    form_sha256 = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(InspectionStatus, by_value=True)
    started_at = ma.fields.AwareDateTime(allow_none=True)
    submitted_at = ma.fields.AwareDateTime(allow_none=True)
    received_at = ma.fields.AwareDateTime()
    current_rev = ma.fields.String()
    has_conflict = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.Dict())


class RevisionSchema(ma.Schema):
    rev = ma.fields.String()
    winner = ma.fields.Boolean()
    received_at = ma.fields.AwareDateTime()
    body = ma.fields.Dict()


class InspectionDetailSchema(InspectionSchema):
    answers = ma.fields.Dict()
    revisions = ma.fields.Method(
        "_revisions", metadata={"description": "every revision kept, each its whole document"}
    )
    photos = ma.fields.List(
        ma.fields.Nested(PhotoSchema),
        metadata={"description": "the photos sent for this inspection, each with its findings"},
    )

    def _revisions(self, inspection):
        return RevisionSchema(many=True).dump(
            [
                {
                    "rev": r.rev,
                    "winner": r.winner,
                    "received_at": r.received_at,
                    "body": full_body(inspection, r),
                }
                for r in inspection.revisions
            ]
        )


class InspectionQuerySchema(QueryArgs):
    assignment_id = ma.fields.Integer()
    status = ma.fields.Enum(InspectionStatus, by_value=True)
    conflicted = ma.fields.Boolean(
        metadata={"description": "only those with (or without) a conflict between two tablets"}
    )


@blp.route("")
class Inspections(MethodView):
    @blp.arguments(InspectionQuerySchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List inspections: reviewers see their scope, inspectors their own"""
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_inspections(
            db_session(),
            current_actor(),
            assignment_id=query.get("assignment_id"),
            status=query.get("status"),
            conflicted=query.get("conflicted"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows


@blp.route("/<int:inspection_id>")
class InspectionItem(MethodView):
    @blp.response(200, InspectionDetailSchema)
    def get(self, inspection_id: int):
        """One inspection with its answers, every revision received (conflicts too), photos"""
        session = db_session()
        inspection = repository.get_inspection(session, current_actor(), inspection_id)
        # Photos are not a relationship of the inspection; the schema reads them from here.
        setattr(inspection, "photos", repository.photos_of(session, inspection))  # noqa: B010
        return inspection
