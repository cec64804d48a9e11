"""Helpers every resource uses: ETags from row versions, pagination, the error schema."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters


def etag_data(obj: Any) -> dict[str, Any]:
    """What an item's ETag is computed from: its table, id and row version."""
    return {"type": obj.__tablename__, "id": obj.id, "version": obj.version}


def check_etag(blp: Blueprint, obj: Any) -> None:
    """Refuse with 412 unless If-Match carries the item's current ETag. ``If-Match: *`` (any
    version) would let a client overwrite a change it never saw: it is refused with 428."""
    if request.if_match.star_tag:
        abort(
            428,
            message=(
                "If-Match: * 不能防止覆盖他人的修改，请发送 GET 得到的 ETag。 "
                "If-Match: * does not protect anyone's change: send the ETag you got from GET."
            ),
        )
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
