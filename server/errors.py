"""The error catalogue: every refusal the domain can give, with its HTTP status and code.

Domain services raise these; ``server.api.errors`` maps them once to the API's error body::

    {"status": 409, "code": "enterprise.duplicate", "message": "...", "errors": {...}}
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "domain.error"

    def __init__(self, message: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class ValidationFailed(DomainError):
    """Input that parses but breaks a domain rule; ``errors`` maps each field to its reasons."""

    status = 422
    code = "validation.failed"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthenticated(DomainError):
    status = 401
    code = "auth.required"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class DuplicateEnterprise(Conflict):
    code = "enterprise.duplicate"


class DuplicateSite(Conflict):
    code = "site.duplicate"


class DuplicateFiling(Conflict):
    code = "filing.duplicate"


class DuplicateUser(Conflict):
    code = "user.duplicate"


class StaleVersion(DomainError):
    """Someone else changed the record since the client read it."""

    status = 412
    code = "precondition.failed"


class ImportRejected(DomainError):
    """A spreadsheet import with bad rows; nothing was written."""

    status = 422
    code = "import.rejected"
