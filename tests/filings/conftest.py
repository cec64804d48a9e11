"""Fixtures of the filing tests: a bureau that works through the API."""

from __future__ import annotations

import pytest

from tests.filings.flow import Bureau


@pytest.fixture
def bureau(client, login, make_user) -> Bureau:
    return Bureau(client, login, make_user)
