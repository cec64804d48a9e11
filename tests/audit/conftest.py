"""Shared fixtures of the audit chain tests: filings moved through the workflow."""

from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_city_filing,
    make_inspector,
    move,
)
