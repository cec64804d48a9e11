"""Helpers every resource uses: ETags from row versions, pagination, the error schema."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters


def etag_data(obj: Any) -> dict[str, Any]:
    """What an item's ETag is computed from: its table, id and row version."""
    return {"type": obj.__tablename__, "id": obj.id, "version": obj.version}


def check_etag(blp: Blueprint, obj: Any) -> None:
    """Refuse with 412 unless If-Match carries the item's current ETag."""
    blp.check_etag(etag_data(obj))


def set_etag(blp: Blueprint, obj: Any) -> None:
    blp.set_etag(etag_data(obj))


def page_window(pagination: PaginationParameters) -> tuple[int, int]:
    return pagination.first_item, pagination.page_size


class ErrorSchema(ma.Schema):
    status = ma.fields.Integer()
    code = ma.fields.String()
    message = ma.fields.String()
    errors = ma.fields.Dict()
