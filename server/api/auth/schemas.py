"""Token request and answer. The answer follows OAuth 2's password grant, so Swagger UI's
'Authorize' dialog can sign in with a username and password."""

from __future__ import annotations

import marshmallow as ma

from server.api.users.schemas import UserSchema


class TokenRequestSchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # OAuth 2 clients also send grant_type, scope, client_id

    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)


class TokenSchema(ma.Schema):
    access_token = ma.fields.String()
    token_type = ma.fields.String(metadata={"example": "bearer"})
    expires_in = ma.fields.Integer(metadata={"description": "seconds"})
    user = ma.fields.Nested(UserSchema)
