"""Factories for test data: valid by default, each field overridable.

Registered as a pytest plugin by conftest, so tests ask for ``make_enterprise`` and friends.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from server.accounts.actor import Actor
from server.accounts.models import Role, User
from server.accounts.service import create_user
from server.filings.models import Filing
from server.filings.service import receive_filing
from server.registry.credit_code import check_character
from server.registry.models import Enterprise, Site
from server.registry.service import create_enterprise, create_site

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD)  # scrypt once, not once per user
CITY = "驻马店市"
COUNTY = "驿城区"
OTHER_COUNTY = "确山县"
_counter = itertools.count(1)


def credit_code(serial: int) -> str:
    """A valid 统一社会信用代码 (check character computed) for a serial number."""
    body = f"9141170{serial:010d}"
    return body + check_character(body)


def square(lon: float = 114.0, lat: float = 33.0, size: float = 0.004) -> list[Any]:
    return [
        [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    ]


def foundry_case(grade: str = "A", **overrides: Any) -> dict[str, Any]:
    case = {
        "guide_version": "MEE2020",
        "industry_code": "foundry",
        "claimed_grade": grade,
        "claims": [
            {
                "category": "fugitive_emissions",
                "indicator_code": "fugitive_emissions.no_visible_dust",
                "claimed_value": "yes",
            }
        ],
    }
    case.update(overrides)
    return case


@pytest.fixture
def make_user(session: Session) -> Callable[..., User]:
    def make(role: Role = Role.city_reviewer, county: str | None = None, **kw: Any) -> User:
        n = next(_counter)
        if role is Role.county_reviewer and county is None:
            county = COUNTY
        return create_user(
            session,
            actor=None,
            username=kw.pop("username", f"{role.value}-{n}"),
            password_hash=_PASSWORD_HASH,
            display_name=kw.pop("display_name", f"Test {role.value} {n}"),
            role=role,
            city=kw.pop("city", CITY),
            county=county,
        )

    return make


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.admin)


@pytest.fixture
def admin_actor(admin: User) -> Actor:
    return Actor.of(admin)


@pytest.fixture
def make_enterprise(session: Session, admin_actor: Actor) -> Callable[..., Enterprise]:
    def make(**kw: Any) -> Enterprise:
        n = next(_counter)
        data = {
            "name": f"测试铸造有限公司{n}",
            "credit_code": credit_code(n),
            "city": CITY,
            "county": COUNTY,
        }
        data.update(kw)
        return create_enterprise(session, actor=admin_actor, **data)

    return make


@pytest.fixture
def make_site(
    session: Session, admin_actor: Actor, make_enterprise: Callable[..., Enterprise]
) -> Callable[..., Site]:
    def make(enterprise: Enterprise | None = None, **kw: Any) -> Site:
        n = next(_counter)
        data: dict[str, Any] = {
            "name": f"一厂区{n}",
            "address": f"驿城区工业大道{n}号",
            "datum": "WGS84",
            "boundary": [square()],
            "lines": [{"code": "L01", "name": "熔炼线", "industry_code": "foundry"}],
            "cems_points": [{"mn": f"MN{n:012d}", "name": "熔炼炉排口", "line_code": "L01"}],
            "gates": [{"code": "G01", "name": "东门"}],
        }
        data.update(kw)
        return create_site(
            session, actor=admin_actor, enterprise=enterprise or make_enterprise(), **data
        )

    return make


@pytest.fixture
def make_filing(
    session: Session, admin_actor: Actor, make_site: Callable[..., Site]
) -> Callable[..., Filing]:
    def make(site: Site | None = None, **kw: Any) -> Filing:
        data: dict[str, Any] = {
            "year": 2026,
            "received_on": dt.date(2026, 7, 1),
            "cases": [foundry_case()],
        }
        data.update(kw)
        return receive_filing(session, actor=admin_actor, site=site or make_site(), **data)

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], dict[str, str]]:
    """Authorization headers for a user, obtained through the real token endpoint."""

    def headers(user: User) -> dict[str, str]:
        response = client.post(
            "/api/auth/token", json={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    return headers
