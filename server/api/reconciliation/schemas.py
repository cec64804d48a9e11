"""The reconciliation contract: results, grades, production verdicts, evidence imports."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload


class StepSchema(ma.Schema):
    code = ma.fields.String()
    message_zh = ma.fields.String()
    message_en = ma.fields.String()
    data = ma.fields.Dict()


class ReconciliationSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    computed_at = ma.fields.String()
    fingerprint = ma.fields.String(metadata={"description": "sha256 of the evidence used"})
    policy = ma.fields.String(metadata={"description": "the multi-industry policy applied"})
    claimed_grade = ma.fields.String()
    supported_grade = ma.fields.String(allow_none=True)
    confirmed = ma.fields.Boolean(metadata={"description": "false while anything is unverified"})
    needs_new_visit = ma.fields.Boolean()
    reviewer_required = ma.fields.Boolean(metadata={"description": "team members disagree"})
    consequences = ma.fields.List(ma.fields.String())
    explanation = ma.fields.List(ma.fields.Nested(StepSchema))
    cases = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "per industry case: grade, explanation, indicator verdicts"},
    )
    visits = ma.fields.List(ma.fields.Dict(), metadata={"description": "production per visit"})
    obligations = ma.fields.Dict(allow_none=True)
    emergency_list_entry = ma.fields.Dict(allow_none=True)
    decided_grade = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "the decided grade that counts (grade, source, at, decision_id, "
            "downgrade_id); obligations and the emergency list entry follow it"
        },
    )


class CaseGradeSchema(ma.Schema):
    case_id = ma.fields.Integer()
    industry = ma.fields.String()
    main = ma.fields.Boolean()
    claimed_grade = ma.fields.String()
    grade = ma.fields.String()
    confirmed = ma.fields.Boolean()
    decided_by = ma.fields.List(ma.fields.String())
    explanation = ma.fields.List(ma.fields.Nested(StepSchema))


class GradeSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    claimed_grade = ma.fields.String()
    supported_grade = ma.fields.String(allow_none=True)
    confirmed = ma.fields.Boolean()
    needs_new_visit = ma.fields.Boolean()
    consequences = ma.fields.List(ma.fields.String())
    explanation = ma.fields.List(ma.fields.Nested(StepSchema))
    cases = ma.fields.List(ma.fields.Nested(CaseGradeSchema))
    obligations = ma.fields.Dict(allow_none=True)
    emergency_list_entry = ma.fields.Dict(allow_none=True)
    decided_grade = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "the decided grade that counts (grade, source, at, decision_id, "
            "downgrade_id); obligations and the emergency list entry follow it"
        },
    )


class SeriesSchema(ma.Schema):
    window_start = ma.fields.String()
    window_end = ma.fields.String()
    flow = ma.fields.List(ma.fields.Dict(), metadata={"description": "t, mn, flow (m³/h), flag"})
    power = ma.fields.List(ma.fields.Dict(), metadata={"description": "t, meter, role, kw"})


class ProductionSchema(ma.Schema):
    assignment_id = ma.fields.Integer()
    filing_id = ma.fields.Integer()
    verdict = ma.fields.Dict(allow_none=True, metadata={"description": "status and reasons"})
    void = ma.fields.Boolean()
    series = ma.fields.Nested(SeriesSchema)


class DataUploadSchema(ma.Schema):
    file = Upload(required=True)


class DataImportSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    site_id = ma.fields.Integer()
    filename = ma.fields.String(allow_none=True)
    sha256 = ma.fields.String()
    accepted = ma.fields.Integer()
    duplicates = ma.fields.Integer(metadata={"description": "already stored: unchanged"})
    rejected = ma.fields.Integer()
    errors = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "line (HJ 212) or row (CSV), code, message"}
    )
    gaps = ma.fields.List(ma.fields.Dict())
    imported_at = ma.fields.DateTime()
    recomputed = ma.fields.Integer(metadata={"description": "filings reconciled again"})


class MeterSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(["production", "treatment"]))
    line_code = ma.fields.String(load_default=None, allow_none=True)
    name = ma.fields.String(load_default=None, allow_none=True)


class TypicalFlowSchema(ma.Schema):
    mn = ma.fields.String(dump_only=True)
    typical_flow = ma.fields.Float(
        required=True, allow_none=True, metadata={"description": "m³/h in normal production"}
    )


class NewVisitSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    enterprise = ma.fields.String()
    county = ma.fields.String()
    site = ma.fields.String()
    computed_at = ma.fields.DateTime()
    void_visits = ma.fields.List(ma.fields.Integer())
    reasons = ma.fields.List(ma.fields.Nested(StepSchema))
