"""Issue 12 §3, §1: what a device sends the gateway never reaches past its own database.

Every request here is sent byte for byte (http.client, like ``curl --path-as-is``) to the real
app on a real port, with PouchDB Server behind it. After each trick the inspector's database
still exists and no answer shows anything from CouchDB's root (its identity, the list of
databases, configuration, log or session) or a database made as a sentinel.
"""

from __future__ import annotations

import base64
import http.client
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from sync.contract import MAX_JSON_DEPTH
from sync.couch import CouchClient
from tests.factories import PASSWORD
from tests.sync.conftest import live  # noqa: F401  (the running system, shared with tests/sync)
from tests.sync.docs import inspection, new_id, photo

pytestmark = pytest.mark.couch


def send(system: Any, user: Any, method: str, path: str, body: bytes | None = None) -> Any:
    """One request with the path exactly as given; returns (status, text)."""
    parts = urlsplit(system.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture(scope="module")
def pair(live):  # noqa: F811
    """An inspector and another, both with their databases made."""
    user, other = live.inspector(), live.inspector()
    for someone in (user, other):
        basic = (someone.username, PASSWORD)
        assert requests.get(f"{live.db_url(someone)}/", auth=basic, timeout=10).ok
    return user, other


@pytest.fixture(scope="module")
def sentinel(live):  # noqa: F811
    """A database nobody's requests may name or list."""
    name = f"pytest_sentinel_{uuid.uuid4().hex[:12]}"
    with CouchClient(live.couch_url) as couch:
        couch.create_db(name)
        yield name
        couch.delete_db(name)


DOT_TRICKS = [
    "../_all_dbs",
    "../_config",
    "../_session",
    "../_log",
    "..",
    ".",
    "./_all_docs",
    "%2e%2e/_all_dbs",
    "%2E%2e/_all_dbs",
    "%2e./_config",
    "%252e%252e/_all_dbs",
    "..%2f_all_dbs",
    "..%2F..%2F_all_dbs",
    "..%5c_all_dbs",
    "..\\_all_dbs",
    "%c0%ae%c0%ae/_all_dbs",
    "%e0%80%ae%e0%80%ae/_all_dbs",
    "_local/..",
    "_local/../../_all_dbs",
    "_local/%2e%2e",
    "_local/.",
    "_design/..",
    "_design/../../_config",
    "inspection:abcdefgh1234/..",
    "inspection:abcdefgh1234/../../_all_dbs",
    "_all_docs/..",
    "/_all_dbs",
    "_local//x",
    "_changes/../../_all_dbs",
]


@pytest.mark.parametrize("trick", DOT_TRICKS)
@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_dot_segments_never_reach_couchdb(live, pair, sentinel, method, trick):  # noqa: F811
    user, other = pair
    own = f"inspector-{user.id}"
    status, text = send(live, user, method, f"/sync/{own}/{trick}")
    assert 400 <= status < 500, (status, text)
    assert json.loads(text)["error"] in ("bad_request", "not_found", "forbidden")
    for secret in (sentinel, "_users", '"couchdb"', '"uuid"', "httpd", "admins", "userCtx"):
        assert secret not in text
    with CouchClient(live.couch_url) as couch:
        assert couch.db_exists(own)
        assert couch.db_exists(f"inspector-{other.id}")
        assert couch.db_exists(sentinel)


def test_the_database_name_itself_cannot_climb(live, pair, sentinel):  # noqa: F811
    user, _ = pair
    for path in (
        f"/sync/inspector-{user.id}%2f..%2f_all_dbs",
        f"/sync/inspector-{user.id}/%2e%2e/{sentinel}",
        f"/sync/../sync/inspector-{user.id}/../{sentinel}",
        f"/sync/inspector-{user.id}/../inspector-{user.id + 1}/_all_docs",
    ):
        status, text = send(live, user, "GET", path)
        assert 400 <= status < 500, (path, status, text)
        assert sentinel not in text


def test_plain_replication_paths_still_pass(live):  # noqa: F811
    user = live.inspector()
    doc = inspection(user.id)
    own = f"/sync/inspector-{user.id}"
    assert send(live, user, "GET", f"{own}/")[0] == 200
    assert send(live, user, "PUT", f"{own}/{doc['_id']}", json.dumps(doc).encode())[0] == 201
    assert send(live, user, "GET", f"{own}/{doc['_id'].replace(':', '%3A')}")[0] == 200
    checkpoint = json.dumps({"last_seq": 1, "history": []}).encode()
    assert send(live, user, "PUT", f"{own}/_local/Abc.d_e%3D%3D", checkpoint)[0] == 201
    assert send(live, user, "GET", f"{own}/_local/Abc.d_e%3D%3D")[0] == 200


def test_local_documents_are_bounded_in_size_and_number(live):  # noqa: F811
    from server.gateway.checkpoints import INDEX_NAME, MAX_LOCAL_DOC_BYTES, MAX_LOCAL_DOCS

    user = live.inspector()
    url = f"{live.db_url(user)}/_local"
    basic = (user.username, PASSWORD)
    big = {"history": "x" * (MAX_LOCAL_DOC_BYTES + 1)}
    too_big = requests.put(f"{url}/big", json=big, auth=basic, timeout=30)
    assert too_big.status_code == 413
    assert requests.get(f"{url}/big", auth=basic, timeout=30).status_code == 404
    for n in range(MAX_LOCAL_DOCS + 6):
        answer = requests.put(f"{url}/cp-{n}", json={"last_seq": n}, auth=basic, timeout=30)
        assert answer.status_code == 201, answer.text
    with CouchClient(live.couch_url) as couch:
        present = [
            n
            for n in range(MAX_LOCAL_DOCS + 6)
            if couch.get_doc(f"inspector-{user.id}", f"_local/cp-{n}")
        ]
    assert len(present) == MAX_LOCAL_DOCS
    assert present[-1] == MAX_LOCAL_DOCS + 5  # the oldest made room for the newest
    for method in ("GET", "PUT", "DELETE"):
        reserved = requests.request(method, f"{url}/{INDEX_NAME}", json={}, auth=basic, timeout=30)
        assert reserved.status_code == 403


def _bulk(live, user, docs):  # noqa: F811
    return requests.post(
        f"{live.db_url(user)}/_bulk_docs",
        json={"docs": docs, "new_edits": False},
        auth=(user.username, PASSWORD),
        timeout=60,
    )


def test_tombstones_are_checked_like_documents(live):  # noqa: F811
    user, other = live.inspector(), live.inspector()
    own = inspection(user.id)
    own_rev = {**own, "_rev": "1-" + "a" * 32}
    assert _bulk(live, user, [own_rev]).status_code == 201
    padded = {"_id": own["_id"], "_rev": "2-" + "b" * 32, "_deleted": True, "pad": "x" * 2_000_000}
    # An inspection carries no attachments, deleted or not.
    with_photo = {**inspection(user.id), "_rev": "1-" + "c" * 32, "_deleted": True}
    with_photo["_attachments"] = photo(user.id, own["_id"], b"\xff" * 2_000_000)["_attachments"]
    someone_elses = {**inspection(other.id), "_rev": "1-" + "d" * 32, "_deleted": True}
    server_owned = {"_id": "assignment:1", "_rev": "2-" + "e" * 32, "_deleted": True}
    bare_padded = {
        "_id": own["_id"],
        "_rev": "3-" + "f" * 32,
        "_deleted": True,
        "_revisions": {"start": 3, "ids": ["f" * 32] * 4000},
    }
    answer = _bulk(live, user, [padded, with_photo, someone_elses, server_owned, bare_padded])
    assert answer.status_code == 201
    refused = {(a["id"], a["error"]) for a in answer.json()}
    assert refused == {
        (own["_id"], "forbidden"),
        (with_photo["_id"], "forbidden"),
        (someone_elses["_id"], "forbidden"),
        ("assignment:1", "forbidden"),
    }
    reasons = [a["reason"] for a in answer.json()]
    assert any("deleted document is" in r for r in reasons)
    with CouchClient(live.couch_url) as couch:
        kept = couch.get_doc(f"inspector-{user.id}", own["_id"])
        assert kept is not None and "pad" not in kept  # the 2 MB tombstone was not stored
        assert couch.get_doc(f"inspector-{user.id}", with_photo["_id"]) is None
    # One at a time too: PUT with _deleted and DELETE of a server-owned document.
    basic = (user.username, PASSWORD)
    put = requests.put(f"{live.db_url(user)}/{own['_id']}", json=padded, auth=basic, timeout=30)
    assert put.status_code == 403
    gone = requests.delete(f"{live.db_url(user)}/assignment:1?rev=1-x", auth=basic, timeout=30)
    assert gone.status_code == 403
    # A bare tombstone of one's own document is what PouchDB's remove() sends: it passes.
    bare = {"_id": own["_id"], "_rev": "2-" + "9" * 32, "_deleted": True}
    assert _bulk(live, user, [bare]).json() == []


def test_validate_doc_update_refuses_oversized_tombstones():
    import subprocess

    from sync.design import DESIGN_VERSION, design_document
    from tests.sync.test_gateway import VDU_HARNESS

    doc_id = inspection(42)["_id"]
    cases = [
        ({"_id": doc_id, "_deleted": True}, []),
        ({"_id": doc_id, "_deleted": True, "pad": "x" * 2_000_000}, []),
        ({"_id": doc_id, "_deleted": True, "_revisions": {"ids": ["f" * 32] * 4000}}, []),
        ({**inspection(43), "_id": doc_id, "_deleted": True}, []),
        ({"_id": "assignment:1", "_deleted": True}, []),
    ]
    done = subprocess.run(
        ["node", "-e", VDU_HARNESS],
        capture_output=True,
        text=True,
        check=True,
        input=json.dumps({"doc": design_document(42), "cases": cases}),
    )
    assert DESIGN_VERSION >= 2
    assert json.loads(done.stdout) == [
        "ok",
        "document too large without attachments",
        "a deleted document is too large",
        "owner must be user:42",
        "assignment documents are written by the server only",
    ]


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deep_json_is_400_not_500(live):  # noqa: F811
    user = live.inspector()
    basic = (user.username, PASSWORD)
    nested = f'{{"docs":[{{"_id":"{new_id("inspection")}","a":{deep(100_000)}}}]}}'
    bulk = requests.post(
        f"{live.db_url(user)}/_bulk_docs",
        data=nested,
        headers={"Content-Type": "application/json"},
        auth=basic,
        timeout=30,
    )
    assert bulk.status_code == 201
    assert f"deeper than {MAX_JSON_DEPTH}" in bulk.json()[0]["reason"]
    doc_id = new_id("inspection")
    put = requests.put(
        f"{live.db_url(user)}/{doc_id}",
        data=f'{{"_id":"{doc_id}","a":{deep(100_000)}}}',
        headers={"Content-Type": "application/json"},
        auth=basic,
        timeout=30,
    )
    assert put.status_code == 400
    token = requests.post(
        f"{live.base_url}/api/auth/token",
        data=f'{{"username":{deep(100_000)}}}',
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert token.status_code == 400
    assert "嵌套" in token.json()["message"]
