"""CouchDB fixtures: a real CouchDB-protocol server for the tests, never a mock.

``couch_url`` (session): PouchDB Server started on a free loopback port with a temporary data
directory, stopped at the end of the session. Set ``TEST_COUCHDB_URL`` (credentials allowed,
e.g. ``http://admin:secret@127.0.0.1:5984``) to run against a server that is already up, such
as an Apache CouchDB 3.

``couch_db`` (function): ``(client, dbname)`` with a fresh, uniquely named database that is
deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from devtools.pouchdb import start_pouchdb
from sync.couch import CouchClient

TEST_DB_PREFIX = "pytest_"


@pytest.fixture(scope="session")
def couch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("TEST_COUCHDB_URL")
    if external:
        with CouchClient(external) as client:
            health = client.health()
        if health != "ok":
            pytest.fail(f"TEST_COUCHDB_URL does not answer: {health}", pytrace=False)
        yield external
        return
    with start_pouchdb(data_dir=tmp_path_factory.mktemp("pouchdb")) as server:
        yield server.url


@pytest.fixture
def couch_db(couch_url: str) -> Iterator[tuple[CouchClient, str]]:
    name = f"{TEST_DB_PREFIX}{uuid.uuid4().hex[:16]}"
    with CouchClient(couch_url) as client:
        client.create_db(name)
        try:
            yield client, name
        finally:
            client.delete_db(name)
