"""Users: the caller's own account, and account administration for admins."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters

from server.accounts import repository
from server.accounts.models import Role
from server.accounts.service import create_user
from server.api.common import page_window
from server.api.scope import db_session
from server.api.users.schemas import UserCreateSchema, UserQuerySchema, UserSchema
from server.auth import current_actor

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
