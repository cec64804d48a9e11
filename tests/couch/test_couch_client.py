"""sync.couch.CouchClient against a real CouchDB-protocol server (PouchDB Server by default)."""

from __future__ import annotations

import socket
import uuid

import pytest

from sync.couch import CouchClient, CouchError

pytestmark = pytest.mark.couch

CouchDb = tuple[CouchClient, str]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens there once the socket is closed


def _unique_name(stem: str) -> str:
    return f"pytest_{uuid.uuid4().hex[:12]}{stem}"


def test_health_is_ok(couch_url: str) -> None:
    with CouchClient(couch_url) as client:
        assert client.health() == "ok"
        assert "version" in client.server_info()


def test_health_on_a_closed_port_gives_a_reason_and_does_not_raise() -> None:
    with CouchClient(f"http://127.0.0.1:{_closed_port()}", timeout=2) as client:
        reason = client.health()
    assert reason == "connection refused"


def test_other_calls_on_a_closed_port_raise_couch_error_with_status_0() -> None:
    client = CouchClient(f"http://127.0.0.1:{_closed_port()}", timeout=2)
    with client, pytest.raises(CouchError) as caught:
        client.db_exists("anything")
    assert (caught.value.status, caught.value.error) == (0, "unreachable")
    assert caught.value.reason == "connection refused"


def test_create_db_twice_is_fine(couch_db: CouchDb) -> None:
    client, db = couch_db  # the fixture created it already
    assert client.db_exists(db)
    assert client.create_db(db) is False
    assert client.db_exists(db)


def test_delete_db_is_idempotent(couch_url: str) -> None:
    db = _unique_name("")
    with CouchClient(couch_url) as client:
        assert client.create_db(db) is True
        assert client.delete_db(db) is True
        assert not client.db_exists(db)
        client.delete_db(db)  # PouchDB Server says 200, CouchDB 404: neither raises


def test_put_get_round_trip(couch_db: CouchDb) -> None:
    client, db = couch_db
    doc_id = "inspection:tab-7:0001"
    doc = {"_id": doc_id, "type": "inspection", "schema_version": 1, "n": 3}
    rev = client.put_doc(db, doc)
    assert rev.startswith("1-")

    stored = client.get_doc(db, doc_id)
    assert stored == {**doc, "_rev": rev}

    rev2 = client.put_doc(db, {**stored, "n": 4})
    assert rev2.startswith("2-")
    assert client.get_doc(db, doc_id) == {**doc, "n": 4, "_rev": rev2}


def test_ids_with_reserved_characters_and_design_docs(couch_db: CouchDb) -> None:
    client, db = couch_db
    for doc_id in ("photo/a b+c?d#e%f&g", "_design/sync", "_local/checkpoint/1"):
        rev = client.put_doc(db, {"_id": doc_id, "v": 1})
        stored = client.get_doc(db, doc_id)
        assert stored is not None
        assert (stored["_id"], stored["_rev"], stored["v"]) == (doc_id, rev, 1)


def test_get_missing_doc_is_none_but_a_missing_db_raises(couch_db: CouchDb) -> None:
    client, db = couch_db
    assert client.get_doc(db, "nope") is None
    with pytest.raises(CouchError) as caught:
        client.get_doc(_unique_name("-missing"), "nope")
    assert caught.value.status == 404


def test_conflicting_put_raises_409(couch_db: CouchDb) -> None:
    client, db = couch_db
    client.put_doc(db, {"_id": "feedback:1", "v": 1})
    with pytest.raises(CouchError) as caught:
        client.put_doc(db, {"_id": "feedback:1", "v": 2})  # no _rev: a conflict
    assert caught.value.status == 409
    assert caught.value.error == "conflict"
    assert "409" in str(caught.value)

    with pytest.raises(CouchError) as stale:
        client.put_doc(db, {"_id": "feedback:1", "_rev": "1-0123456789abcdef", "v": 2})
    assert stale.value.status == 409


def test_changes_feed_with_opaque_since(couch_db: CouchDb) -> None:
    client, db = couch_db
    ids = {f"photo:{i}" for i in range(3)}
    for doc_id in sorted(ids):
        client.put_doc(db, {"_id": doc_id, "type": "photo"})

    feed = client.changes(db, include_docs=True)
    assert {row["id"] for row in feed["results"]} == ids
    assert all(row["doc"]["type"] == "photo" for row in feed["results"])
    last_seq = feed["last_seq"]  # a string on CouchDB 3, an int on PouchDB Server

    nothing_new = client.changes(db, since=last_seq)
    assert nothing_new["results"] == []

    client.put_doc(db, {"_id": "photo:new", "type": "photo"})
    newer = client.changes(db, since=last_seq)
    assert [row["id"] for row in newer["results"]] == ["photo:new"]
    assert "doc" not in newer["results"][0]


def test_changes_in_batches(couch_db: CouchDb) -> None:
    client, db = couch_db
    for i in range(5):
        client.put_doc(db, {"_id": f"doc:{i}"})
    seen: list[str] = []
    since = None
    for _ in range(10):
        batch = client.changes(db, since=since, limit=2)
        if not batch["results"]:
            break
        assert len(batch["results"]) <= 2
        seen += [row["id"] for row in batch["results"]]
        since = batch["last_seq"]
    assert sorted(seen) == [f"doc:{i}" for i in range(5)]


def test_db_name_with_slash_plus_and_dollar(couch_url: str) -> None:
    db = _unique_name("/inspector+a$(b)-c_d")
    with CouchClient(couch_url) as client:
        try:
            assert client.create_db(db) is True
            assert client.db_exists(db)
            rev = client.put_doc(db, {"_id": "x"})
            assert client.get_doc(db, "x") == {"_id": "x", "_rev": rev}
            assert [row["id"] for row in client.changes(db)["results"]] == ["x"]
        finally:
            client.delete_db(db)
        assert not client.db_exists(db)


@pytest.mark.parametrize("name", ["Upper", "1starts-with-digit", "has space", "dot.ted", "", "_x"])
def test_illegal_db_names_are_refused_before_any_request(name: str) -> None:
    # PouchDB Server would accept most of these; CouchDB 3 answers 400. Refuse them here so
    # development behaves like production.
    with CouchClient(f"http://127.0.0.1:{_closed_port()}") as client, pytest.raises(ValueError):
        client.create_db(name)


def test_credentials_in_the_url_become_basic_auth_and_stay_out_of_url_and_repr() -> None:
    with CouchClient("http://admin:p%40ss%3Aword@127.0.0.1:5984/couch") as client:
        assert client.session.auth == ("admin", "p@ss:word")
        assert client.url == "http://127.0.0.1:5984/couch/"
        assert "p%40ss" not in repr(client)
        assert "admin" not in repr(client)


def test_wrong_credentials_are_an_http_error_in_health(couch_url: str) -> None:
    # On a server in "admin party" (PouchDB Server as started by the tests) unknown
    # credentials are still rejected, as on CouchDB 3.
    scheme, _, rest = couch_url.partition("://")
    host = rest.rpartition("@")[2]
    with CouchClient(f"{scheme}://nobody:wrong@{host}") as client:
        reason = client.health()
    assert reason.startswith("HTTP 401")
