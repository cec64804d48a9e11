"""The claim-checklist tests reuse the review factories (city actor, inspectors)."""

from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_inspector,
    move,
)
