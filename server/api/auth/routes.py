"""Sign-in: a username and password for a signed, expiring bearer token."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from server.accounts.service import issue_token
from server.api.auth.schemas import TokenRequestSchema, TokenSchema
from server.auth import password_sign_in, public
from server.errors import ValidationFailed

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Sign-in")

_REQUEST_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": TokenRequestSchema},
        "application/x-www-form-urlencoded": {"schema": TokenRequestSchema},
    },
}


@blp.route("/token")
@public
class Token(MethodView):
    @blp.doc(security=[], requestBody=_REQUEST_BODY)
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, description="wrong username or password")
    @blp.alt_response(
        429,
        description="too many wrong passwords for this account or from this address: wait "
        "the seconds in Retry-After (growing delays, then a lock-out of up to 15 minutes)",
    )
    def post(self):
        """Exchange a username and password (JSON or form) for a bearer token; throttled per
        account and per address"""
        raw = request.form if request.form else (request.get_json(silent=True) or {})
        errors = TokenRequestSchema().validate(raw)
        if errors:
            raise ValidationFailed("username and password are required", errors=errors)
        user = password_sign_in(raw["username"], raw["password"], "api")
        settings = current_app.config["SETTINGS"]
        return {
            "access_token": issue_token(settings.secret_key, user),
            "token_type": "bearer",
            "expires_in": settings.token_max_age,
            "user": user,
        }
