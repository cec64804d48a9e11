"""Fixtures for the reviewer pages: a browser-like client that signs in through the form and
sends the CSRF token, and a filing at the city with a visit and its photos (one outside)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.accounts.models import Role, User
from server.filings.models import Filing
from tests.evidence.conftest import (  # noqa: F401 (fixtures)
    Visit,
    make_visit,
    photo_bytes,
    store,
    upload,
)
from tests.factories import PASSWORD
from tests.review_factories import (  # noqa: F401 (fixtures)
    at_city,
    city_actor,
    make_batch,
    make_city_filing,
    make_inspector,
    move,
)

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pages:
    """The reviewer pages as a browser uses them: cookies kept, tokens read from the forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.client.get(path, **kw)

    def token(self) -> str:
        page = self.client.get("/review/sign-in")
        found = TOKEN.search(page.text)
        assert found, page.text
        return found.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> TestResponse:
        form = {"csrf_token": self.token(), **(data or {})}
        return self.client.post(path, data=form, **kw)

    def sign_in(self, user: User, password: str = PASSWORD) -> TestResponse:
        return self.post("/review/sign-in", {"username": user.username, "password": password})

    def sign_out(self) -> TestResponse:
        return self.post("/review/sign-out")


@pytest.fixture
def pages(client: FlaskClient) -> Pages:
    return Pages(client)


@pytest.fixture
def other_pages(app) -> Pages:
    """A second browser, for a second reviewer."""
    return Pages(app.test_client())


@dataclass
class CityCase:
    filing: Filing
    visit: Visit
    photo_ids: list[int]  # [inside, outside]


@pytest.fixture
def city_case(make_visit, upload, move) -> Callable[..., CityCase]:  # noqa: F811
    """A filing in city review with a visit and two uploaded photos: one in the yard, one
    300 m east of it."""

    def make(**kw: Any) -> CityCase:
        visit = make_visit(**kw)
        inside = upload(visit.lead, photo_bytes(east_m=100, north_m=50), visit.assignment.id)
        outside = upload(visit.lead, photo_bytes(east_m=500, north_m=50), visit.assignment.id)
        assert inside.status_code == 201 and outside.status_code == 201, (inside.json, outside.json)
        filing = visit.site.filings[0]
        move(filing, "start_city_review")
        return CityCase(filing, visit, [inside.json["id"], outside.json["id"]])

    return make


@pytest.fixture
def city_reviewers(make_user) -> tuple[User, User]:
    return make_user(Role.city_reviewer), make_user(Role.city_reviewer)
