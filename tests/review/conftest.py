"""Shared fixtures of the review, sampling and assignment tests."""

from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_batch,
    make_city_filing,
    make_inspector,
    move,
    visit_at,
)
