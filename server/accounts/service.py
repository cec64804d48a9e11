"""Users: creation, password checks and signed API tokens."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.audit.service import record
from server.errors import DuplicateUser, Unauthenticated, ValidationFailed

MIN_PASSWORD_LENGTH = 8
_TOKEN_SALT = "api-token"
# Compared against when the user does not exist, so a wrong username costs as much as a wrong
# password and the two cannot be told apart by timing.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            "password too short",
            errors={"password": [f"must be at least {MIN_PASSWORD_LENGTH} characters"]},
        )
    return generate_password_hash(password)


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
    """Create a user. Raises DuplicateUser, ValidationFailed (county reviewer without county)."""
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
        password_hash = hash_password(password)
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
    """The active user with these credentials. Raises Unauthenticated, saying nothing more."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        raise Unauthenticated("wrong username or password")
    if not check_password_hash(user.password_hash, password) or not user.active:
        raise Unauthenticated("wrong username or password")
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
