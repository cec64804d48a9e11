"""Who is replicating: the API's bearer tokens, or HTTP basic auth with the same accounts.

PouchDB sends basic credentials on every request of a replication. Checking a password hash
each time would cost tens of milliseconds per request, so a verified (username, password) pair is
remembered for a short while in this process, with the token generation it was verified under.
The account's active flag and token generation are read from SQL on every request, so a
deactivation, a password reset or change (each bumps the generation) stops the cached pair at
once in every process, with no grace period; the old password then goes through the throttled
check again and fails. Only verified pairs are cached, never a failure; a miss goes through
``server.auth.password_sign_in``, which throttles before it checks the hash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
import time
from collections import OrderedDict

from flask import current_app, request
from sqlalchemy.orm import Session

from server.accounts.models import User
from server.accounts.service import user_for_token
from server.auth import password_sign_in
from server.errors import Unauthenticated

_CACHE_SECONDS = 300
_CACHE_SIZE = 4096
_verified: OrderedDict[bytes, tuple[int, int, float]] = OrderedDict()
_lock = threading.Lock()


def gateway_user(session: Session) -> User:
    """The user behind the request's credentials. Raises Unauthenticated."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    settings = current_app.config["SETTINGS"]
    if scheme.lower() == "bearer" and value.strip():
        return user_for_token(session, settings.secret_key, value.strip(), settings.token_max_age)
    if scheme.lower() == "basic" and value.strip():
        username, password = _basic(value.strip())
        return _basic_user(session, username, password)
    raise Unauthenticated("send your credentials (basic auth or a bearer token)")


def _basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise Unauthenticated("malformed basic credentials") from exc
    username, sep, password = decoded.partition(":")
    if not sep:
        raise Unauthenticated("malformed basic credentials")
    return username, password


def _basic_user(session: Session, username: str, password: str) -> User:
    key = hashlib.sha256(f"{username}\0{password}".encode()).digest()
    now = time.monotonic()
    with _lock:
        hit = _verified.get(key)
    if hit is not None and hit[2] > now:
        user = session.get(User, hit[0])
        if user is not None and user.active and user.token_generation == hit[1]:
            return user
        with _lock:  # revoked: forget it
            _verified.pop(key, None)
    user = password_sign_in(username, password, "gateway")
    with _lock:
        _verified[key] = (user.id, user.token_generation, now + _CACHE_SECONDS)
        _verified.move_to_end(key)
        while len(_verified) > _CACHE_SIZE:
            _verified.popitem(last=False)
    return user
