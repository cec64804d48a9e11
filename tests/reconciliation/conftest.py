"""The SQL reconciliation tests reuse the evidence tests' visit, photos and upload helper."""

from tests.evidence.conftest import make_visit, store, upload  # noqa: F401 (fixtures)
from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_inspector,
    move,
)
