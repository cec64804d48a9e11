"""City review decisions with four eyes: propose, then a second city reviewer confirms or
rejects; the proposer may withdraw. The reason codes each outcome allows."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from server.api.decisions.schemas import (
    AnswerSchema,
    DecisionSchema,
    ProposalSchema,
    ReasonCodeSchema,
)
from server.api.scope import db_session
from server.auth import current_actor
from server.review import decisions

blp = Blueprint("decisions", __name__, url_prefix="/api", description="Review decisions")


@blp.route("/filings/<int:filing_id>/decisions")
class FilingDecisions(MethodView):
    @blp.response(200, DecisionSchema(many=True))
    def get(self, filing_id: int):
        """The filing's decisions, oldest first (reviewers in scope)"""
        return decisions.decisions_for(db_session(), filing_id, actor=current_actor())

    @blp.arguments(ProposalSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, filing_id: int):
        """Propose a decision on a filing in city review (a city reviewer who was not on its
        visit); another city reviewer must confirm it"""
        return decisions.propose_decision(
            db_session(), actor=current_actor(), filing_id=filing_id, **data
        )


@blp.route("/decisions/<int:decision_id>/confirmation")
class Confirmation(MethodView):
    @blp.arguments(AnswerSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, decision_id: int):
        """Confirm another reviewer's proposal: it stands and the filing moves on (confirm,
        grade_down: decided; new_visit: stays in city review for a new assignment)"""
        return decisions.confirm_decision(
            db_session(), actor=current_actor(), decision_id=decision_id, **data
        )


@blp.route("/decisions/<int:decision_id>/rejection")
class Rejection(MethodView):
    @blp.arguments(AnswerSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, decision_id: int):
        """Reject another reviewer's proposal, saying why in comment"""
        return decisions.reject_decision(
            db_session(), actor=current_actor(), decision_id=decision_id, **data
        )


@blp.route("/decisions/<int:decision_id>/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(AnswerSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, decision_id: int):
        """Withdraw your own open proposal"""
        return decisions.withdraw_decision(
            db_session(), actor=current_actor(), decision_id=decision_id, **data
        )


@blp.route("/review/reason-codes")
class ReasonCodes(MethodView):
    @blp.response(200, ReasonCodeSchema(many=True))
    def get(self):
        """The reason codes of decisions, with the outcomes each may justify (reviewers)"""
        return decisions.reason_catalogue(current_actor())
