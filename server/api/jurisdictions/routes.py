"""A city's review rules, versioned: sampling rate (at least 30%), deadline days, day counting."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.scope import db_session
from server.auth import current_actor
from server.compliance.kinds import ANY_PENALTY, PENALTY_LABELS, PenaltyKind
from server.review import jurisdiction

KIND_DOC = "; ".join(
    [f"{ANY_PENALTY}: 任何行政处罚 / any administrative penalty (Henan S2 §二)"]
    + [
        f"{k.value}: {PENALTY_LABELS[k][0]} / {PENALTY_LABELS[k][1]}"
        for k in PenaltyKind
        if k != "downgraded"
    ]
)

blp = Blueprint(
    "jurisdictions", __name__, url_prefix="/api/jurisdictions", description="Jurisdiction rules"
)


class SettingsSchema(ma.Schema):
    city = ma.fields.String(dump_only=True)
    version = ma.fields.Integer(dump_only=True, allow_none=True)
    effective_from = ma.fields.Date(required=True, allow_none=True)
    sampling_rate = ma.fields.Decimal(
        required=True, as_string=True, metadata={"description": "at least 0.30 (rule 12)"}
    )
    county_review_days = ma.fields.Integer(load_default=7)
    city_review_days = ma.fields.Integer(load_default=15)
    day_kind = ma.fields.String(load_default="calendar", metadata={"description": "or working"})
    holidays = ma.fields.List(ma.fields.Date(), load_default=list)
    extra_workdays = ma.fields.List(ma.fields.Date(), load_default=list)
    multi_industry = ma.fields.String(
        load_default="main_industry",
        metadata={"description": "main_industry (Henan), cross_level (Shaoxing), each_industry"},
    )
    bars_downgraded = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "a downgrade within the past year bars A, B, leading (Henan)"},
    )
    adjustment_deadline = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "last day (MM-DD) to file again after a decided grade, e.g. 12-10 "
            "(S0 §五(一)) or 12-31 (S2 §七); null: any day of the year"
        },
    )
    adjustments_per_year = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "filings again after a decided grade a site may make a year"},
    )
    penalty_bar_kinds = ma.fields.List(
        ma.fields.String(),
        load_default=None,
        metadata={"description": f"rule 6: the penalty kinds that bar ({KIND_DOC})"},
    )
    penalty_bar_grades = ma.fields.List(
        ma.fields.String(),
        load_default=None,
        metadata={
            "description": "the grades those penalties bar (default A+, A, B, B-, leading, advanced)"
        },
    )
    penalty_bar_period = ma.fields.String(
        load_default=None,
        metadata={
            "description": "rolling_365: 365 days up to the day judged (S0, S2); "
            "calendar_year: the same calendar year (当年, Shaoxing S4 §四(二))"
        },
    )
    gate_video_retention_months = ma.fields.Integer(
        load_default=6,
        metadata={
            "description": "months of gate and loading-point video kept (rule 17; S1 §(五): 6)"
        },
    )
    pollution_exemptions = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        load_default=None,
        metadata={
            "description": "pollution level (heavy, light_moderate) → grades exempt from emergency "
            'measures; Shaoxing (S4 §四(三)): {"heavy": ["A+", "A", "leading"], '
            '"light_moderate": ["A+", "A", "B", "B-", "leading"]}; empty: national tables only'
        },
    )
    note = ma.fields.String(load_default=None, allow_none=True, load_only=True)


class JurisdictionSchema(ma.Schema):
    in_force = ma.fields.Nested(SettingsSchema, metadata={"description": "today; else defaults"})
    versions = ma.fields.List(ma.fields.Nested(SettingsSchema))


@blp.route("/<city>/settings")
class Settings(MethodView):
    @blp.response(200, JurisdictionSchema)
    def get(self, city: str):
        """The rules in force today and every version (reviewers)"""
        return jurisdiction.describe(db_session(), current_actor(), city)

    @blp.arguments(SettingsSchema)
    @blp.response(201, SettingsSchema)
    def post(self, data, city: str):
        """Add the next version of the city's rules (admin); a rate under 0.30 is refused"""
        return jurisdiction.add_version(db_session(), actor=current_actor(), city=city, **data)
