"""The sync gateway with a real PouchDB tablet and a real PouchDB Server behind it."""

from __future__ import annotations

import base64
import json

import pytest
import requests

from server.accounts.models import Role
from sync.contract import MAX_ATTACHMENT_BYTES
from sync.couch import CouchClient, CouchError
from tests.factories import PASSWORD
from tests.media.photos import sample
from tests.sync.docs import inspection, new_id, photo

pytestmark = pytest.mark.couch
JPEG = sample("gps/DSCN0010.jpg")


def test_tablet_pushes_an_inspection_and_three_photos(live):
    user = live.inspector()
    visit = inspection(user.id)
    photos = [photo(user.id, visit["_id"], JPEG) for _ in range(3)]
    pull, _put, push = live.tablet(
        user, [{"op": "pull"}, {"op": "put", "docs": [visit, *photos]}, {"op": "push"}]
    )
    assert pull["ok"] is True
    assert push == {
        "op": "push",
        "ok": True,
        "docs_written": 4,
        "doc_write_failures": 0,
        "denied": [],
    }
    with CouchClient(live.couch_url) as couch:
        stored = couch.get_doc(f"inspector-{user.id}", photos[0]["_id"])
        assert stored is not None
        name = next(iter(stored["_attachments"]))
        assert couch.get_attachment(f"inspector-{user.id}", photos[0]["_id"], name) == JPEG


def test_forbidden_documents_are_refused_one_by_one(live):
    user, other = live.inspector(), live.inspector()
    good = inspection(user.id)
    forged_assignment = {"_id": "assignment:999", "type": "assignment", "schema_version": 1}
    someone_elses = inspection(other.id)
    design = {"_id": "_design/evil", "validate_doc_update": "function(){}"}
    [_, push] = live.tablet(
        user,
        [{"op": "put", "docs": [good, forged_assignment, someone_elses, design]}, {"op": "push"}],
    )
    # PouchDB records each denial and carries on: nothing to retry, no loop.
    assert (push["ok"], push["docs_written"], push["doc_write_failures"]) == (True, 1, 3)
    reasons = {d["id"]: d["reason"] for d in push["denied"]}
    assert reasons == {
        "assignment:999": "assignment documents are written by the server only",
        someone_elses["_id"]: f"owner must be 'user:{user.id}': you may write only your own "
        "documents",
        "_design/evil": "design documents are written by the server only",
    }
    with CouchClient(live.couch_url) as couch:
        assert couch.get_doc(f"inspector-{user.id}", good["_id"]) is not None
        assert couch.get_doc(f"inspector-{user.id}", "assignment:999") is None


def auth(user):
    return (user.username, PASSWORD)


def test_another_users_database_is_refused(live):
    user, other = live.inspector(), live.inspector()
    response = requests.get(f"{live.db_url(other)}/", auth=auth(user), timeout=10)
    assert response.status_code == 403
    assert (
        response.json()["reason"] == f"you may replicate only your own database, "
        f"inspector-{user.id}"
    )


def test_no_credentials_and_wrong_password(live):
    user = live.inspector()
    assert requests.get(f"{live.db_url(user)}/", timeout=10).status_code == 401
    wrong = requests.get(f"{live.db_url(user)}/", auth=(user.username, "wrong-pw"), timeout=10)
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "unauthorized"


def test_bearer_token_works_too(live):
    user = live.inspector()
    token = requests.post(
        f"{live.base_url}/api/auth/token",
        timeout=10,
        json={"username": user.username, "password": PASSWORD},
    ).json()
    response = requests.get(
        f"{live.db_url(user)}/",
        timeout=10,
        headers={"Authorization": f"Bearer {token['access_token']}"},
    )
    assert response.status_code == 200
    assert response.json()["db_name"] == f"inspector-{user.id}"


def test_reviewers_have_no_sync_database(live):
    from server.accounts.service import create_user
    from tests.factories import _PASSWORD_HASH, CITY

    with live.session() as session:
        reviewer = create_user(
            session,
            actor=None,
            username="rev-sync",
            display_name="R",
            password_hash=_PASSWORD_HASH,
            role=Role.city_reviewer,
            city=CITY,
        )
        session.commit()
    response = requests.get(
        f"{live.base_url}/sync/inspector-{reviewer.id}/", auth=("rev-sync", PASSWORD), timeout=10
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "_changes?filter=_selector", 403),
        ("GET", "_changes?feed=continuous", 400),
        ("GET", "_changes?view=x/y", 400),
        ("PUT", "_design/mine", 404),
        ("GET", "_security", 404),
        ("POST", "_compact", 404),
        ("GET", "_all_docs/extra", 404),
        ("PUT", "photo:12345678abc/original.jpg", 403),
    ],
)
def test_only_replication_endpoints_pass(live, method, path, status):
    user = live.inspector()
    response = requests.request(
        method,
        f"{live.db_url(user)}/{path}",
        auth=auth(user),
        data=b"{}",
        timeout=10,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == status, response.text


def test_attachment_over_the_limit(live):
    user = live.inspector()
    big = photo(user.id, new_id("inspection"), b"\xff" * (MAX_ATTACHMENT_BYTES + 1))
    single = requests.put(
        f"{live.db_url(user)}/{big['_id']}",
        auth=auth(user),
        timeout=60,
        data=json.dumps(big),
        headers={"Content-Type": "application/json"},
    )
    assert single.status_code == 413
    assert "send a smaller photo" in single.json()["reason"]
    # In a batch, only that document is refused, as forbidden: PouchDB retries every other
    # error forever, and halving the batch cannot make this photo smaller.
    fine = inspection(user.id)
    batch = requests.post(
        f"{live.db_url(user)}/_bulk_docs", auth=auth(user), timeout=60, json={"docs": [fine, big]}
    )
    assert batch.status_code == 201
    answers = {a["id"]: a for a in batch.json()}
    assert answers[fine["_id"]]["ok"] is True
    assert answers[big["_id"]]["error"] == "forbidden"


def test_a_batch_over_32_mb_is_answered_per_document(live):
    """Flask's request limit used to answer 413 to the whole batch, which PouchDB retries for
    ever; now the batch is read document by document and each one answered."""
    user = live.inspector()
    chunk = base64.b64encode(b"\x00" * (9 * 1024 * 1024)).decode()
    docs = [photo(user.id, new_id("inspection"), b"") for _ in range(3)]
    for doc in docs:
        doc["_attachments"]["original.jpg"]["data"] = chunk
    huge = photo(user.id, new_id("inspection"), b"\xff" * (26 * 1024 * 1024))
    response = requests.post(
        f"{live.db_url(user)}/_bulk_docs",
        auth=auth(user),
        timeout=120,
        json={"docs": [*docs, huge]},
    )
    assert response.status_code == 201, response.text
    answers = response.json()
    assert [a.get("ok") for a in answers[:3]] == [True, True, True]
    assert answers[3]["id"] == huge["_id"]
    assert answers[3]["error"] == "forbidden"
    assert "send a smaller photo" in answers[3]["reason"]
    with CouchClient(live.couch_url) as couch:
        assert couch.get_doc(f"inspector-{user.id}", docs[2]["_id"]) is not None
        assert couch.get_doc(f"inspector-{user.id}", huge["_id"]) is None


VDU_HARNESS = """
const design = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const validate = eval('(' + design.doc.validate_doc_update + ')');
const out = design.cases.map(([doc, roles]) => {
  try { validate(doc, null, {name: null, roles: roles}, {}); return 'ok'; }
  catch (e) { return e.forbidden || String(e); }
});
process.stdout.write(JSON.stringify(out));
"""


def test_validate_doc_update_logic():
    """The design document's function, run as CouchDB runs it (plain JavaScript)."""
    import subprocess

    from sync.design import design_document

    cases = [
        (inspection(42), []),
        (inspection(43), []),
        ({"_id": "assignment:1", "type": "assignment", "schema_version": 1}, []),
        ({"_id": "assignment:1", "type": "assignment", "schema_version": 1}, ["_admin"]),
        ({**inspection(42), "schema_version": 9}, []),
        ({"_id": "_design/x"}, []),
        ({"_id": "whatever:1", "type": "whatever"}, ["_admin"]),
        ({"_id": inspection(42)["_id"], "_deleted": True}, []),
    ]
    done = subprocess.run(
        ["node", "-e", VDU_HARNESS],
        capture_output=True,
        text=True,
        check=True,
        input=json.dumps({"doc": design_document(42), "cases": cases}),
    )
    assert json.loads(done.stdout) == [
        "ok",
        "owner must be user:42",
        "assignment documents are written by the server only",
        "ok",
        "unsupported schema_version 9",
        "design documents are written by the server only",
        "unknown document id whatever:1",
        "ok",
    ]


def test_design_document_installed_only_where_it_works(live):
    user = live.inspector()
    live.tablet(user, [{"op": "pull"}])  # provisions the database through the gateway
    with CouchClient(live.couch_url) as couch:
        from sync.provision import runs_validation

        installed = couch.get_doc(f"inspector-{user.id}", "_design/grading")
        assert (installed is not None) == runs_validation(couch)
        if installed is not None:  # Apache CouchDB (TEST_COUCHDB_URL): the second line bites
            with pytest.raises(CouchError) as refused:
                couch.put_doc(f"inspector-{user.id}", inspection(user.id + 1000))
            assert refused.value.status == 403


def test_stock_pouchdb_pushes_large_photos_with_default_batches(live):
    """PouchDB's default batches (100 documents, attachments inline) of photos far beyond 32 MB
    in all, one of them over the photo limit: each document answered, nothing retried for ever."""
    user = live.inspector()
    visit = inspection(user.id)
    photos = [photo(user.id, visit["_id"], JPEG + bytes(9 * 1024 * 1024)) for _ in range(4)]
    huge = photo(user.id, visit["_id"], JPEG + bytes(26 * 1024 * 1024))
    _put, push = live.tablet(user, [{"op": "put", "docs": [visit, *photos, huge]}, {"op": "push"}])
    assert (push["ok"], push["docs_written"], push["doc_write_failures"]) == (True, 5, 1), push
    [denied] = push["denied"]
    assert denied["id"] == huge["_id"]
    assert "send a smaller photo" in denied["reason"]


def test_live_feeds_are_bounded_in_time_and_number(live):
    """A long-poll ends with no results when its (bounded) time is up, even on a server that
    ignores ``timeout``; a third live feed of one inspector is answered 429 at once."""
    import threading
    import time

    user = live.inspector()
    basic = auth(user)
    since = requests.get(f"{live.db_url(user)}/", auth=basic, timeout=10).json()["update_seq"]
    url = f"{live.db_url(user)}/_changes"
    started = time.monotonic()
    quiet = requests.get(
        url, params={"feed": "longpoll", "since": since, "timeout": "2000"}, auth=basic, timeout=20
    )
    assert time.monotonic() - started < 12
    assert quiet.status_code == 200
    assert quiet.json() == {"results": [], "last_seq": since}
    held = [
        threading.Thread(
            target=requests.get,
            args=(url,),
            kwargs={
                "params": {"feed": "longpoll", "since": since, "timeout": "4000"},
                "auth": basic,
                "timeout": 20,
            },
        )
        for _ in range(2)
    ]
    for thread in held:
        thread.start()
    time.sleep(1.0)
    third = requests.get(url, params={"feed": "longpoll", "since": since}, auth=basic, timeout=5)
    assert third.status_code == 429
    assert third.headers["Retry-After"] == "10"
    for thread in held:
        thread.join()
