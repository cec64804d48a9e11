"""Which passwords may be set: at least ``MIN_PASSWORD_LENGTH`` characters, not the username,
and not among the common passwords of ``data/common-passwords.txt.gz``.

That list is the 20,000 most common passwords compiled by Royce Williams
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), lowercased and
deduplicated, as Django ships it (django/contrib/auth/common-passwords.txt.gz, Django 5.2.8,
BSD licence). It holds the usual Chinese choices too (woaini1314, 1qaz2wsx3edc, a123456789).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from werkzeug.security import generate_password_hash

from server.accounts.errors import WeakPassword

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def check_password(password: str, *, username: str | None = None) -> None:
    """Refuse a password nobody should be allowed to set. Raises WeakPassword."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"密码太短：至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            f"The password is too short: it needs at least {MIN_PASSWORD_LENGTH} characters.",
            errors={"password": [f"at least {MIN_PASSWORD_LENGTH} characters"]},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"密码太长：最多 {MAX_PASSWORD_LENGTH} 个字符。",
            f"The password is too long: at most {MAX_PASSWORD_LENGTH} characters.",
            errors={"password": [f"at most {MAX_PASSWORD_LENGTH} characters"]},
        )
    lowered = password.strip().lower()
    if username and lowered == username.strip().lower():
        raise WeakPassword(
            "密码不能与用户名相同。",
            "The password must not be the username.",
            errors={"password": ["must not be the username"]},
        )
    if lowered in common_passwords():
        raise WeakPassword(
            "这个密码太常见，很容易被猜中；请换一个不常见的密码，例如几个无关词语的组合。",
            "This password is too common and easily guessed; choose an uncommon one, for "
            "example several unrelated words together.",
            errors={"password": ["too common"]},
        )


def hash_password(password: str, *, username: str | None = None) -> str:
    """The stored hash of an acceptable password. Raises WeakPassword."""
    check_password(password, username=username)
    return generate_password_hash(password)
