"""CouchDB fixtures: a real CouchDB-protocol server for the tests, never a mock.

Which server (``TEST_COUCHDB``):

* ``pouchdb`` (the default): PouchDB Server from node_modules, on a free loopback port with a
  temporary data directory, with an admin (random password) and CORS off, as ``make run``
  starts it.
* ``apache``: Apache CouchDB 3.5.0 unpacked from the release tarball (devtools/couchdb.py;
  ``COUCHDB_TARBALL`` or ``SHARED_DIR``), single node, an admin with a random password, the
  ``validate_doc_update`` installed in every inspector database. ``make test`` runs the sync,
  gateway and CouchDB suites this way when the tarball is there.

``TEST_COUCHDB_URL`` (credentials allowed, e.g. ``http://admin:secret@127.0.0.1:5984``) uses a
server that is already up instead; tests that must restart CouchDB are skipped then.

``couch_url`` (session): the server's URL with the admin's credentials.
``couch_server_factory`` (session): starts further servers of the same kind that a test may
stop and start again (``.stop()``, ``.start()``, ``.url``); all are removed at the end.
``couch_db`` (function): ``(client, dbname)`` with a fresh, uniquely named database that is
deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devtools.couchdb import ApacheCouchDB, find_tarball, start_couchdb
from devtools.pouchdb import PouchDBServer, start_pouchdb
from devtools.secrets import random_admin
from sync.couch import CouchClient

TEST_DB_PREFIX = "pytest_"
KINDS = ("pouchdb", "apache")
COUCH_FIXTURES = {"couch_url", "couch_db", "couch_server_factory", "live"}


class TestCouch:
    """A CouchDB the tests started: PouchDB Server or Apache CouchDB, restartable in place."""

    __test__ = False  # not a test class

    def __init__(self, kind: str, data_dir: Path) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self._pouch: PouchDBServer | None = None
        self._apache: ApacheCouchDB | None = None
        self._admin = random_admin("admin")
        if kind == "apache":
            self._apache = start_couchdb(parent=data_dir)
        else:
            self._pouch = start_pouchdb(data_dir=data_dir, admin=self._admin)
        self.port = self._apache.port if self._apache else self._pouch.port  # type: ignore[union-attr]
        self.url = self._apache.admin_url if self._apache else self._pouch.admin_url  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._apache is not None:
            self._apache.stop()
        elif self._pouch is not None:
            self._pouch.stop()

    def start(self) -> None:
        """Start it again: same port, same data, same admin."""
        if self._apache is not None:
            self._apache.start()
        else:
            self._pouch = start_pouchdb(port=self.port, data_dir=self.data_dir, admin=self._admin)

    def close(self) -> None:
        if self._apache is not None:
            self._apache.close()
        elif self._pouch is not None:
            self._pouch.stop()


def couch_kind() -> str:
    kind = os.environ.get("TEST_COUCHDB", "pouchdb").strip().lower()
    if kind not in KINDS:
        raise pytest.UsageError(f"TEST_COUCHDB must be one of {', '.join(KINDS)}, not {kind!r}")
    return kind


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a CouchDB fixture is marked ``couch`` (``make test-couchdb`` selects
    those)."""
    for item in items:
        if COUCH_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.couch)


def pytest_report_header() -> str:
    if os.environ.get("TEST_COUCHDB_URL"):
        return "CouchDB: the server at TEST_COUCHDB_URL"
    kind = couch_kind()
    if kind == "apache":
        return f"CouchDB: Apache CouchDB 3.5.0 from {find_tarball() or '(no tarball)'}"
    return "CouchDB: PouchDB Server (node_modules)"


@pytest.fixture(scope="session")
def couch_server_factory(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[], TestCouch]]:
    started: list[TestCouch] = []
    kind = couch_kind()

    def start() -> TestCouch:
        if os.environ.get("TEST_COUCHDB_URL"):
            pytest.skip("TEST_COUCHDB_URL names a server the tests cannot restart")
        if kind == "apache" and find_tarball() is None:
            pytest.skip("no Apache CouchDB tarball (COUCHDB_TARBALL / SHARED_DIR)")
        server = TestCouch(kind, tmp_path_factory.mktemp(kind))
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture(scope="session")
def couch_url(couch_server_factory: Callable[[], TestCouch]) -> str:
    external = os.environ.get("TEST_COUCHDB_URL")
    if external:
        with CouchClient(external) as client:
            health = client.health()
        if health != "ok":
            pytest.fail(f"TEST_COUCHDB_URL does not answer: {health}", pytrace=False)
        return external
    return couch_server_factory().url


@pytest.fixture
def couch_db(couch_url: str) -> Iterator[tuple[CouchClient, str]]:
    name = f"{TEST_DB_PREFIX}{uuid.uuid4().hex[:16]}"
    with CouchClient(couch_url) as client:
        client.create_db(name)
        try:
            yield client, name
        finally:
            client.delete_db(name)
