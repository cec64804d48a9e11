"""The review errors: refusals of the workflow, of batches, of jurisdiction settings and of decisions."""

from __future__ import annotations

from typing import Any

from server.errors import Conflict, DomainError, Forbidden, ValidationFailed


class IllegalTransition(Conflict):
    """The filing's state does not allow the action; the message says what would."""

    code = "workflow.illegal_transition"


class DecisionOnlyByFourEyes(Forbidden):
    """A filing is decided only by a confirmed two-person decision (one city reviewer proposes,
    another confirms), never by a workflow step taken alone, not even by an admin."""

    code = "workflow.decide_needs_two_reviewers"


class DowngradeNeedsGrade(ValidationFailed):
    """A downgrade (rule 14) records its new grade, reason and evidence: never a bare step."""

    code = "workflow.downgrade_needs_grade"


class MissingItemsRequired(ValidationFailed):
    """Returning for supplement needs the complete list of missing items (S4 §三(二))."""

    code = "workflow.missing_items_required"


class ItemsNotToldAtOnce(ValidationFailed):
    """S4 §三(二) 一次性告知: a later return may list only items left unfixed or problems of the
    material the supplement brought; anything else should have been told the first time."""

    code = "workflow.items_not_told_at_once"


class CountyCheckOpen(Conflict):
    """S4 §三(二): the county checks on site before it forwards; a check still planned or under
    way is finished (done) or cancelled first."""

    code = "workflow.county_check_open"


class RateTooLow(ValidationFailed):
    """Rule 12: at least 30% of B applicants are checked on site."""

    code = "sampling.rate_too_low"


class BatchOverlap(Conflict):
    code = "batch.overlap"


# --- Review decisions (four eyes): each refusal says, in Chinese and in English, what to do.


class DecisionRefused(DomainError):
    """A refusal of the decision rules; ``message_zh`` and ``message_en`` for pages that show
    one language (the API's ``message`` carries both)."""

    code = "decision.refused"

    def __init__(self, zh: str, en: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{zh} / {en}", errors=errors)
        self.message_zh, self.message_en = zh, en


class DecisionRoleRefused(DecisionRefused, Forbidden):
    """Only city reviewers decide (the decide step is the city's, S4 §三(三))."""

    code = "decision.not_city_reviewer"


class DeciderBlacklisted(DecisionRefused, Forbidden):
    """Rule 9 (S1 §(九)): a blacklisted expert may not review at all."""

    code = "decision.blacklisted"


class DeciderWasOnVisit(DecisionRefused, Forbidden):
    """A member of a visit of the filing may neither propose nor confirm its decision."""

    code = "decision.visit_member"


class DeciderConflicted(DecisionRefused, Forbidden):
    """Rule 9 (S2 §二): someone who declared a conflict with the plant may not review it."""

    code = "decision.conflict_of_interest"


class SamePersonTwice(DecisionRefused, Forbidden):
    """Four eyes: the reviewer who proposed may not confirm or reject."""

    code = "decision.same_person"


class NotProposer(DecisionRefused, Forbidden):
    code = "decision.not_proposer"


class FilingNotAtDecision(DecisionRefused, Conflict):
    """Decisions are taken while the filing is in city review."""

    code = "decision.filing_not_in_city_review"


class OpenProposalExists(DecisionRefused, Conflict):
    code = "decision.open_proposal_exists"


class DecisionNotOpen(DecisionRefused, Conflict):
    """Only a proposed decision may be confirmed, rejected or withdrawn."""

    code = "decision.not_open"


class ReasonRequired(DecisionRefused, ValidationFailed):
    code = "decision.reason_required"


class UnknownReasonCode(DecisionRefused, ValidationFailed):
    code = "decision.reason_unknown"


class ReasonNotForOutcome(DecisionRefused, ValidationFailed):
    code = "decision.reason_not_for_outcome"


class DecisionGradeInvalid(DecisionRefused, ValidationFailed):
    """The grade does not fit the outcome, the industry's scale or the claim."""

    code = "decision.grade_invalid"


class DecisionInputInvalid(DecisionRefused, ValidationFailed):
    """An unknown outcome, a missing or over-long comment, a malformed fingerprint."""

    code = "decision.invalid"


class DecisionAgainstRule(DecisionRefused, Conflict):
    """The decision breaks a rule of the notices as the filing stands on the decision day; the
    message states the rule and its source in words, and what decision would fit."""

    code = "decision.against_rule"


class OnSiteCheckRequired(DecisionAgainstRule):
    """Rule 12 (S4 §三(三)): A, A+, leading and drawn B applicants are verified on site, while
    the plant produces normally (rule 5)."""

    code = "decision.on_site_check_required"


class ExcludedAtDecision(DecisionAgainstRule):
    """Rules 6 and 7: a penalty, a downgrade or the integrity record bars the grade on the
    decision day."""

    code = "decision.grade_excluded"


class MultiIndustryPolicy(DecisionAgainstRule):
    """Rule 2 (S2 §二, S4 §三(二)): the grade is not what the jurisdiction's multi-industry
    policy gives."""

    code = "decision.multi_industry_policy"


class FalsificationFound(DecisionAgainstRule):
    """Rule 7 (S1 §(五), S4 §三(四)): the visit found deleted video or altered vehicle records."""

    code = "decision.falsification_found"
