"""Users: the caller's own account, and account administration for admins.

Deactivating, reactivating, resetting a password and changing one's own each revoke the user's
tokens, gateway credentials and page sessions at once; who may is checked in
``server.accounts.service``, and each is an audit event.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.accounts import repository
from server.accounts.errors import WrongCurrentPassword
from server.accounts.models import Role
from server.accounts.service import change_own_password, create_user, reset_password, set_active
from server.api.common import page_window
from server.api.scope import db_session
from server.api.users.schemas import (
    PasswordChangeSchema,
    PasswordResetSchema,
    UserCreateSchema,
    UserQuerySchema,
    UserSchema,
)
from server.auth import client_address, current_actor

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Accounts and roles")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The account the token belongs to"""
        return repository.get_user(db_session(), current_actor().user_id)


@blp.route("")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters: PaginationParameters):
        """List accounts (admin only)"""
        actor = current_actor()
        actor.require(Role.admin)
        offset, limit = page_window(pagination_parameters)
        rows, total = repository.list_users(
            db_session(),
            role=query.get("role"),
            county=query.get("county"),
            offset=offset,
            limit=limit,
        )
        pagination_parameters.item_count = total
        return rows

    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create an account (admin only); the password is stored hashed"""
        return create_user(db_session(), actor=current_actor(), **data)


@blp.route("/me/password")
class MyPassword(MethodView):
    @blp.arguments(PasswordChangeSchema)
    @blp.response(200, UserSchema)
    @blp.alt_response(401, description="the current password is wrong")
    @blp.alt_response(429, description="too many wrong passwords: wait (Retry-After)")
    def post(self, data):
        """Change your own password (the current one is needed); all your tokens and sessions
        end, this one included"""
        settings = current_app.config["SETTINGS"]
        session = db_session()
        try:
            return change_own_password(
                session,
                actor=current_actor(),
                current_password=data["current_password"],
                new_password=data["new_password"],
                address=client_address(),
                limits=settings.sign_in,
                secret_key=settings.secret_key,
            )
        except WrongCurrentPassword:
            session.commit()  # the wrong password counts against the throttle
            raise


@blp.route("/<int:user_id>/deactivation")
class Deactivation(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id: int):
        """Deactivate an account (admin only): it can no longer sign in, and its tokens,
        gateway credentials and page sessions end at once"""
        return set_active(db_session(), actor=current_actor(), user_id=user_id, active=False)


@blp.route("/<int:user_id>/activation")
class Activation(MethodView):
    @blp.response(200, UserSchema)
    def post(self, user_id: int):
        """Reactivate an account (admin only); it signs in again with its password"""
        return set_active(db_session(), actor=current_actor(), user_id=user_id, active=True)


@blp.route("/<int:user_id>/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetSchema)
    @blp.response(200, UserSchema)
    def post(self, data, user_id: int):
        """Set a new password for an account (admin only); its tokens, gateway credentials
        and page sessions end at once"""
        return reset_password(
            db_session(), actor=current_actor(), user_id=user_id, new_password=data["new_password"]
        )
