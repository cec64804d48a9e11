"""``_local/…`` documents through the gateway: replication checkpoints, bounded in size and number.

PouchDB keeps one checkpoint per replication in the remote database (``_local/<replication
id>``), a few hundred bytes each. A device could otherwise store any amount of data there, out of
every other check (``_local`` documents never replicate and are never ingested). So a checkpoint
is at most ``MAX_LOCAL_DOC_BYTES``, and a database keeps at most ``MAX_LOCAL_DOCS`` of them: the
gateway lists the ids it has let in, in a ``_local`` index of its own (refused to devices), and
when a new one would exceed the count it removes the oldest. A device whose checkpoint was removed
replicates again from the start, which is harmless: replication is idempotent.

PouchDB Server has no ``_local_docs`` listing, so the index is the only way to count on both
servers. Two gateways adding at once meet on the index's revision and retry.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from server.gateway.policy import Refused
from sync.contract import nesting_problem
from sync.couch import CouchClient, CouchError

MAX_LOCAL_DOC_BYTES = 64 * 1024
MAX_LOCAL_DOCS = 64
INDEX_NAME = "grading-gateway-index"
_ATTEMPTS = 5
_known: dict[str, set[str]] = {}
_known_lock = threading.Lock()


def check_local_id(name: str) -> None:
    if name == INDEX_NAME:
        raise Refused(403, "forbidden", f"_local/{INDEX_NAME} is the server's own")


def local_body(data: bytes) -> dict[str, Any]:
    """The checkpoint document a device PUTs, checked. Raises Refused."""
    if len(data) > MAX_LOCAL_DOC_BYTES:
        raise Refused(
            413,
            "too_large",
            f"a _local document is at most {MAX_LOCAL_DOC_BYTES} bytes; this one is {len(data)}",
        )
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise Refused(400, "bad_request", "the body is not valid JSON") from exc
    if not isinstance(doc, dict):
        raise Refused(400, "bad_request", "a _local document is a JSON object")
    problem = nesting_problem(doc)
    if problem is not None:
        raise Refused(400, "bad_request", problem)
    return doc


def admit(couch: CouchClient, db: str, name: str) -> None:
    """Record ``_local/<name>`` in the database's index before it is written, removing the
    oldest checkpoint when the index is full."""
    with _known_lock:
        if name in _known.get(db, ()):
            return
    index_path = f"{db}/_local/{INDEX_NAME}"
    for _ in range(_ATTEMPTS):
        index = _get(couch, index_path) or {"_id": f"_local/{INDEX_NAME}", "ids": []}
        ids: list[str] = [i for i in index.get("ids", []) if isinstance(i, str)]
        if name not in ids:
            while len(ids) >= MAX_LOCAL_DOCS:
                _remove(couch, db, ids.pop(0))
            ids.append(name)
            index["ids"] = ids
            with couch.raw("PUT", index_path, data=json.dumps(index), headers=_JSON) as answer:
                if answer.status_code == 409:
                    continue  # another request updated the index meanwhile: read it again
                if answer.status_code >= 300:
                    raise CouchError.from_response(answer)
        with _known_lock:
            known = _known.setdefault(db, set())
            if len(known) > 4 * MAX_LOCAL_DOCS:
                known.clear()  # an evicted id must be counted again when it comes back
            known.add(name)
        return
    raise Refused(503, "unavailable", "checkpoints are being written at once; retry")


def forget(db: str, name: str) -> None:
    with _known_lock:
        _known.get(db, set()).discard(name)


_JSON = {"Content-Type": "application/json"}


def _get(couch: CouchClient, path: str) -> dict[str, Any] | None:
    with couch.raw("GET", path) as answer:
        if answer.status_code == 404:
            return None
        if answer.status_code >= 300:
            raise CouchError.from_response(answer)
        body = answer.json()
    return body if isinstance(body, dict) else None


def _remove(couch: CouchClient, db: str, name: str) -> None:
    from urllib.parse import quote

    path = f"{db}/_local/{quote(name, safe='')}"
    old = _get(couch, path)
    forget(db, name)
    if old is None:
        return
    with couch.raw("DELETE", path, params={"rev": old.get("_rev", "")}) as answer:
        if answer.status_code not in (200, 404, 409):
            raise CouchError.from_response(answer)
