"""The user model. A user with no county works city-wide."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class Role(enum.StrEnum):
    inspector = "inspector"
    county_reviewer = "county_reviewer"
    city_reviewer = "city_reviewer"
    admin = "admin"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    city: Mapped[str] = mapped_column(String(50))
    county: Mapped[str | None] = mapped_column(String(50))
    # Rule 9: a blacklisted expert may not review at all.
    blacklisted: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to revoke every token issued before (password change, deactivation).
    token_generation: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class SignInFailures(Base):
    """Recent wrong passwords of one account (``kind`` "account", ``key`` the username asked
    for, existing or not) or from one client address (``kind`` "address"); in SQL so every
    worker process counts the same failures. See ``server.accounts.throttle``."""

    __tablename__ = "sign_in_failures"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]
    # A keyed digest of the last wrong password: the same wrong password sent again (a tablet
    # still syncing with an old one) is refused without counting as another guess.
    last_digest: Mapped[str | None] = mapped_column(String(64))


class WebSession(Base):
    """A sign-in to the reviewer pages. The cookie carries the random id; signing out ends the
    row, so a copy of the old cookie no longer works."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None]
