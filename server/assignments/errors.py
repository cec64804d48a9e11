"""Assignment refusals. A team check collects every problem; the code names the gravest."""

from __future__ import annotations

from server.errors import Conflict, ValidationFailed


class TeamRefused(ValidationFailed):
    code = "assignment.team_refused"


class ConflictOfInterest(TeamRefused):
    """Rule 9 (S2 §二): someone who served the plant may not check it."""

    code = "assignment.conflict_of_interest"


class BlacklistedExpert(TeamRefused):
    """Rule 9 (S1 §(九)): a blacklisted expert may not review at all."""

    code = "assignment.blacklisted"


class NotInspector(TeamRefused):
    code = "assignment.not_inspector"


class TeamTooSmall(TeamRefused):
    code = "assignment.team_too_small"


class BadWindow(ValidationFailed):
    code = "assignment.window_invalid"


class NotSelected(Conflict):
    """Only full checks and filings a draw selected are checked on site."""

    code = "assignment.not_selected"


class CountyCheckRefused(Conflict):
    """S4 §三(二): the county checks on site the A, B (incl. B-) and leading applicants in its
    own review; nothing else is a county check."""

    code = "assignment.county_check_refused"


class DuplicateAssignment(Conflict):
    code = "assignment.duplicate"


class FilingClosed(Conflict):
    code = "assignment.filing_closed"


class IllegalStatusChange(Conflict):
    code = "assignment.illegal_status_change"


class ClaimNotCoverable(ValidationFailed):
    """Issue 17: every claimed indicator needs an item that can verify it; a claim whose
    category has no generator and no form item is refused at publication, never left out."""

    code = "assignment.claim_not_coverable"
