"""Users: creation, signing in (throttled), signed API tokens, and account administration.

Every change that affects who may act (deactivation, a password reset or change) revokes the
user's API tokens, gateway credentials and reviewer page sessions at once, by bumping
``token_generation`` and ending the sessions, and is an audit event.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from server.accounts import sessions, throttle
from server.accounts.actor import Actor
from server.accounts.errors import AccountChangeRefused, WrongCurrentPassword
from server.accounts.models import Role, User
from server.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from server.accounts.repository import get_user
from server.accounts.throttle import Attempt
from server.audit.service import record
from server.config import SignInLimits
from server.errors import DuplicateUser, Unauthenticated, ValidationFailed

__all__ = ["MIN_PASSWORD_LENGTH", "Attempt", "hash_password"]

_TOKEN_SALT = "api-token"
# Compared against when the user does not exist, so a wrong username costs as much as a wrong
# password and the two cannot be told apart by timing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(
    session: Session,
    *,
    actor: Actor | None,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    display_name: str,
    role: Role,
    city: str,
    county: str | None = None,
) -> User:
    """Create a user. Raises DuplicateUser, WeakPassword, ValidationFailed (county reviewer
    without county)."""
    if actor is not None:
        actor.require(Role.admin)
    if role is Role.county_reviewer and not county:
        raise ValidationFailed(
            "a county reviewer needs a county", errors={"county": ["required for this role"]}
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise DuplicateUser(f"user {username!r} already exists")
    if password_hash is None:
        if password is None:
            raise ValidationFailed("password required", errors={"password": ["required"]})
        password_hash = hash_password(password, username=username)
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        city=city,
        county=county,
    )
    session.add(user)
    session.flush()  # the id goes into the audit event
    record(
        session,
        actor_id=actor.user_id if actor else None,
        action="user.created",
        subject_type="user",
        subject_id=user.id,
        data={"username": username, "role": role.value, "county": county},
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials, unthrottled: for ``sign_in`` and tools, never
    for a request. Raises Unauthenticated, saying nothing more."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthenticated("wrong username or password")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise Unauthenticated("wrong username or password")
    return user


def _digest(secret_key: str, attempt: Attempt, password: str) -> str:
    message = f"{attempt.account_key}\0{password}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def sign_in(
    session: Session,
    attempt: Attempt,
    password: str,
    *,
    limits: SignInLimits,
    secret_key: str,
) -> User:
    """The active user with these credentials, throttled per account and per address.

    Raises SignInThrottled (wait, or locked out; before any hash check), Unauthenticated. A
    failure is flushed with its audit event: the caller commits it even though it refuses.
    """
    throttle.check(session, attempt, limits)
    digest = _digest(secret_key, attempt, password)
    if throttle.repeated(session, attempt, digest, limits):
        raise Unauthenticated("wrong username or password")
    try:
        user = authenticate(session, attempt.username, password)
    except Unauthenticated:
        known = session.scalar(select(User.id).where(User.username == attempt.username))
        throttle.failed(session, attempt, limits, user_id=known, digest=digest)
        raise
    throttle.forget_account(session, attempt.username)
    return user


def issue_token(secret_key: str, user: User) -> str:
    serializer = URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT)
    return serializer.dumps({"uid": user.id, "gen": user.token_generation})


def user_for_token(session: Session, secret_key: str, token: str, max_age: int) -> User:
    """The user a token was issued to. Raises Unauthenticated when expired, forged or revoked."""
    serializer = URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise Unauthenticated("token expired; ask for a new one at /api/auth/token") from exc
    except BadSignature as exc:
        raise Unauthenticated("token not valid") from exc
    user = session.get(User, payload.get("uid"))
    if user is None or not user.active or user.token_generation != payload.get("gen"):
        raise Unauthenticated("token revoked; ask for a new one at /api/auth/token")
    return user


# --- account administration -------------------------------------------------------------------


def revoke(session: Session, user: User) -> int:
    """End everything the user is signed in with: API tokens and gateway credentials (the
    token generation) and reviewer page sessions; how many page sessions were open. Its sign-in
    failures are forgotten too: they were counted against credentials that changed. Flushes."""
    user.token_generation += 1
    ended = sessions.end_all(session, user.id)
    throttle.forget_account(session, user.username)
    session.flush()
    return ended


def _audit(session: Session, actor: Actor, action: str, user: User, **data: object) -> None:
    record(
        session,
        actor_id=actor.user_id,
        action=f"user.{action}",
        subject_type="user",
        subject_id=user.id,
        data={"username": user.username, **data},
    )


def set_active(session: Session, *, actor: Actor, user_id: int, active: bool) -> User:
    """An admin deactivates (and revokes) or reactivates an account.

    Raises Forbidden (not an admin), NotFound, AccountChangeRefused (deactivating oneself).
    """
    actor.require(Role.admin)
    user = get_user(session, user_id)
    if not active and user.id == actor.user_id:
        raise AccountChangeRefused(
            "管理员不能停用自己的账户；请由另一位管理员操作。 / An administrator cannot "
            "deactivate their own account; another administrator must."
        )
    if user.active == active:
        return user
    user.active = active
    ended = revoke(session, user)
    _audit(session, actor, "activated" if active else "deactivated", user, sessions_ended=ended)
    return user


def reset_password(session: Session, *, actor: Actor, user_id: int, new_password: str) -> User:
    """An admin sets a new password for an account, which revokes all its sign-ins.

    Raises Forbidden (not an admin), NotFound, WeakPassword.
    """
    actor.require(Role.admin)
    user = get_user(session, user_id)
    user.password_hash = hash_password(new_password, username=user.username)
    ended = revoke(session, user)
    _audit(session, actor, "password_reset", user, sessions_ended=ended)
    return user


def change_own_password(
    session: Session,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    address: str,
    limits: SignInLimits,
    secret_key: str,
) -> User:
    """A user changes their own password, giving the current one (throttled like a sign-in);
    every sign-in of theirs, this one included, is revoked.

    Raises SignInThrottled, WrongCurrentPassword, WeakPassword.
    """
    user = get_user(session, actor.user_id)
    attempt = Attempt(user.username, address, "password_change")
    try:
        sign_in(session, attempt, current_password, limits=limits, secret_key=secret_key)
    except Unauthenticated as exc:
        raise WrongCurrentPassword(
            "当前密码不正确。 / The current password is not correct."
        ) from exc
    user.password_hash = hash_password(new_password, username=user.username)
    ended = revoke(session, user)
    _audit(session, actor, "password_changed", user, sessions_ended=ended)
    return user
