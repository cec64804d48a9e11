"""User schemas: what the API shows of a user (never the password hash) and what it takes."""

from __future__ import annotations

import marshmallow as ma

from server.accounts.models import Role
from server.api.common import QueryArgs


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=80))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    role = ma.fields.Enum(Role, by_value=True, required=True)
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=50))
    county = ma.fields.String(load_default=None, allow_none=True)
    blacklisted = ma.fields.Boolean(dump_only=True)
    active = ma.fields.Boolean(dump_only=True)


_PASSWORD_RULE = (
    "at least 10 characters, not the username, not one of 20,000 common passwords "
    "(server/accounts/passwords.py)"
)


def _new_password() -> ma.fields.String:
    return ma.fields.String(required=True, load_only=True, metadata={"description": _PASSWORD_RULE})


class UserCreateSchema(UserSchema):
    password = _new_password()


class PasswordResetSchema(ma.Schema):
    """An administrator sets a new password; every sign-in of the user is revoked."""

    new_password = _new_password()


class PasswordChangeSchema(ma.Schema):
    """A user changes their own password, giving the current one; every sign-in of theirs,
    the token used for this request included, is revoked: ask for a new token."""

    current_password = ma.fields.String(required=True, load_only=True)
    new_password = _new_password()


class UserQuerySchema(QueryArgs):
    role = ma.fields.Enum(Role, by_value=True)
    county = ma.fields.String()
