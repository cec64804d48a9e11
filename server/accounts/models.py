"""The user model. A user with no county works city-wide."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Enum, String
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
