"""Indicator claims: add one to an industry case, read, amend."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.claims.schemas import ClaimPatchSchema, ClaimSchema
from server.api.common import check_etag, set_etag
from server.api.scope import db_session
from server.auth import current_actor
from server.errors import NotFound
from server.filings import repository, service

blp = Blueprint("claims", __name__, url_prefix="/api", description="Indicator claims (差异化指标)")


@blp.route("/filings/<int:filing_id>/cases/<int:case_id>/claims")
class CaseClaims(MethodView):
    @blp.etag
    @blp.arguments(ClaimSchema)
    @blp.response(201, ClaimSchema)
    def post(self, data, filing_id: int, case_id: int):
        """Add an indicator claim to one industry case of a filing"""
        actor = current_actor()
        actor.require_registry_writer()
        session = db_session()
        filing = repository.get_filing(session, actor, filing_id)
        case = next((c for c in filing.cases if c.id == case_id), None)
        if case is None:
            raise NotFound(f"filing {filing_id} has no industry case {case_id}")
        claim = service.add_claim(session, actor=actor, case=case, data=data)
        set_etag(blp, claim)
        return claim


@blp.route("/claims/<int:claim_id>")
class ClaimItem(MethodView):
    @blp.etag
    @blp.response(200, ClaimSchema)
    def get(self, claim_id: int):
        """One indicator claim with its supporting documents"""
        actor = current_actor()
        actor.require_registry_reader()
        claim = repository.get_claim(db_session(), actor, claim_id)
        set_etag(blp, claim)
        return claim

    @blp.etag
    @blp.arguments(ClaimPatchSchema)
    @blp.response(200, ClaimSchema)
    def patch(self, changes, claim_id: int):
        """Amend what a claim states; needs If-Match with its ETag"""
        actor = current_actor()
        actor.require_registry_reader()
        session = db_session()
        claim = repository.get_claim(session, actor, claim_id)
        check_etag(blp, claim)
        if changes:  # an empty PATCH changes nothing: no new version, no audit event
            claim = service.update_claim(session, actor=actor, claim=claim, changes=changes)
        set_etag(blp, claim)
        return claim
