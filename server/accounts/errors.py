"""The refusals of accounts: sign-in throttling, weak passwords, account administration.

Each message is whole sentences, Chinese first and then English; the API shows both.
"""

from __future__ import annotations

from typing import Any

from server.errors import DomainError, Forbidden, Unauthenticated, ValidationFailed


class SignInThrottled(DomainError):
    """Too many wrong passwords for this account or from this address: wait ``retry_after``
    seconds (a short delay, or a lock-out of up to 15 minutes)."""

    status = 429
    code = "auth.throttled"

    def __init__(self, zh: str, en: str, *, retry_after: int, locked: bool) -> None:
        super().__init__(f"{zh} / {en}", errors={})
        self.message_zh, self.message_en = zh, en
        self.retry_after = retry_after
        self.locked = locked


class WeakPassword(ValidationFailed):
    """Too short, too common, or the username itself."""

    code = "password.weak"

    def __init__(self, zh: str, en: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{zh} / {en}", errors=errors)
        self.message_zh, self.message_en = zh, en


class WrongCurrentPassword(Unauthenticated):
    """Changing one's own password needs the current one."""

    code = "password.wrong_current"


class AccountChangeRefused(Forbidden):
    """An account change that is not the actor's to make (an admin deactivating themselves)."""

    code = "user.change_refused"
