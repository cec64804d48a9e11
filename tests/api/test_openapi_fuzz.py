"""Every operation of the OpenAPI document, fuzzed: whatever a client sends, never a 5xx.

Schemathesis generates requests from docs' own schema (big numbers, odd strings, missing and
extra fields), sent with an admin's token to the app on the test database. Bounded and
derandomised, so a run is the same deterministic subset each time (about a minute or two).
FUZZ_EXAMPLES sets how many examples each operation gets (default 8).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis (requirements-dev.txt)")
from hypothesis import HealthCheck, given, settings  # noqa: E402  (after the skip above)

from server.accounts.models import Role  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# CouchDB is deliberately unreachable in these tests: these answer 503 "unavailable" then.
NEEDS_COUCHDB = ("/api/health", "/api/sync")
_SPEC = json.loads((Path(__file__).parents[2] / "docs" / "openapi.json").read_text())
_METHODS = {"get", "post", "put", "patch", "delete"}
OPERATIONS = [
    (method.upper(), path)
    for path, item in sorted(_SPEC["paths"].items())
    for method in sorted(item)
    if method in _METHODS
]


@pytest.fixture
def admin_headers(make_user: Any, login: Any) -> dict[str, str]:
    return login(make_user(Role.admin))


# Schemathesis's WSGI transport does not close a streamed file response (the exports): noise.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_operation_answers_5xx(
    app: Any, admin_headers: dict[str, str], method: str, path: str
) -> None:
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def never_5xx(case: Any) -> None:
        response = case.call(headers=admin_headers)
        if response.status_code == 503 and path.startswith(NEEDS_COUCHDB):
            return
        assert response.status_code < 500, (
            f"{method} {case.formatted_path} answered {response.status_code}: "
            f"{response.text[:500]}\n{case.as_curl_command()}"
        )

    never_5xx()
