"""Brute-force throttling of sign-in, per account and per client address, kept in SQL.

Every door that checks a password (the API's token endpoint, the gateway's basic auth, the
reviewer sign-in page, a password change) asks ``check`` *before* the hash check and reports a
wrong password with ``failed``. The limits are ``server.config.SignInLimits``: a few free
failures, then growing waits, then a temporary lock-out. The counts live in
``sign_in_failures``, so every worker process and machine counts the same failures; each
failure and each lock-out is an audit event. Time is ``server.clock.now``.

An account is counted under the username asked for, existing or not, so the throttle tells an
attacker nothing about which accounts exist. The lock-out is temporary by design: whoever
locks an account out from elsewhere delays its owner by at most ``lock_seconds``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import case, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server import clock
from server.accounts.errors import SignInThrottled
from server.accounts.models import SignInFailures
from server.audit.service import record
from server.config import SignInLimits

ACCOUNT, ADDRESS = "account", "address"
_KEY_LENGTH = 100


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: the username asked for, the client's address, and the door."""

    username: str
    address: str
    door: str  # "api", "gateway", "web", "password_change"

    @property
    def account_key(self) -> str:
        return self.username.strip().lower()[:_KEY_LENGTH]

    @property
    def address_key(self) -> str:
        return (self.address or "unknown")[:_KEY_LENGTH]


def _delay(failures: int, free: int, limits: SignInLimits) -> int:
    """Seconds the next attempt waits after ``failures`` recent failures."""
    if failures <= free:
        return 0
    return min(2 ** (failures - free), limits.max_delay)


def _wait_until(
    row: SignInFailures, free: int, limits: SignInLimits, now: dt.datetime
) -> tuple[dt.datetime, bool] | None:
    """When the next attempt may come, and whether that is a lock-out; None: now."""
    if now - row.last_at >= dt.timedelta(seconds=limits.lock_seconds):
        return None  # forgotten
    if row.locked_until is not None and row.locked_until > now:
        return row.locked_until, True
    until = row.last_at + dt.timedelta(seconds=_delay(row.failures, free, limits))
    return (until, False) if until > now else None


def _rows(session: Session, attempt: Attempt) -> list[tuple[str, SignInFailures | None]]:
    return [
        (ACCOUNT, session.get(SignInFailures, (ACCOUNT, attempt.account_key))),
        (ADDRESS, session.get(SignInFailures, (ADDRESS, attempt.address_key))),
    ]


def check(session: Session, attempt: Attempt, limits: SignInLimits) -> None:
    """Refuse the attempt while its account or address must wait. Raises SignInThrottled."""
    now = clock.now()
    waits = []
    for kind, row in _rows(session, attempt):
        if row is None:
            continue
        free = limits.free_failures if kind == ACCOUNT else limits.lock_after
        wait = _wait_until(row, free, limits, now)
        if wait is not None:
            waits.append((wait[0], wait[1], kind))
    if not waits:
        return
    until, locked, kind = max(waits)
    seconds = max(1, math.ceil((until - now).total_seconds()))
    raise _throttled(seconds, locked, kind)


def _throttled(seconds: int, locked: bool, kind: str) -> SignInThrottled:
    if not locked:
        return SignInThrottled(
            f"密码错误次数过多，请等待 {seconds} 秒后再试。",
            f"Too many wrong passwords; wait {seconds} seconds before trying again.",
            retry_after=seconds,
            locked=False,
        )
    minutes = max(1, math.ceil(seconds / 60))
    who_zh, who_en = (
        ("该账户", "this account") if kind == ACCOUNT else ("您的网络地址", "your address")
    )
    return SignInThrottled(
        f"由于多次密码错误，{who_zh}已被暂时锁定，请在 {minutes} 分钟后再试。"
        "如果不是您本人操作，请联系管理员。",
        f"After too many wrong passwords, {who_en} is locked for now; try again in {minutes} "
        "minutes. If this was not you, tell an administrator.",
        retry_after=seconds,
        locked=True,
    )


def repeated(session: Session, attempt: Attempt, digest: str, limits: SignInLimits) -> bool:
    """Is this the same wrong password as the account's last failure (a device retrying an old
    password)? It is refused again without counting as another guess."""
    row = session.get(SignInFailures, (ACCOUNT, attempt.account_key))
    if row is None or row.last_digest != digest:
        return False
    return clock.now() - row.last_at < dt.timedelta(seconds=limits.lock_seconds)


def _bump(
    session: Session, kind: str, key: str, digest: str | None, cutoff: dt.datetime, now: dt.datetime
) -> SignInFailures:
    table = SignInFailures
    stale = table.last_at < cutoff
    bump = (
        update(table)
        .where(table.kind == kind, table.key == key)
        .values(
            failures=case((stale, 1), else_=table.failures + 1),
            locked_until=case((stale, None), else_=table.locked_until),
            last_at=now,
            last_digest=digest,
        )
        .execution_options(synchronize_session=False)
    )
    if session.execute(bump).rowcount == 0:  # type: ignore[attr-defined]
        try:
            with session.begin_nested():  # another failure at the same moment may insert first
                session.add(table(kind=kind, key=key, failures=1, last_at=now, last_digest=digest))
        except IntegrityError:
            session.execute(bump)
    row = session.get(table, (kind, key), populate_existing=True)
    assert row is not None
    return row


def failed(
    session: Session,
    attempt: Attempt,
    limits: SignInLimits,
    *,
    user_id: int | None,
    digest: str,
) -> None:
    """Count a wrong password against the account and the address; lock either out when it
    reaches its limit. Each failure and lock-out is an audit event. Flushes."""
    now = clock.now()
    cutoff = now - dt.timedelta(seconds=limits.lock_seconds)
    account = _bump(session, ACCOUNT, attempt.account_key, digest, cutoff, now)
    address = _bump(session, ADDRESS, attempt.address_key, None, cutoff, now)
    record(
        session,
        actor_id=None,
        action="auth.sign_in_failed",
        subject_type="user",
        subject_id=user_id,
        data={
            "username": attempt.username[:_KEY_LENGTH],
            "address": attempt.address_key,
            "door": attempt.door,
            "account_failures": account.failures,
            "address_failures": address.failures,
        },
    )
    until = now + dt.timedelta(seconds=limits.lock_seconds)
    for kind, row, limit in (
        (ACCOUNT, account, limits.lock_after),
        (ADDRESS, address, limits.address_lock_after),
    ):
        if row.failures >= limit and (row.locked_until is None or row.locked_until <= now):
            row.locked_until = until
            record(
                session,
                actor_id=None,
                action="auth.locked_out",
                subject_type="user",
                subject_id=user_id,
                data={
                    "kind": kind,
                    "key": row.key,
                    "door": attempt.door,
                    "failures": row.failures,
                    "until": until.isoformat(),
                },
            )
    session.flush()


def forget_account(session: Session, username: str) -> None:
    """Clear an account's failures: a good password, or a new password set."""
    session.execute(
        delete(SignInFailures).where(
            SignInFailures.kind == ACCOUNT,
            SignInFailures.key == username.strip().lower()[:_KEY_LENGTH],
        )
    )
