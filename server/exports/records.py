"""Rows as JSON for an evidence package: every column, times in UTC, enums by value.

Written from the mapper's columns rather than by hand, so a column added to a model (the audit
chain's ``seq``, ``prev_hash``, ``hash``) is in the next package without anyone remembering.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import inspect

from server.exports.files import utc_iso
from server.filings.models import Filing


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return utc_iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def row(obj: Any, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every mapped column of ``obj`` by attribute name (``Photo.meta``, not ``metadata``)."""
    mapper = inspect(obj).mapper
    return {
        attr.key: jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in leave_out
    }


def filing_record(filing: Filing) -> dict[str, Any]:
    """The filing as filed: the enterprise, the site with its boundary, cases, claims, documents."""
    site = filing.site
    return {
        **row(filing),
        "enterprise": row(site.enterprise),
        "site": row(site),
        "cases": [
            {
                **row(case),
                "claims": [
                    {**row(claim), "documents": [row(doc) for doc in claim.documents]}
                    for claim in case.claims
                ],
            }
            for case in filing.cases
        ],
    }
