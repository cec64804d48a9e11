"""Decided grades: a filing's grade history, and downgrades after a later check (rule 14)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.grades.schemas import DowngradeSchema, FilingGradeSchema
from server.api.scope import db_session
from server.auth import current_actor
from server.review import downgrades, grades

blp = Blueprint("grades", __name__, url_prefix="/api", description="Decided grades and downgrades")


@blp.route("/filings/<int:filing_id>/grades")
class FilingGrades(MethodView):
    @blp.response(200, FilingGradeSchema)
    def get(self, filing_id: int):
        """The decided grade that counts, its history (decisions, downgrades), and the site's
        filings of the year with the one that stands (reviewers in scope)"""
        return grades.grade_view(db_session(), current_actor(), filing_id)


@blp.route("/filings/<int:filing_id>/downgrades")
class Downgrades(MethodView):
    @blp.arguments(DowngradeSchema)
    @blp.response(201, DowngradeSchema)
    def post(self, data, filing_id: int):
        """Downgrade a decided filing after a later check: new grade, check, reason, evidence
        (city reviewers); false material: lowest grade and an integrity record"""
        return downgrades.downgrade_filing(
            db_session(), actor=current_actor(), filing_id=filing_id, **data
        )
