"""Grade schemas: a filing's decided grade with its history, and what a downgrade records."""

from __future__ import annotations

import marshmallow as ma

from server.filings.models import FilingKind, FilingStatus
from server.review.downgrade_models import CheckKind


class GradeEventSchema(ma.Schema):
    grade = ma.fields.String()
    source = ma.fields.String(
        metadata={"description": "decision (city review, four eyes) or downgrade (rule 14)"}
    )
    at = ma.fields.DateTime()
    by = ma.fields.List(ma.fields.Integer(), metadata={"description": "user ids: who decided"})
    reason_codes = ma.fields.List(ma.fields.String())
    reason = ma.fields.String(allow_none=True)
    evidence = ma.fields.String(allow_none=True)
    from_grade = ma.fields.String(allow_none=True)
    decision_id = ma.fields.Integer(allow_none=True)
    downgrade_id = ma.fields.Integer(allow_none=True)
    check_kind = ma.fields.String(allow_none=True)
    effective_on = ma.fields.Date(allow_none=True)
    falsification = ma.fields.Boolean()


class YearFilingSchema(ma.Schema):
    id = ma.fields.Integer()
    sequence = ma.fields.Integer()
    kind = ma.fields.String(metadata={"enum": [k.value for k in FilingKind]})
    status = ma.fields.String(metadata={"enum": [s.value for s in FilingStatus]})
    received_on = ma.fields.Date()
    supersedes_id = ma.fields.Integer(allow_none=True)
    grade = ma.fields.String(allow_none=True, metadata={"description": "latest decided grade"})
    current = ma.fields.Boolean(metadata={"description": "the filing that stands for the year"})
    superseded_by = ma.fields.Integer(allow_none=True)


class FilingGradeSchema(ma.Schema):
    filing_id = ma.fields.Integer()
    site_id = ma.fields.Integer()
    year = ma.fields.Integer()
    sequence = ma.fields.Integer()
    kind = ma.fields.String()
    status = ma.fields.String()
    grade = ma.fields.String(
        allow_none=True, metadata={"description": "the latest decided grade; null: none yet"}
    )
    current = ma.fields.Boolean()
    superseded_by = ma.fields.Integer(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(GradeEventSchema))
    year_filings = ma.fields.List(ma.fields.Nested(YearFilingSchema))


class DowngradeSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    filing_id = ma.fields.Integer(dump_only=True)
    from_grade = ma.fields.String(dump_only=True)
    grade = ma.fields.String(required=True, metadata={"example": "C"})
    check_kind = ma.fields.Enum(
        CheckKind,
        by_value=True,
        required=True,
        metadata={"description": "后期抽查 / 日常检查 / 监督执法 (S4 §三(四))"},
    )
    reason = ma.fields.String(
        required=True, metadata={"example": "抽查发现车间无组织排放，地面可见积尘"}
    )
    evidence = ma.fields.String(
        required=True, metadata={"example": "2026-10-12 日常检查记录 绍环检〔2026〕41号，照片6张"}
    )
    falsification = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "hidden facts or false material: lowest grade, integrity record"},
    )
    integrity_record_id = ma.fields.Integer(dump_only=True, allow_none=True)
    on = ma.fields.Date(load_only=True, metadata={"description": "the day (China); default today"})
    effective_on = ma.fields.Date(dump_only=True)
    decided_by = ma.fields.Integer(dump_only=True)
    decided_at = ma.fields.DateTime(dump_only=True)
    transition_id = ma.fields.Integer(dump_only=True, allow_none=True)
