"""Inspection forms: list, versions, one version, the forms a filing needs, dry-run validation."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from inspection_forms import PlantContext
from server.api.forms.schemas import (
    DryRunResultSchema,
    DryRunSchema,
    FormQuerySchema,
    FormSchema,
    FormSummarySchema,
)
from server.api.scope import db_session
from server.auth import current_actor
from server.filings.repository import get_filing
from server.inspections import forms
from server.registry.repository import get_site

blp = Blueprint("forms", __name__, url_prefix="/api", description="Inspection forms (核查表)")


def _dump(form):
    return form.to_dict()


@blp.route("/forms")
class Forms(MethodView):
    @blp.arguments(FormQuerySchema, location="query")
    @blp.response(200, FormSummarySchema(many=True))
    def get(self, query):
        """List the newest version of each form, by industry and claimed grade"""
        current_actor()
        return [_dump(f) for f in forms.list_forms(**query)]


@blp.route("/forms/<string:form_id>/versions")
class FormVersions(MethodView):
    @blp.response(200, FormSummarySchema(many=True))
    def get(self, form_id: str):
        """Every version of a form, drafts included; published ones never change"""
        current_actor()
        return [_dump(f) for f in forms.form_versions(form_id)]


@blp.route("/forms/<string:form_id>/versions/<int:version>")
class FormVersion(MethodView):
    @blp.response(200, FormSchema)
    def get(self, form_id: str, version: int):
        """One form version with its sections and items"""
        current_actor()
        return _dump(forms.get_form(form_id, version))


@blp.route("/filings/<int:filing_id>/forms")
class FilingForms(MethodView):
    @blp.response(200, FormSummarySchema(many=True))
    def get(self, filing_id: int):
        """The published forms a filing's industries and claimed grades call for"""
        actor = current_actor()
        actor.require_registry_reader()
        filing = get_filing(db_session(), actor, filing_id)
        return [_dump(f) for f in forms.forms_for_filing(filing)]


@blp.route("/forms/validate")
class DryRun(MethodView):
    @blp.arguments(DryRunSchema)
    @blp.response(200, DryRunResultSchema)
    def post(self, data):
        """Validate a filled inspection against its pinned form version; nothing is stored"""
        actor = current_actor()
        if data.get("site_id") is not None:
            actor.require_registry_reader()
            context = forms.plant_context(get_site(db_session(), actor, data["site_id"]))
        else:
            context = PlantContext(
                lines=tuple(data["lines"]),
                gates=tuple(data["gates"]),
                cems_points=tuple(data["cems_points"]),
            )
        problems = forms.dry_run(data["document"], context)
        return {"valid": not problems, "problems": [p.to_dict() for p in problems]}
