"""User schemas: what the API shows of a user (never the password hash) and what it takes."""

from __future__ import annotations

import marshmallow as ma

from server.accounts.models import Role


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String(required=True, validate=ma.validate.Length(min=2, max=80))
    display_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    role = ma.fields.Enum(Role, by_value=True, required=True)
    city = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=50))
    county = ma.fields.String(load_default=None, allow_none=True)
    blacklisted = ma.fields.Boolean(dump_only=True)
    active = ma.fields.Boolean(dump_only=True)


class UserCreateSchema(UserSchema):
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=8, max=200)
    )


class UserQuerySchema(ma.Schema):
    role = ma.fields.Enum(Role, by_value=True)
    county = ma.fields.String()
