"""Helpers every resource uses: ETags from row versions, pagination, the error schema."""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint, abort
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import func, select


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


# Query parameters flask-smorest's pagination reads besides a list's own filters.
PAGINATION_ARGS = frozenset({"page", "page_size"})
DIVISION_CODE = re.compile(r"^\d{6}$")


class QueryArgs(ma.Schema):
    """The base of every list's query filters: a parameter the list does not know is a 422
    saying which ones it knows (never silently ignored, which would answer an unfiltered list);
    ``county`` takes the county's name (驿城区) or its GB/T 2260 division code (411702)."""

    @ma.validates_schema(pass_original=True)
    def _no_unknown_filters(self, _data: Any, original: Any, **_kw: Any) -> None:
        known = set(self.fields) | PAGINATION_ARGS
        unknown = sorted(set(original or {}) - known)
        if unknown:
            accepted = ", ".join(sorted(known))
            raise ma.ValidationError(
                {
                    name: [
                        f"未知的筛选参数 “{name}”；可用：{accepted}。"
                        f"Unknown filter “{name}”; this list accepts {accepted}."
                    ]
                    for name in unknown
                }
            )

    @ma.post_load
    def _county_by_code(self, data: dict[str, Any], **_kw: Any) -> dict[str, Any]:
        county = data.get("county")
        if isinstance(county, str) and DIVISION_CODE.match(county.strip()):
            data["county"] = county_by_division(county.strip())
        return data


def county_by_division(code: str) -> str:
    """The county a GB/T 2260 division code names in this city's registry: the county its
    enterprises registered there (a credit code's characters 3-8 are the division) are filed
    under. Raises a 422 when no enterprise is registered under that code."""
    from server.api.scope import db_session
    from server.registry.models import Enterprise

    found = (
        db_session()
        .execute(
            select(Enterprise.county, func.count())
            .where(func.substr(Enterprise.credit_code, 3, 6) == code)
            .group_by(Enterprise.county)
            .order_by(func.count().desc())
            .limit(1)
        )
        .first()
    )
    if found is None:
        raise ma.ValidationError(
            {
                "county": [
                    f"没有登记在行政区划代码 {code} 下的企业；请用县区名称或本市的区划代码。"
                    f"No enterprise is registered under division code {code}; use the county's "
                    "name or a division code of this city."
                ]
            }
        )
    return str(found[0])
