"""The review errors: refusals of the workflow, of batches and of jurisdiction settings."""

from __future__ import annotations

from server.errors import Conflict, ValidationFailed


class IllegalTransition(Conflict):
    """The filing's state does not allow the action; the message says what would."""

    code = "workflow.illegal_transition"


class MissingItemsRequired(ValidationFailed):
    """Returning for supplement needs the complete list of missing items (S4 §三(二))."""

    code = "workflow.missing_items_required"


class RateTooLow(ValidationFailed):
    """Rule 12: at least 30% of B applicants are checked on site."""

    code = "sampling.rate_too_low"


class BatchOverlap(Conflict):
    code = "batch.overlap"
